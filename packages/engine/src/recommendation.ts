import { failedGates } from './feasibility.js';
import type { Feasibility, Recommendation, Risk } from './payload-schema.js';

/** Risk first, then the gates, then residual risk (spec §7). */
export function recommend(risk: Risk, feasibility: Feasibility): Recommendation {
  const base = { risk_level: risk.overall_risk, feasible: feasibility.overall_feasible };
  if (risk.overall_risk === 'high') {
    return { action: 'reject', priority: 'low', rationale: `High risk assessment: ${risk.reasons.slice(0, 2).join('; ')}`, ...base };
  }
  if (!feasibility.overall_feasible) {
    return { action: 'defer', priority: 'medium', rationale: `Feasibility gates failed: ${failedGates(feasibility).join(', ')}`, ...base };
  }
  if (risk.overall_risk === 'medium') {
    return { action: 'review', priority: 'medium', rationale: `Medium risk requires review: ${risk.reasons[0] ?? 'standard due diligence'}`, ...base };
  }
  return { action: 'proceed', priority: 'high', rationale: 'Low risk and all feasibility gates passed', ...base };
}
