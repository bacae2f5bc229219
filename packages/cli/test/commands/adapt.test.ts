import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { adapt } from '../../src/commands/adapt.js';
import { readGolden } from '../../../engine/test/support/fixtures.js';
import { inputFile, readLines, runCommand } from '../support/run-command.js';

interface AdapterCase {
  input: unknown;
  expected: { company: { company_id: string; domain: string }; warnings: string[] };
}

const cases = readGolden<AdapterCase>('adapter-cases.jsonl');
// Lines 1–12 the golden records, 13 without an id, 14 not JSON.
const { dir, input } = inputFile([...cases.map((c) => c.input), { place_norm: { name: 'No id' } }, '{"place_norm": ']);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('echo-ridge adapt', () => {
  const paths = { output: join(dir, 'companies.jsonl'), warnings: join(dir, 'warnings.jsonl'), errors: join(dir, 'errors.jsonl') };
  let run: { code: number; stderr: string };
  beforeAll(async () => {
    run = await runCommand(adapt, [input, '-o', paths.output, '--warnings', paths.warnings, '--errors', paths.errors]);
  });

  it('writes one company per converted line, in input order', () => {
    expect(run.code).toBe(0);
    const companies = readLines<{ company_id: string; domain: string }>(paths.output);
    expect(companies.map((c) => [c.company_id, c.domain])).toEqual(cases.map((c) => [c.expected.company.company_id, c.expected.company.domain]));
  });

  it('writes the warnings of each conversion with its line and company id', () => {
    expect(readLines(paths.warnings)).toEqual(cases.map((c, i) => ({ line: i + 1, company_id: c.expected.company.company_id, warnings: c.expected.warnings })));
  });

  it('writes an error record per bad line, naming the missing fields', () => {
    const [noId, notJson] = readLines<{ line: number; error: { code: string; message: string } }>(paths.errors);
    expect(noId).toEqual({
      line: 13,
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Missing required field: entity_id or source_id (or place_id/id)',
        issues: [{ path: 'place_norm.entity_id', message: 'Missing required field: entity_id or source_id (or place_id/id)' }],
      },
    });
    expect(notJson).toMatchObject({ line: 14, error: { code: 'INVALID_JSON' } });
  });

  it('summarises conversions, the warning share against 60–80 % and critical failures', () => {
    const { stderr } = run;
    expect(stderr).toContain(`adapted ${input}: 14 lines, 12 converted, 2 failed`);
    expect(stderr).toContain('conversions with warnings: 12 of 12 (100.0 %; operators expect 60–80 %, this run is outside that range)');
    expect(stderr).toContain('failures: 2 of 14 (14.3 %)');
    expect(stderr).toContain("CRITICAL: 14.3 % of lines failed to convert, above the runbook's critical level of 5 %");
  });

  it('does not call a run with few failures critical', async () => {
    const healthy = inputFile([...Array.from({ length: 20 }, (_, i) => ({ entity_id: `e-${i}`, confidence_score: 0.9 })), { name: 'no id' }]);
    try {
      const { stderr } = await runCommand(adapt, [healthy.input, '-o', join(healthy.dir, 'out.jsonl')]);
      expect(stderr).toContain('failures: 1 of 21 (4.8 %)');
      expect(stderr).not.toContain('CRITICAL');
      expect(readLines(join(healthy.dir, 'out.errors.jsonl'))).toHaveLength(1);
    } finally {
      rmSync(healthy.dir, { recursive: true, force: true });
    }
  });
});
