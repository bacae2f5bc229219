import * as v from 'valibot';
import { UnitIntervalSchema } from './unit-interval.js';

export const STRATEGIES = ['weighted_average', 'max_confidence', 'consensus'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** How to blend; every field has the default of spec §10. */
export const BlendOptionsSchema = v.object({
  strategy: v.optional(v.picklist(STRATEGIES, `must be one of ${STRATEGIES.join(', ')}`), 'weighted_average'),
  ai_weight: v.optional(UnitIntervalSchema, 0.5),
  divergence_threshold: v.optional(UnitIntervalSchema, 0.3),
  consensus_threshold: v.optional(UnitIntervalSchema, 0.2),
});

export type BlendOptions = v.InferOutput<typeof BlendOptionsSchema>;
