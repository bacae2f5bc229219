import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { hybrid } from '../../src/commands/hybrid.js';
import { readGolden } from '../../../engine/test/support/fixtures.js';
import { inputFile, readLines, runCommand } from '../support/run-command.js';

interface AdapterCase {
  input: Record<string, unknown>;
}

interface BlendCase {
  ai_score: Record<string, unknown>;
}

const records = readGolden<AdapterCase>('adapter-cases.jsonl').map((c) => c.input);
const aiScores = readGolden<BlendCase>('blend-cases.jsonl').map((c) => c.ai_score);
const aiScore = aiScores[3]!;

// Lines 1–12 one golden record each; 13–16 one bad field each.
const { dir, input } = inputFile([
  ...records.map((record, i) => ({ record, ai_score: aiScores[i], strategy: ['weighted_average', 'max_confidence', 'consensus'][i % 3] })),
  { record: { place_norm: { name: 'No id' } }, ai_score: aiScore },
  { record: records[0], ai_score: { ...aiScore, overall_score: 1.5 } },
  { record: records[0], ai_score: aiScore, strategy: 'median' },
  { record: records[0], ai_score: aiScore, ai_weight: -0.5 },
]);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  company_id: string;
  adapter_warnings: string[];
  deterministic: { company_id: string };
  blend: { strategy: string; metadata: { company_id: string }; divergence: { level: string } };
}

describe('echo-ridge hybrid', () => {
  const output = join(dir, 'out.jsonl');
  let run: { code: number; stderr: string };
  beforeAll(async () => {
    run = await runCommand(hybrid, [input, '-o', output]);
  });

  it('writes one hybrid result per good line, in input order', () => {
    expect(run.code).toBe(0);
    const results = readLines<Result>(output);
    expect(results.map((r) => r.company_id)).toEqual(records.map((_, i) => `ent-11-${i}`));
    for (const result of results) {
      expect(result.deterministic.company_id).toBe(result.company_id);
      expect(result.blend.metadata.company_id).toBe(result.company_id);
      expect(result.adapter_warnings.length).toBeGreaterThan(0);
    }
    expect(results.map((r) => r.blend.strategy).slice(0, 3)).toEqual(['weighted_average', 'max_confidence', 'consensus']);
  });

  it('writes an error record beside the output for each bad line, naming the field', () => {
    const errors = readLines<{ line: number; error: { issues: { path: string }[] } }>(join(dir, 'out.errors.jsonl'));
    expect(errors.map((e) => [e.line, e.error.issues.map((issue) => issue.path)])).toEqual([
      [13, ['place_norm.entity_id']],
      [14, ['ai_score.overall_score']],
      [15, ['strategy']],
      [16, ['ai_weight']],
    ]);
  });

  it('summarises divergence levels and the share of flagged records', () => {
    const results = readLines<Result>(output);
    const count = (level: string) => results.filter((r) => r.blend.divergence.level === level).length;
    expect(run.stderr).toContain(`hybrid ${input}: 16 lines, 12 blended, 4 failed`);
    expect(run.stderr).toContain(`divergence levels: normal ${count('normal')}, monitor ${count('monitor')}, investigate ${count('investigate')}`);
    expect(run.stderr).toMatch(/flagged \(a divergence above its threshold\): \d+ of 12 \(\d+\.\d %\)/);
  });
});
