import * as v from 'valibot';
import { validateWith } from '../schema.js';
import { AiScoreSchema } from './ai-score.js';
import { BlendOptionsSchema } from './blend-options.js';
import { blendScores, type BlendResult } from './blend.js';
import { DeterministicScoreSchema } from './deterministic-score.js';
import { HybridInputError } from './errors.js';

const { strategy, ...thresholds } = BlendOptionsSchema.entries;

/** One blend as a file line states it (golden/blend-cases.jsonl, the CLI's `blend`): strategy beside the options. */
export const BlendCaseSchema = v.object({
  ai_score: AiScoreSchema,
  deterministic_score: DeterministicScoreSchema,
  strategy,
  options: v.optional(v.object(thresholds, 'must be an object with ai_weight, divergence_threshold and consensus_threshold'), {}),
});

export type BlendCase = v.InferInput<typeof BlendCaseSchema>;

/** Blends one `{ai_score, deterministic_score, strategy?, options?}` line; issues name fields as the line does (`options.ai_weight`). */
export function blendCase(input: unknown): BlendResult {
  const checked = validateWith(BlendCaseSchema, input);
  if (!checked.ok) throw HybridInputError.fromIssues('Invalid blend case', checked.issues);
  const { ai_score: aiScore, deterministic_score: deterministicScore, options } = checked.value;
  return blendScores(aiScore, deterministicScore, { strategy: checked.value.strategy, ...options });
}
