import { pyFixed, pyFloatRepr, pyInt, pyRound, pyThousands } from './format.js';
import type { Risk } from './payload-schema.js';
import type { Company } from './schema.js';

/** The thresholds of spec §5; verbose payloads report these very values. */
export const RISK_THRESHOLDS = {
  confidence_threshold: 0.7,
  high_risk_composite: 0.6,
  medium_risk_composite: 0.3,
  composite_weights: { data_uncertainty: 0.5, missing_field_penalty: 0.3, scrape_volatility: 0.2 },
  volatility: {
    low_confidence: 0.3,
    pagespeed_at_max: 0.2,
    enterprise_employees: 0.1,
    enterprise_revenue: 0.1,
    volatile_growth: 0.1,
  },
  max_pagespeed: 100,
  enterprise_employees_above: 10_000,
  enterprise_revenue_above_usd: 100_000_000,
  volatile_growth_above_pct: 20,
  volatile_growth_below_pct: -10,
} as const;

type RiskLevel = Risk['overall_risk'];

export interface RiskDetail {
  risk: Risk;
  composite: number;
  missing_fields: string[];
  volatility_factors: { factor: string; weight: number }[];
}

/** Fields a scoreable company should have a positive value for, in the order they are reported. */
function missingFields(company: Company): string[] {
  const { digital, ops, info_flow, market, budget } = company;
  const checks: [string, boolean][] = [
    ['pagespeed', digital.pagespeed <= 0],
    ['employees', ops.employees <= 0],
    ['locations', ops.locations <= 0],
    ['services_count', ops.services_count <= 0],
    ['daily_docs_est', info_flow.daily_docs_est <= 0],
    ['competitor_density', market.competitor_density <= 0],
    ['rivalry_index', market.rivalry_index < 0 || market.rivalry_index > 1],
    ['revenue_est_usd', budget.revenue_est_usd <= 0],
  ];
  return checks.filter(([, missing]) => missing).map(([name]) => name);
}

function volatilityFactors(company: Company): { factor: string; weight: number }[] {
  const t = RISK_THRESHOLDS;
  const c = company.meta.source_confidence;
  const { pagespeed } = company.digital;
  const { employees } = company.ops;
  const revenue = company.budget.revenue_est_usd;
  const growth = company.market.industry_growth_pct;
  const factors: { factor: string; weight: number }[] = [];
  if (c < t.confidence_threshold) factors.push({ factor: `Source confidence ${pyFixed(c, 2)} below threshold ${t.confidence_threshold}`, weight: t.volatility.low_confidence });
  if (pagespeed >= t.max_pagespeed) factors.push({ factor: `Pagespeed ${pyInt(pagespeed)} at maximum value indicates potential data issues`, weight: t.volatility.pagespeed_at_max });
  if (employees > t.enterprise_employees_above) factors.push({ factor: `Employee count ${pyInt(employees)} suggests enterprise scale`, weight: t.volatility.enterprise_employees });
  if (revenue > t.enterprise_revenue_above_usd) factors.push({ factor: `Revenue $${pyThousands(revenue)} suggests large enterprise`, weight: t.volatility.enterprise_revenue });
  if (growth > t.volatile_growth_above_pct || growth < t.volatile_growth_below_pct) {
    factors.push({ factor: `Industry growth ${pyFloatRepr(growth)}% indicates volatile market`, weight: t.volatility.volatile_growth });
  }
  return factors;
}

export function assessRisk(company: Company): RiskDetail {
  const t = RISK_THRESHOLDS;
  const dataConfidence = company.meta.source_confidence;
  const missing = missingFields(company);
  const penalty = missing.length / 8;
  const factors = volatilityFactors(company);
  let volatility = 0;
  for (const { weight } of factors) volatility += weight;
  volatility = Math.min(1, volatility);
  const w = t.composite_weights;
  const composite = (1 - dataConfidence) * w.data_uncertainty + penalty * w.missing_field_penalty + volatility * w.scrape_volatility;

  let level: RiskLevel;
  let levelReason: string;
  if (composite >= t.high_risk_composite) {
    level = 'high';
    levelReason = `High risk: composite score ${pyFixed(composite, 2)} ≥ ${t.high_risk_composite}`;
  } else if (composite >= t.medium_risk_composite) {
    level = 'medium';
    levelReason = `Medium risk: composite score ${pyFixed(composite, 2)} ≥ ${t.medium_risk_composite}`;
  } else {
    level = 'low';
    levelReason = `Low risk: composite score ${pyFixed(composite, 2)} < ${t.medium_risk_composite}`;
  }

  const reasons: string[] = [];
  if (missing.length > 0) reasons.push(`Missing or invalid fields: ${missing.join(', ')}`);
  for (const { factor } of factors) reasons.push(factor);
  reasons.push(levelReason);

  return {
    risk: {
      data_confidence: pyRound(dataConfidence, 3),
      missing_field_penalty: pyRound(penalty, 3),
      scrape_volatility: pyRound(volatility, 3),
      overall_risk: level,
      reasons,
    },
    composite,
    missing_fields: missing,
    volatility_factors: factors,
  };
}
