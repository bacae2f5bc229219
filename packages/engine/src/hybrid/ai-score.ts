import * as v from 'valibot';
import { DIMENSIONS, type ComponentScore, type Dimension, type DimensionScore } from './dimensions.js';
import { UnitIntervalSchema } from './unit-interval.js';

/** What the AI scorer states when it gives no confidence of its own. */
const AI_DEFAULT_CONFIDENCE = 0.8;

const AiDimensionSchema = v.object(
  {
    value: UnitIntervalSchema,
    confidence: v.optional(UnitIntervalSchema, AI_DEFAULT_CONFIDENCE),
    evidence: v.optional(v.string('must be a string'), ''),
  },
  'must be an object with value (0 to 1), confidence and evidence',
);

const optionalDimension = v.optional(AiDimensionSchema);

/** An AI scorer's answer: an overall score and DIMB dimension scores, all in [0, 1]. */
export const AiScoreSchema = v.pipe(
  v.looseObject(
    {
      model: v.optional(v.string('must be a string'), 'unknown'),
      overall_score: v.optional(UnitIntervalSchema),
      /** Older AI scorers report the overall score here instead. */
      score_summary: v.optional(v.looseObject({ weighted_overall: v.optional(UnitIntervalSchema) }, 'must be an object')),
      confidence: v.optional(UnitIntervalSchema, AI_DEFAULT_CONFIDENCE),
      overall_note: v.optional(v.string('must be a string'), ''),
      dimb_scores: v.optional(
        v.object({ D: optionalDimension, O: optionalDimension, I: optionalDimension, M: optionalDimension, B: optionalDimension }, 'must be an object keyed by D, O, I, M, B'),
        {},
      ),
    },
    'must be an object with overall_score and dimb_scores',
  ),
  v.forward(
    v.check((ai) => ai.overall_score !== undefined || ai.score_summary?.weighted_overall !== undefined, 'is required (a number from 0 to 1; or give score_summary.weighted_overall)'),
    ['overall_score'],
  ),
);

export type AiScore = v.InferOutput<typeof AiScoreSchema>;

/** A dimension the AI left out counts as a zero score held with the AI's default confidence. */
const MISSING_AI_DIMENSION: DimensionScore = { score: 0, confidence: AI_DEFAULT_CONFIDENCE, evidence: '' };

export function aiDimension(ai: ComponentScore, dimension: Dimension): DimensionScore {
  return ai.subscores[dimension] ?? MISSING_AI_DIMENSION;
}

export function aiComponent(ai: AiScore): ComponentScore {
  const subscores: ComponentScore['subscores'] = {};
  for (const dimension of DIMENSIONS) {
    const given = ai.dimb_scores[dimension];
    if (given) subscores[dimension] = { score: given.value, confidence: given.confidence, evidence: given.evidence };
  }
  return {
    // The schema's check guarantees one of the two is present.
    overall_score: (ai.overall_score ?? ai.score_summary?.weighted_overall)!,
    subscores,
    confidence: ai.confidence,
    explanation: ai.overall_note,
  };
}
