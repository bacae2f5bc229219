import type { Company } from './schema.js';

/** The eleven normalised features (spec §2), in the order the 1.1.0 engine serialised them. */
export const FEATURE_NAMES = [
  'digital_pagespeed',
  'digital_crm_flag',
  'digital_ecom_flag',
  'ops_employees_log',
  'ops_locations_log',
  'ops_services_count_log',
  'info_flow_daily_docs_est_log',
  'market_competitor_density_log',
  'market_industry_growth_pct',
  'market_rivalry_index',
  'budget_revenue_est_usd_log',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, number>;

const log10p = (x: number): number => Math.log10(x + 1);

export function extractFeatures(company: Company): Features {
  const { digital, ops, info_flow, market, budget } = company;
  return {
    digital_pagespeed: digital.pagespeed,
    digital_crm_flag: digital.crm_flag ? 1 : 0,
    digital_ecom_flag: digital.ecom_flag ? 1 : 0,
    ops_employees_log: log10p(ops.employees),
    ops_locations_log: log10p(ops.locations),
    ops_services_count_log: log10p(ops.services_count),
    info_flow_daily_docs_est_log: log10p(info_flow.daily_docs_est),
    market_competitor_density_log: log10p(market.competitor_density),
    market_industry_growth_pct: market.industry_growth_pct,
    market_rivalry_index: market.rivalry_index,
    budget_revenue_est_usd_log: log10p(budget.revenue_est_usd),
  };
}
