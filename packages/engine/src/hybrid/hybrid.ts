import * as v from 'valibot';
import type { ScorePayload } from '../payload-schema.js';
import { validateWith, type Company } from '../schema.js';
import type { Scorer } from '../scorer.js';
import { adaptRecord } from './adapter.js';
import { AiScoreSchema } from './ai-score.js';
import { BlendOptionsSchema } from './blend-options.js';
import { blendScores, type BlendResult } from './blend.js';
import { HybridInputError } from './errors.js';

/** One hybrid request: a pipeline record, the AI's score for it and how to blend the two. */
export const HybridRequestSchema = v.object({
  record: v.looseObject({}, 'must be a pipeline record {place_norm, web_snapshot?} or a bare place'),
  ai_score: AiScoreSchema,
  ...BlendOptionsSchema.entries,
});

export type HybridRequest = v.InferInput<typeof HybridRequestSchema>;

export interface HybridResult {
  company_id: string;
  company: Company;
  adapter_warnings: string[];
  deterministic: ScorePayload;
  blend: BlendResult;
}

/**
 * Adapts the record, scores the company deterministically and blends that payload with the AI score.
 * The AI score and the options are checked before any work is done; a bad request throws a
 * `HybridInputError` naming every offending field. `now` stands in for a record's missing `created_at`.
 */
export function scoreHybrid(request: unknown, scorer: Pick<Scorer, 'score'>, now: Date = new Date()): HybridResult {
  const checked = validateWith(HybridRequestSchema, request);
  if (!checked.ok) throw HybridInputError.fromIssues('Invalid hybrid request', checked.issues);
  const { record, ai_score: aiScore, ...options } = checked.value;
  const { company, warnings } = adaptRecord(record, now);
  const deterministic = scorer.score(company);
  return {
    company_id: company.company_id,
    company,
    adapter_warnings: warnings,
    deterministic,
    blend: blendScores(aiScore, deterministic, options),
  };
}
