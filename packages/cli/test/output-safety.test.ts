/** A run that cannot start must not destroy the outputs of an earlier run. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/echo-ridge.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'echo-ridge-cli-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('score.ts: outputs are opened (truncated) before the input is known to be readable', () => {
  it('a mistyped input path leaves the previous results untouched', () => {
    const out = join(dir, 'out.jsonl');
    writeFileSync(out, '{"company_id":"previous run"}\n');
    writeFileSync(join(dir, 'out.errors.jsonl'), '{"line":3}\n');
    const { NODE_OPTIONS: _n, WEIGHTS_CONFIG_PATH: _w, ...env } = process.env;
    const run = spawnSync(process.execPath, [BIN, 'score', join(dir, 'typo.jsonl'), '-o', out], { cwd: dir, env, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('{"company_id":"previous run"}\n');
    expect(readFileSync(join(dir, 'out.errors.jsonl'), 'utf8')).toBe('{"line":3}\n');
  });
});
