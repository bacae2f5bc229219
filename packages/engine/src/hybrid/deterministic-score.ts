import * as v from 'valibot';
import { pyFixed } from '../format.js';
import { DIMENSION_SUBSCORES, mapDimensions, type DeterministicComponent } from './dimensions.js';
import { UnitIntervalSchema } from './unit-interval.js';

const PERCENT_RULE = 'must be a number from 0 to 100';
const percent = v.pipe(v.number(PERCENT_RULE), v.finite(PERCENT_RULE), v.minValue(0, PERCENT_RULE), v.maxValue(100, PERCENT_RULE));

const SubscoreSchema = v.looseObject(
  { score: percent, confidence: v.optional(UnitIntervalSchema, 1) },
  'must be an object with score (0 to 100) and confidence',
);

/**
 * The deterministic side of a blend: a full scoring payload (spec §9) or just the parts blending reads
 * (company_id, final_score, explanation, subscores with score and confidence, metadata.version.engine).
 */
export const DeterministicScoreSchema = v.looseObject(
  {
    company_id: v.string('must be a string'),
    final_score: percent,
    explanation: v.string('must be a string'),
    subscores: v.looseObject(
      { digital: SubscoreSchema, ops: SubscoreSchema, info_flow: SubscoreSchema, market: SubscoreSchema, budget: SubscoreSchema },
      'must be an object with digital, ops, info_flow, market and budget',
    ),
    metadata: v.looseObject(
      { version: v.looseObject({ engine: v.string('must be a string') }, 'must be an object with engine') },
      'must be an object with version.engine',
    ),
  },
  'must be a scoring payload (company_id, final_score, explanation, subscores, metadata)',
);

export type DeterministicScore = v.InferOutput<typeof DeterministicScoreSchema>;

/** The engine stands fully behind its own arithmetic; per-subscore confidences carry the data quality. */
const DETERMINISTIC_CONFIDENCE = 1;

/** Payload scores are percentages; blending works in [0, 1]. */
export function deterministicComponent(deterministic: DeterministicScore): DeterministicComponent {
  return {
    overall_score: deterministic.final_score / 100,
    subscores: mapDimensions((dimension) => {
      const { score, confidence } = deterministic.subscores[DIMENSION_SUBSCORES[dimension]];
      const value = score / 100;
      return { score: value, confidence, evidence: `Deterministic calculation: ${pyFixed(value, 2)}` };
    }),
    confidence: DETERMINISTIC_CONFIDENCE,
    explanation: deterministic.explanation,
  };
}
