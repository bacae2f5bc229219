import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '@echo-ridge/local';
import { score } from '../../src/commands/score.js';
import { exampleRecords, startQuietRuntime } from '../support/runtime.js';
import { inputFile, readLines, runCommand } from '../support/run-command.js';

/** `echo-ridge score --remote` against `pnpm start`'s runtime, compared with a local run of the same file. */

const examples = exampleRecords<Record<string, unknown>>();

/** 4,100 companies (more than one round of 4,000) with bad lines before, inside and after the first round. */
const lines: unknown[] = Array.from({ length: 4_100 }, (_, i) => ({ ...examples[i % examples.length], company_id: `remote-${i}` }));
lines.splice(4_050, 0, { ...examples[0], company_id: 'bad-late', digital: { pagespeed: 101, crm_flag: true, ecom_flag: false } });
lines.splice(3_999, 0, '{"company_id": "cut');
lines.splice(2, 0, { company_id: 'bad-early' });

const { dir, input } = inputFile(lines);
let runtime: Runtime;

beforeAll(async () => {
  runtime = await startQuietRuntime(dir);
});

afterAll(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What differs between two scorings of the same company: when, and how long it took. */
const withoutTiming = ({ timestamp: _, processing_time_ms: _ms, ...payload }: Record<string, unknown>) => payload;

describe('echo-ridge score --remote', () => {
  it('writes the files a local run writes, in input order across rounds, scored by the API', async () => {
    const local = { results: join(dir, 'local.jsonl'), errors: join(dir, 'local.errors.jsonl') };
    const remote = { results: join(dir, 'remote.jsonl'), errors: join(dir, 'remote.errors.jsonl') };
    expect((await runCommand(score, [input, '-o', local.results])).code).toBe(0);
    const run = await runCommand(score, [input, '--remote', runtime.url, '--api-key', runtime.apiKey.value, '-o', remote.results]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`scored ${input} through ${runtime.url}: 4103 lines, 4100 scored, 3 failed`);
    expect(readFileSync(remote.errors, 'utf8')).toBe(readFileSync(local.errors, 'utf8'));
    expect(readLines(remote.errors).map((record) => record.line)).toEqual([3, 4001, 4053]);
    const [remotePayloads, localPayloads] = [readLines(remote.results), readLines(local.results)];
    expect(remotePayloads.map((payload) => payload.company_id)).toEqual(localPayloads.map((payload) => payload.company_id));
    expect(remotePayloads.map((payload) => withoutTiming(payload.metadata as Record<string, unknown>))).toEqual(
      localPayloads.map((payload) => withoutTiming(payload.metadata as Record<string, unknown>)),
    );
    expect(remotePayloads.map(({ metadata: _, ...scores }) => scores)).toEqual(localPayloads.map(({ metadata: _, ...scores }) => scores));
  });

  it('takes the key from ECHO_RIDGE_API_KEY', async () => {
    const small = inputFile([examples[0]]);
    process.env.ECHO_RIDGE_API_KEY = runtime.apiKey.value;
    try {
      const run = await runCommand(score, [small.input, '--remote', runtime.url, '-o', join(small.dir, 'out.jsonl')]);
      expect(run.code).toBe(0);
      expect(readLines(join(small.dir, 'out.jsonl'))).toHaveLength(1);
    } finally {
      delete process.env.ECHO_RIDGE_API_KEY;
      rmSync(small.dir, { recursive: true, force: true });
    }
  });

  it('stops before writing anything when the API refuses the key or cannot be reached', async () => {
    const refused = join(dir, 'refused.jsonl');
    await expect(runCommand(score, [input, '--remote', runtime.url, '--api-key', 'er_not_a_key_0123456789', '-o', refused])).rejects.toThrow(
      `${runtime.url} answered 403 FORBIDDEN: Missing or unknown API key`,
    );
    await expect(runCommand(score, [input, '--remote', 'http://127.0.0.1:9', '--api-key', 'k', '-o', refused])).rejects.toThrow('GET http://127.0.0.1:9/stats failed');
    expect(existsSync(refused)).toBe(false);
  });

  it('refuses flags that only shape local scoring, and a key without --remote', async () => {
    const remote = ['--remote', runtime.url, '--api-key', 'k'];
    await expect(runCommand(score, [input, ...remote, '--fit', '--no-mask'])).rejects.toThrow('--fit, --no-mask cannot go with --remote');
    await expect(runCommand(score, [input, '--remote', runtime.url])).rejects.toThrow('--remote needs --api-key <key> (or ECHO_RIDGE_API_KEY)');
    await expect(runCommand(score, [input, '--api-key', 'k'])).rejects.toThrow('--api-key goes with --remote <url>');
  });
});
