import * as v from 'valibot';
import { validateWith } from '../schema.js';
import { aiComponent, AiScoreSchema, type AiScore } from './ai-score.js';
import { BlendOptionsSchema, type BlendOptions, type Strategy } from './blend-options.js';
import { deterministicComponent, DeterministicScoreSchema, type DeterministicScore } from './deterministic-score.js';
import type { ComponentScore, DeterministicComponent } from './dimensions.js';
import { measureDivergence, type Divergence } from './divergence.js';
import { HybridInputError } from './errors.js';
import { consensus, maxConfidence, weightedAverage, type BlendedScore } from './strategies.js';

/** One blend request as a flat object, so that an issue's path names the field as the caller wrote it. */
export const BlendRequestSchema = v.object({
  ai_score: AiScoreSchema,
  deterministic_score: DeterministicScoreSchema,
  ...BlendOptionsSchema.entries,
});

export interface BlendResult {
  strategy: Strategy;
  config: { ai_weight: number; divergence_threshold: number; consensus_threshold?: number };
  blended_score: BlendedScore;
  component_scores: { ai_score: ComponentScore; deterministic_score: DeterministicComponent };
  divergence: Divergence;
  metadata: { ai_source: string; deterministic_version: string; company_id: string };
}

/**
 * Blends an AI score with a deterministic payload (spec §10). Inputs are checked first; any problem
 * throws a `HybridInputError` naming every offending field (`ai_score.overall_score`, `ai_weight`, …).
 */
export function blend(aiScore: unknown, deterministicScore: unknown, options: Readonly<Record<string, unknown>> = {}): BlendResult {
  const request = validateWith(BlendRequestSchema, { ...options, ai_score: aiScore, deterministic_score: deterministicScore });
  if (!request.ok) throw HybridInputError.fromIssues('Invalid blend input', request.issues);
  const { ai_score, deterministic_score, ...blendOptions } = request.value;
  return blendScores(ai_score, deterministic_score, blendOptions);
}

/** `blend` for inputs that have already been validated. */
export function blendScores(aiScore: AiScore, deterministicScore: DeterministicScore, options: BlendOptions): BlendResult {
  const ai = aiComponent(aiScore);
  const deterministic = deterministicComponent(deterministicScore);
  return {
    strategy: options.strategy,
    config: {
      ai_weight: options.ai_weight,
      divergence_threshold: options.divergence_threshold,
      ...(options.strategy === 'consensus' && { consensus_threshold: options.consensus_threshold }),
    },
    blended_score: blendWith(options, ai, deterministic),
    component_scores: { ai_score: ai, deterministic_score: deterministic },
    divergence: measureDivergence(ai, deterministic, options.divergence_threshold),
    metadata: {
      ai_source: aiScore.model,
      deterministic_version: deterministicScore.metadata.version.engine,
      company_id: deterministicScore.company_id,
    },
  };
}

function blendWith(options: BlendOptions, ai: ComponentScore, deterministic: DeterministicComponent): BlendedScore {
  switch (options.strategy) {
    case 'weighted_average':
      return weightedAverage(ai, deterministic, options.ai_weight);
    case 'max_confidence':
      return maxConfidence(ai, deterministic);
    case 'consensus':
      return consensus(ai, deterministic, options.consensus_threshold);
  }
}
