import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { contextChecksum, fitContext } from '../src/context.js';
import { planRefresh } from '../src/context-refresh.js';
import { defaultContext } from '../src/default-context.js';
import { validateCompany, type Company } from '../src/schema.js';
import { parseWeights } from '../src/weights.js';

const weights = parseWeights(readFileSync(new URL('../../../weights.yaml', import.meta.url), 'utf8'));
const examples = readFileSync(new URL('../../../examples/companies.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Company);

/** The example cohort `times` over, each copy under other ids: 83 of every 120 meet the 0.7 threshold. */
const cohort = (times: number, change: (company: Company) => Company = (c) => c) =>
  Array.from({ length: times }, (_, copy) => examples.map((company) => change({ ...company, company_id: `${company.company_id}-${copy}` }))).flat();

const now = new Date('2026-11-27T03:00:00.000Z');

describe('planRefresh', () => {
  it('publishes a context fitted on the sample once enough of it meets the confidence threshold', () => {
    const sample = cohort(2);
    const plan = planRefresh({ sample, current: defaultContext, currentSample: null, weights, now });
    expect(plan.action).toBe('publish');
    if (plan.action !== 'publish') return;
    const valid = sample.map((record) => validateCompany(record)).flatMap((checked) => (checked.ok ? [checked.value] : []));
    expect(plan.context).toEqual(fitContext(valid, { now }));
    expect(plan.context.companies_count).toBe(166);
    expect(plan.eligible).toBe(166);
    expect(plan.context.checksum).toBe(contextChecksum(plan.context));
    expect(plan.context.fitted_at).toBe(now.toISOString());
    expect(plan.drift).toBeNull();
  });

  it('keeps the current context below the minimum, saying how many companies it had', () => {
    const plan = planRefresh({ sample: cohort(1), current: defaultContext, currentSample: null, weights, now });
    expect(plan).toMatchObject({ action: 'keep', eligible: 83 });
    if (plan.action === 'keep') expect(plan.reason).toBe('only 83 sampled companies meet confidence threshold 0.7; a context is published from 100');
    expect(planRefresh({ sample: cohort(1), current: defaultContext, currentSample: null, weights, now, minCompanies: 83 }).action).toBe('publish');
  });

  it('leaves records that are no longer valid out of the fit', () => {
    const plan = planRefresh({ sample: [...cohort(2), { company_id: 'broken' }], current: defaultContext, currentSample: null, weights, now });
    expect(plan.eligible).toBe(166);
  });

  it('raises no drift alert when the new sample is distributed like the one before', () => {
    const plan = planRefresh({ sample: cohort(2), current: defaultContext, currentSample: cohort(1), weights, now });
    expect(plan.drift?.alerts).toEqual([]);
    expect(plan.drift?.records).toEqual({ baseline: 120, current: 240 });
  });

  it('raises drift alerts for a shifted sample, whether or not it publishes', () => {
    // Growth figures reported in basis points instead of percent: a hundredfold scale.
    const shifted = (company: Company) => ({ ...company, market: { ...company.market, industry_growth_pct: company.market.industry_growth_pct * 100 } });
    const published = planRefresh({ sample: cohort(2, shifted), current: defaultContext, currentSample: cohort(1), weights, now });
    expect(published.action).toBe('publish');
    expect(published.drift?.alerts.map((alert) => `${alert.id} ${alert.severity}`)).toContain('mean_shift:market.industry_growth_pct critical');
    const kept = planRefresh({ sample: cohort(1, shifted), current: defaultContext, currentSample: cohort(1), weights, now, minCompanies: 1000 });
    expect(kept.action).toBe('keep');
    expect(kept.drift?.alerts.some((alert) => alert.severity === 'critical')).toBe(true);
  });
});
