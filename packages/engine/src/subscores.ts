import type { NormContext } from './context.js';
import type { Features } from './features.js';
import { pyFixed } from './format.js';
import { normalize } from './normalization.js';
import type { Company } from './schema.js';

export const SUBSCORE_NAMES = ['digital', 'ops', 'info_flow', 'market', 'budget'] as const;
export type SubscoreName = (typeof SUBSCORE_NAMES)[number];
export type Subscores = Record<SubscoreName, number>;

/** Below this source confidence every subscore carries a LOW_CONFIDENCE warning. */
export const LOW_CONFIDENCE_THRESHOLD = 0.7;
/** Bounded values outside [0.1, 0.9] are outliers. */
const OUTLIER_LOW = 0.1;
const OUTLIER_HIGH = 0.9;
const HIGH_DOC_VOLUME = 10_000;
const LOW_REVENUE_USD = 100_000;
const HIGH_REVENUE_USD = 100_000_000;

/** How each subscore combines bounded features; verbose payloads quote these. */
export const SUBSCORE_FORMULAS: Record<SubscoreName, string> = {
  digital: '0.4·f(pagespeed) + 0.3·f(crm_flag) + 0.3·f(ecom_flag)',
  ops: '(f(employees) + f(locations) + f(services_count)) / 3',
  info_flow: 'f(daily_docs_est)',
  market: '(f(competitor_density) + f(industry_growth_pct) + (1 − f(rivalry_index))) / 3',
  budget: 'f(revenue_est_usd)',
};

export interface SubscoreResult {
  values: Subscores;
  /** In spec order, repeats included: model confidence counts them before de-duplication. */
  warnings: string[];
  bounded: Features;
}

export function computeSubscores(company: Company, context: NormContext): SubscoreResult {
  const f = normalize(company, context);
  const values: Subscores = {
    digital: 0.4 * f.digital_pagespeed + 0.3 * f.digital_crm_flag + 0.3 * f.digital_ecom_flag,
    ops: (f.ops_employees_log + f.ops_locations_log + f.ops_services_count_log) / 3,
    info_flow: f.info_flow_daily_docs_est_log,
    market: (f.market_competitor_density_log + f.market_industry_growth_pct + (1 - f.market_rivalry_index)) / 3,
    budget: f.budget_revenue_est_usd_log,
  };
  return { values, warnings: subscoreWarnings(company, f, values), bounded: f };
}

function subscoreWarnings(company: Company, f: Features, values: Subscores): string[] {
  const warnings: string[] = [];
  const confidence = company.meta.source_confidence;
  const lowConfidence =
    confidence < LOW_CONFIDENCE_THRESHOLD ? `LOW_CONFIDENCE: Company data confidence ${pyFixed(confidence, 2)} below optimal threshold` : null;
  const flagLow = (): void => {
    if (lowConfidence) warnings.push(lowConfidence);
  };

  flagLow();
  if (f.digital_pagespeed < OUTLIER_LOW || f.digital_pagespeed > OUTLIER_HIGH) warnings.push('OUTLIER: Page speed significantly above/below average');

  flagLow();
  if (values.ops > OUTLIER_HIGH) warnings.push('OUTLIER: Operations metrics significantly above average');
  else if (values.ops < OUTLIER_LOW) warnings.push('OUTLIER: Operations metrics significantly below average');

  flagLow();
  const docs = company.info_flow.daily_docs_est;
  if (docs === 0) warnings.push('ZERO_DOCS: No document flow detected');
  else if (docs > HIGH_DOC_VOLUME) warnings.push('HIGH_VOLUME: Very high document volume detected');

  flagLow();
  if (f.market_industry_growth_pct > OUTLIER_HIGH) warnings.push('HIGH_GROWTH: High growth industry detected');
  else if (f.market_industry_growth_pct < OUTLIER_LOW) warnings.push('DECLINING: Declining industry detected');
  if (f.market_rivalry_index > OUTLIER_HIGH) warnings.push('HIGH_RIVALRY: Highly competitive market');

  flagLow();
  const revenue = company.budget.revenue_est_usd;
  if (revenue < LOW_REVENUE_USD) warnings.push('LOW_REVENUE: Very low revenue estimate');
  else if (revenue > HIGH_REVENUE_USD) warnings.push('HIGH_REVENUE: Very high revenue estimate');

  return warnings;
}
