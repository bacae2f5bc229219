import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { blend } from '../../src/commands/blend.js';
import { expectGoldenMatch } from '../../../engine/test/support/golden-compare.js';
import { readGolden } from '../../../engine/test/support/fixtures.js';
import { inputFile, readLines, runCommand } from '../support/run-command.js';

interface BlendCase {
  ai_score: Record<string, unknown>;
  deterministic_score: Record<string, unknown>;
  strategy: string;
  options: Record<string, unknown>;
  expected: unknown;
}

const cases = readGolden<BlendCase>('blend-cases.jsonl');
const { ai_score: aiScore, deterministic_score: deterministicScore } = cases[0]!;

// Lines 1–24 the golden blend cases; 25–27 one bad field each.
const { dir, input } = inputFile([
  ...cases,
  { ai_score: { ...aiScore, overall_score: -0.1 }, deterministic_score: deterministicScore },
  { ai_score: aiScore, deterministic_score: deterministicScore, strategy: 'vote' },
  { ai_score: aiScore, deterministic_score: deterministicScore, options: { divergence_threshold: 1.2 } },
]);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('echo-ridge blend', () => {
  const paths = { output: join(dir, 'out.jsonl'), errors: join(dir, 'errors.jsonl') };
  let run: { code: number; stderr: string };
  beforeAll(async () => {
    run = await runCommand(blend, [input, '-o', paths.output, '--errors', paths.errors]);
  });

  it('writes the golden blend result for every case line, in input order', () => {
    expect(run.code).toBe(0);
    const results = readLines(paths.output);
    expect(results).toHaveLength(cases.length);
    results.forEach((result, i) => expectGoldenMatch(result, cases[i]!.expected, `line ${i + 1}`));
  });

  it('writes an error record per bad line, naming the field', () => {
    const errors = readLines<{ line: number; error: { code: string; message: string } }>(paths.errors);
    expect(errors.map((e) => [e.line, e.error.code, e.error.message])).toEqual([
      [25, 'VALIDATION_FAILED', 'Invalid blend case: ai_score.overall_score must be a number from 0 to 1'],
      [26, 'VALIDATION_FAILED', 'Invalid blend case: strategy must be one of weighted_average, max_confidence, consensus'],
      [27, 'VALIDATION_FAILED', 'Invalid blend case: options.divergence_threshold must be a number from 0 to 1'],
    ]);
  });

  it('summarises divergence levels and warns when more than half the blends are flagged', () => {
    expect(run.stderr).toContain(`blended ${input}: 27 lines, 24 blended, 3 failed`);
    expect(run.stderr).toContain('divergence levels: normal 0, monitor 5, investigate 19');
    expect(run.stderr).toContain('flagged (a divergence above its threshold): 22 of 24 (91.7 %)');
    expect(run.stderr).toContain("WARNING: 91.7 % of blends flagged, above the runbook's warning level of 50 %");
  });
});
