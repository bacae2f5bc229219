/**
 * A valid company record (spec §1); `id` makes it another company. The score API's tests and the local
 * runtime's tests and benches share it (`@echo-ridge/score-api/test/company-record`); it imports nothing,
 * so a bench outside jest can use it.
 */
export const company = (id = 'acme-001') => ({
  company_id: id,
  domain: 'acme.example.com',
  digital: { pagespeed: 82, crm_flag: true, ecom_flag: false },
  ops: { employees: 120, locations: 3, services_count: 14 },
  info_flow: { daily_docs_est: 450 },
  market: { competitor_density: 12, industry_growth_pct: 4.5, rivalry_index: 0.6 },
  budget: { revenue_est_usd: 2_500_000 },
  meta: { scrape_ts: '2025-09-10T09:00:00Z', source_confidence: 0.9 },
});
