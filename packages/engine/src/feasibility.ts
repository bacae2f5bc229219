import { pyInt, pyThousands } from './format.js';
import type { Feasibility } from './payload-schema.js';
import type { Company } from './schema.js';

/** The gate thresholds of spec §6; verbose payloads report these very values. */
export const FEASIBILITY_THRESHOLDS = {
  min_daily_docs: 10,
  revenue_floor_usd: 100_000,
  min_employees: 5,
  /** pagespeed must be above this for a digital presence */
  min_pagespeed_exclusive: 0,
} as const;

export const GATE_NAMES = ['docs_present', 'crm_or_ecom_present', 'budget_above_floor', 'deployable_now'] as const;

/** The gates a company failed, in the order of spec §6 (the recommendation and masking name them so). */
export function failedGates(feasibility: Feasibility): (typeof GATE_NAMES)[number][] {
  return GATE_NAMES.filter((gate) => !feasibility[gate]);
}

export function assessFeasibility(company: Company): Feasibility {
  const t = FEASIBILITY_THRESHOLDS;
  const docs = company.info_flow.daily_docs_est;
  const { crm_flag, ecom_flag, pagespeed } = company.digital;
  const revenue = company.budget.revenue_est_usd;
  const { employees } = company.ops;
  const reasons: string[] = [];

  const docsPresent = docs >= t.min_daily_docs;
  reasons.push(
    docsPresent
      ? `Documentation workflow present: ${pyInt(docs)} docs/day ≥ ${t.min_daily_docs}`
      : `Insufficient documentation workflow: ${pyInt(docs)} docs/day < ${t.min_daily_docs}`,
  );

  const crmOrEcom = crm_flag || ecom_flag;
  const systems = [crm_flag && 'CRM', ecom_flag && 'E-commerce'].filter(Boolean).join(', ');
  reasons.push(crmOrEcom ? `Integration systems present: ${systems}` : 'No CRM or e-commerce systems detected for integration');

  const floor = `$${pyThousands(t.revenue_floor_usd)}`;
  const budgetAboveFloor = revenue >= t.revenue_floor_usd;
  reasons.push(budgetAboveFloor ? `Budget sufficient: $${pyThousands(revenue)} ≥ ${floor}` : `Budget insufficient: $${pyThousands(revenue)} < ${floor}`);

  const teamOk = employees >= t.min_employees;
  const digitalOk = pagespeed > t.min_pagespeed_exclusive;
  reasons.push(teamOk ? `Team scale sufficient: ${pyInt(employees)} employees ≥ ${t.min_employees}` : `Team too small: ${pyInt(employees)} employees < ${t.min_employees}`);
  reasons.push(digitalOk ? `Digital presence confirmed: pagespeed ${pyInt(pagespeed)}` : 'No digital presence detected');
  const deployable = teamOk && digitalOk;
  reasons.push(deployable ? 'Ready for immediate deployment' : 'Not ready for immediate deployment');

  const overall = docsPresent && crmOrEcom && budgetAboveFloor && deployable;
  if (!overall) reasons.push('Overall feasibility=false: one or more gates failed');

  return {
    docs_present: docsPresent,
    crm_or_ecom_present: crmOrEcom,
    budget_above_floor: budgetAboveFloor,
    deployable_now: deployable,
    overall_feasible: overall,
    reasons,
  };
}
