import { failedGates } from './feasibility.js';
import type { Feasibility } from './payload-schema.js';

/*
 * What masking (spec §8) writes besides the zeros. The 1.1.0 engine kept the unmasked interpretation and
 * explanation, so a masked payload said "Fair" and cited points its subscores no longer had; these replace
 * both with the reason the scores are zero.
 */

export const MASKED_WARNING = 'MASKED: infeasible company, scores zeroed';

export function maskedInterpretation(feasibility: Feasibility): string {
  return `Not feasible now: ${failedGates(feasibility).join(', ')} failed`;
}

export function maskedExplanation(feasibility: Feasibility): string {
  return `Scores masked to 0 because feasibility gates failed: ${failedGates(feasibility).join(', ')}; feasibility.reasons says why each failed.`;
}
