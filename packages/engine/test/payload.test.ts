import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseContext } from '../src/context.js';
import { defaultContext } from '../src/default-context.js';
import { FEASIBILITY_THRESHOLDS } from '../src/feasibility.js';
import { explanation, modelConfidence } from '../src/final-score.js';
import { pyFixed } from '../src/format.js';
import { normalize } from '../src/normalization.js';
import { MASKED_WARNING } from '../src/masking.js';
import { buildPayload, DETERMINISTIC_TIMESTAMP } from '../src/payload.js';
import type { Feasibility, Risk, ScorePayload } from '../src/payload-schema.js';
import { recommend } from '../src/recommendation.js';
import { assessRisk } from '../src/risk.js';
import { validateCompany, type Company } from '../src/schema.js';
import { createScorer } from '../src/scorer.js';
import { SUBSCORE_FORMULAS, SUBSCORE_NAMES, type Subscores } from '../src/subscores.js';
import { loadWeights } from '../src/weights.js';
import { makeCompany, type CompanyOverrides } from './fixtures/unit/company.js';
import { GOLDEN_DIR, readJsonl } from './support/fixtures.js';

const weights = loadWeights();
const unmasked = createScorer({ weights, mask: false, deterministic: true });
const masked = createScorer({ weights, mask: true, deterministic: true });
const verbose = createScorer({ weights, mask: false, deterministic: true, verbose: true });
const score = (overrides: CompanyOverrides = {}): ScorePayload => unmasked.score(makeCompany(overrides));

const EXAMPLES: Company[] = readJsonl(fileURLToPath(new URL('../../../examples/companies.jsonl', import.meta.url))).map((record) => {
  const result = validateCompany(record);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
});

/** Infeasible (too few docs, no CRM/e-commerce, team too small) but low risk. */
const INFEASIBLE: CompanyOverrides = {
  company_id: 'infeasible',
  digital: { crm_flag: false, ecom_flag: false },
  ops: { employees: 4 },
  info_flow: { daily_docs_est: 9 },
  budget: { revenue_est_usd: 1381661.5 },
};

describe('payload shape (spec §9)', () => {
  const payload = score();

  it('has its keys in the documented order at every level', () => {
    expect(Object.keys(payload)).toEqual([
      'company_id',
      'final_score',
      'interpretation',
      'subscores',
      'explanation',
      'warnings',
      'model_confidence',
      'data_source_confidence',
      'combined_confidence',
      'risk',
      'feasibility',
      'recommendation',
      'masked',
      'metadata',
    ]);
    expect(Object.keys(payload.subscores)).toEqual(['digital', 'ops', 'info_flow', 'market', 'budget']);
    for (const name of SUBSCORE_NAMES) expect(Object.keys(payload.subscores[name])).toEqual(['score', 'confidence', 'weight', 'weighted_contribution']);
    expect(Object.keys(payload.risk)).toEqual(['data_confidence', 'missing_field_penalty', 'scrape_volatility', 'overall_risk', 'reasons']);
    expect(Object.keys(payload.feasibility)).toEqual(['docs_present', 'crm_or_ecom_present', 'budget_above_floor', 'deployable_now', 'overall_feasible', 'reasons']);
    expect(Object.keys(payload.recommendation)).toEqual(['action', 'priority', 'rationale', 'risk_level', 'feasible']);
    expect(Object.keys(payload.metadata)).toEqual(['version', 'norm_context', 'timestamp', 'processing_time_ms']);
    expect(Object.keys(payload.metadata.version)).toEqual(['api', 'engine', 'weights']);
    expect(Object.keys(payload.metadata.norm_context)).toEqual(['version', 'checksum']);
  });

  it('keeps the key order in the JSON text, also outside deterministic mode', () => {
    const live = createScorer({ weights, mask: false }).score(makeCompany());
    expect(JSON.stringify(live).indexOf('"metadata"')).toBeGreaterThan(JSON.stringify(live).indexOf('"masked"'));
    expect(Object.keys(live.metadata)).toEqual(['version', 'norm_context', 'timestamp', 'processing_time_ms']);
  });

  it('shows subscores ×100, their weight, the model confidence and 100·w·value', () => {
    for (const name of SUBSCORE_NAMES) {
      const entry = payload.subscores[name];
      expect(entry.weight).toBe(weights.weights[name]);
      expect(entry.confidence).toBe(payload.model_confidence);
      expect(entry.score).toBeGreaterThan(0);
      expect(entry.score).toBeLessThanOrEqual(100);
      expect(entry.weighted_contribution).toBeCloseTo(entry.weight * entry.score, 10);
    }
    const sum = SUBSCORE_NAMES.reduce((total, name) => total + payload.subscores[name].weighted_contribution, 0);
    expect(payload.final_score).toBe(Number(pyFixed(sum, 1)));
  });

  it('reports confidences: data source, model and their geometric mean', () => {
    expect(payload.data_source_confidence).toBe(0.9);
    expect(payload.model_confidence).toBe(1);
    expect(payload.combined_confidence).toBeCloseTo(Math.sqrt(0.9), 15);
  });
});

describe('metadata', () => {
  it('names engine, api, weights and context versions and the context checksum', () => {
    expect(score().metadata).toEqual({
      version: { api: '1.1.0', engine: '1.1.0', weights: '1.0' },
      norm_context: { version: defaultContext.version, checksum: defaultContext.checksum },
      timestamp: DETERMINISTIC_TIMESTAMP,
      processing_time_ms: 0,
    });
  });

  it('follows the context and weights the scorer was given', () => {
    const golden = parseContext(JSON.parse(readFileSync(`${GOLDEN_DIR}norm-context.json`, 'utf8')));
    const other = createScorer({ context: golden, weights: { ...weights, version: '2.0-test' }, deterministic: true });
    const { metadata } = other.score(makeCompany());
    expect(metadata.version.weights).toBe('2.0-test');
    expect(metadata.norm_context).toEqual({ version: 'legacy-379ce47eefae', checksum: '379ce47eefaef841be56d5a467c236d1acb2cabca556a260a6aa7d06dd75a90f' });
  });
});

describe('deterministic mode', () => {
  it('fixes the timestamp and the processing time', () => {
    expect(DETERMINISTIC_TIMESTAMP).toBe('1970-01-01T00:00:00.000Z');
    const { metadata } = score();
    expect(metadata.timestamp).toBe('1970-01-01T00:00:00.000Z');
    expect(metadata.processing_time_ms).toBe(0);
  });

  it('gives byte-identical JSON from two independently built scorers', () => {
    const first = createScorer({ weights: loadWeights(), mask: true, deterministic: true, verbose: true });
    const second = createScorer({ weights: loadWeights(), context: parseContext(JSON.parse(JSON.stringify(defaultContext))), mask: true, deterministic: true, verbose: true });
    const a = EXAMPLES.map((company) => JSON.stringify(first.score(company))).join('\n');
    const b = EXAMPLES.map((company) => JSON.stringify(second.score(structuredClone(company)))).join('\n');
    expect(a.length).toBeGreaterThan(0);
    expect(a).toBe(b);
  });

  it('differs from a live run only in timestamp and processing time', () => {
    const live = createScorer({ weights, mask: false }).score(makeCompany());
    expect(Number.isNaN(Date.parse(live.metadata.timestamp))).toBe(false);
    expect(live.metadata.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(live.metadata.timestamp).not.toBe(DETERMINISTIC_TIMESTAMP);
    expect(typeof live.metadata.processing_time_ms).toBe('number');
    expect(live.metadata.processing_time_ms).toBeGreaterThanOrEqual(0);
    const strip = (p: ScorePayload) => ({ ...p, metadata: { ...p.metadata, timestamp: '', processing_time_ms: 0 } });
    expect(JSON.stringify(strip(live))).toBe(JSON.stringify(strip(score())));
  });
});

describe('masking (spec §8)', () => {
  const off = unmasked.score(makeCompany(INFEASIBLE));
  const on = masked.score(makeCompany(INFEASIBLE));

  it('the test company is infeasible but scores above zero', () => {
    expect(off.feasibility.overall_feasible).toBe(false);
    expect(off.final_score).toBeGreaterThan(0);
    for (const name of SUBSCORE_NAMES) expect(off.subscores[name].weighted_contribution).toBeGreaterThan(0);
  });

  it('zeroes final score, every subscore score and weighted contribution of an infeasible company', () => {
    expect(on.final_score).toBe(0);
    for (const name of SUBSCORE_NAMES) {
      expect(on.subscores[name]).toEqual({ score: 0, confidence: off.subscores[name].confidence, weight: off.subscores[name].weight, weighted_contribution: 0 });
    }
    expect(on.masked).toBe(true);
  });

  it('appends the MASKED warning last', () => {
    expect(MASKED_WARNING).toBe('MASKED: infeasible company, scores zeroed');
    expect(on.warnings).toEqual([...off.warnings, 'MASKED: infeasible company, scores zeroed']);
    expect(on.warnings[on.warnings.length - 1]).toBe(MASKED_WARNING);
  });

  it('says the company is not feasible now and names the failed gates instead of interpreting a zero', () => {
    expect(off.interpretation).not.toMatch(/^Not feasible/);
    expect(on.interpretation).toBe('Not feasible now: docs_present, crm_or_ecom_present, deployable_now failed');
  });

  it('explains that the scores were masked and why, citing no points the payload no longer has', () => {
    expect(off.explanation).toMatch(/points/);
    expect(on.explanation).toBe(
      'Scores masked to 0 because feasibility gates failed: docs_present, crm_or_ecom_present, deployable_now; feasibility.reasons says why each failed.',
    );
  });

  it('names exactly the gates that failed, in spec order, whichever they are', () => {
    const budgetOnly = masked.score(makeCompany({ budget: { revenue_est_usd: 99_999 } }));
    expect(budgetOnly.interpretation).toBe('Not feasible now: budget_above_floor failed');
    expect(budgetOnly.explanation).toBe('Scores masked to 0 because feasibility gates failed: budget_above_floor; feasibility.reasons says why each failed.');
    const all = masked.score(makeCompany({ digital: { pagespeed: 0, crm_flag: false, ecom_flag: false }, info_flow: { daily_docs_est: 0 }, budget: { revenue_est_usd: 0 } }));
    expect(all.interpretation).toBe('Not feasible now: docs_present, crm_or_ecom_present, budget_above_floor, deployable_now failed');
    expect(all.interpretation.replace('Not feasible now: ', '').replace(' failed', '')).toBe(all.recommendation.rationale.replace('Feasibility gates failed: ', ''));
  });

  it('leaves risk, feasibility, recommendation and everything else unchanged', () => {
    expect(on.risk).toEqual(off.risk);
    expect(on.feasibility).toEqual(off.feasibility);
    expect(on.recommendation).toEqual(off.recommendation);
    const { final_score: _f1, interpretation: _i1, subscores: _s1, explanation: _e1, warnings: _w1, masked: _m1, ...restOn } = on;
    const { final_score: _f2, interpretation: _i2, subscores: _s2, explanation: _e2, warnings: _w2, masked: _m2, ...restOff } = off;
    expect(restOn).toEqual(restOff);
  });

  it('with masking off nothing is zeroed and masked is false', () => {
    expect(off.masked).toBe(false);
    expect(off.warnings).not.toContain(MASKED_WARNING);
  });

  it('a feasible company is never masked', () => {
    const feasible = masked.score(makeCompany());
    expect(feasible.masked).toBe(false);
    expect(feasible).toEqual(score());
  });

  it('masking is the scorer default', () => {
    const byDefault = createScorer({ weights, deterministic: true });
    expect(byDefault.options.mask).toBe(true);
    expect(byDefault.score(makeCompany(INFEASIBLE)).final_score).toBe(0);
  });
});

describe('verbose sections', () => {
  it('are absent without verbose', () => {
    const payload = score();
    expect(payload).not.toHaveProperty('verbose_subscores');
    expect(payload).not.toHaveProperty('verbose_risk');
    expect(payload).not.toHaveProperty('verbose_feasibility');
  });

  it('are added after metadata with verbose, leaving the rest unchanged', () => {
    const payload = verbose.score(makeCompany());
    expect(Object.keys(payload).slice(-4)).toEqual(['metadata', 'verbose_subscores', 'verbose_risk', 'verbose_feasibility']);
    const { verbose_subscores: _a, verbose_risk: _b, verbose_feasibility: _c, ...rest } = payload;
    expect(rest).toEqual(score());
  });

  it('report the thresholds of spec §5 and §6', () => {
    const payload = verbose.score(makeCompany());
    expect(payload.verbose_risk!.thresholds).toEqual({
      confidence_threshold: 0.7,
      high_risk_composite: 0.6,
      medium_risk_composite: 0.3,
      composite_weights: { data_uncertainty: 0.5, missing_field_penalty: 0.3, scrape_volatility: 0.2 },
    });
    expect(payload.verbose_feasibility!.thresholds).toEqual({ min_daily_docs: 10, revenue_floor_usd: 100000, min_employees: 5, min_pagespeed_exclusive: 0 });
    expect(FEASIBILITY_THRESHOLDS).toEqual(payload.verbose_feasibility!.thresholds);
  });

  it('report the thresholds that are really applied', () => {
    const t = verbose.score(makeCompany()).verbose_feasibility!.thresholds;
    expect(score({ info_flow: { daily_docs_est: t.min_daily_docs } }).feasibility.docs_present).toBe(true);
    expect(score({ info_flow: { daily_docs_est: t.min_daily_docs - 1 } }).feasibility.docs_present).toBe(false);
    expect(score({ budget: { revenue_est_usd: t.revenue_floor_usd } }).feasibility.budget_above_floor).toBe(true);
    expect(score({ budget: { revenue_est_usd: t.revenue_floor_usd - 0.01 } }).feasibility.budget_above_floor).toBe(false);
    expect(score({ ops: { employees: t.min_employees } }).feasibility.deployable_now).toBe(true);
    expect(score({ ops: { employees: t.min_employees - 1 } }).feasibility.deployable_now).toBe(false);
    expect(score({ digital: { pagespeed: t.min_pagespeed_exclusive + 1 } }).feasibility.deployable_now).toBe(true);
    expect(score({ digital: { pagespeed: t.min_pagespeed_exclusive } }).feasibility.deployable_now).toBe(false);

    const risk = verbose.score(makeCompany()).verbose_risk!.thresholds;
    const atThreshold = verbose.score(makeCompany({ meta: { source_confidence: risk.confidence_threshold } }));
    const below = verbose.score(makeCompany({ meta: { source_confidence: risk.confidence_threshold - 0.01 } }));
    expect(atThreshold.verbose_risk!.volatility_factors).toEqual([]);
    expect(below.verbose_risk!.volatility_factors).toEqual([{ factor: 'Source confidence 0.69 below threshold 0.7', weight: 0.3 }]);
    expect(below.warnings).toContain('LOW_CONFIDENCE: Company data confidence 0.69 below optimal threshold');
    expect(atThreshold.warnings).toEqual([]);
  });

  it('list each subscore’s inputs (raw and bounded), weight, contribution and formula', () => {
    const company = makeCompany();
    const payload = verbose.score(company);
    const f = normalize(company, defaultContext);
    const vs = payload.verbose_subscores!;
    expect(vs.digital.inputs).toEqual({
      pagespeed: { raw: 70, bounded: f.digital_pagespeed },
      crm_flag: { raw: 1, bounded: f.digital_crm_flag },
      ecom_flag: { raw: 0, bounded: f.digital_ecom_flag },
    });
    expect(vs.ops.inputs).toEqual({
      employees: { raw: 40, bounded: f.ops_employees_log },
      locations: { raw: 2, bounded: f.ops_locations_log },
      services_count: { raw: 6, bounded: f.ops_services_count_log },
    });
    expect(vs.info_flow.inputs).toEqual({ daily_docs_est: { raw: 150, bounded: f.info_flow_daily_docs_est_log } });
    expect(vs.market.inputs).toEqual({
      competitor_density: { raw: 12, bounded: f.market_competitor_density_log },
      industry_growth_pct: { raw: 5.5, bounded: f.market_industry_growth_pct },
      rivalry_index: { raw: 0.45, bounded: f.market_rivalry_index },
    });
    expect(vs.budget.inputs).toEqual({ revenue_est_usd: { raw: 2_500_000, bounded: f.budget_revenue_est_usd_log } });
    for (const name of SUBSCORE_NAMES) {
      expect(vs[name].weight).toBe(weights.weights[name]);
      expect(vs[name].weighted_contribution).toBe(payload.subscores[name].weighted_contribution);
      expect(vs[name].formula).toBe(SUBSCORE_FORMULAS[name]);
    }
    expect(vs.digital.formula).toBe('0.4·f(pagespeed) + 0.3·f(crm_flag) + 0.3·f(ecom_flag)');
  });

  it('report the composite risk score, missing fields and volatility factors behind the risk', () => {
    const payload = verbose.score(makeCompany({ digital: { pagespeed: 0 }, ops: { employees: 20000 }, meta: { source_confidence: 0.5 } }));
    const vr = payload.verbose_risk!;
    expect(vr.missing_fields).toEqual(['pagespeed']);
    expect(vr.volatility_factors).toEqual([
      { factor: 'Source confidence 0.50 below threshold 0.7', weight: 0.3 },
      { factor: 'Employee count 20000 suggests enterprise scale', weight: 0.1 },
    ]);
    expect(vr.composite_score).toBeCloseTo(0.5 * 0.5 + (1 / 8) * 0.3 + 0.4 * 0.2, 12);
    expect(payload.verbose_feasibility!.inputs).toEqual({ daily_docs_est: 150, crm_flag: true, ecom_flag: false, revenue_est_usd: 2_500_000, employees: 20000, pagespeed: 0 });
  });
});

describe('recommendation branches (spec §7)', () => {
  it('proceed / high: low risk and every gate passed', () => {
    expect(score().recommendation).toEqual({ action: 'proceed', priority: 'high', rationale: 'Low risk and all feasibility gates passed', risk_level: 'low', feasible: true });
  });

  it('reject / low: high risk, before the gates, quoting the first two risk reasons', () => {
    const payload = score({ digital: { pagespeed: 0 }, ops: { employees: 0, locations: 0 }, meta: { source_confidence: 0.1 } });
    expect(payload.risk.reasons).toEqual([
      'Missing or invalid fields: pagespeed, employees, locations',
      'Source confidence 0.10 below threshold 0.7',
      'High risk: composite score 0.62 ≥ 0.6',
    ]);
    expect(payload.recommendation).toEqual({
      action: 'reject',
      priority: 'low',
      rationale: 'High risk assessment: Missing or invalid fields: pagespeed, employees, locations; Source confidence 0.10 below threshold 0.7',
      risk_level: 'high',
      feasible: false,
    });
  });

  it('defer / medium: gates failed (named in gate order) with low risk', () => {
    const payload = score(INFEASIBLE);
    expect(payload.recommendation).toEqual({
      action: 'defer',
      priority: 'medium',
      rationale: 'Feasibility gates failed: docs_present, crm_or_ecom_present, deployable_now',
      risk_level: 'low',
      feasible: false,
    });
    expect(score({ budget: { revenue_est_usd: 99_999 } }).recommendation.rationale).toBe('Feasibility gates failed: budget_above_floor');
  });

  it('defer wins over medium risk', () => {
    const payload = score({ info_flow: { daily_docs_est: 3 }, meta: { source_confidence: 0.4 } });
    expect(payload.risk.overall_risk).toBe('medium');
    expect(payload.recommendation).toMatchObject({ action: 'defer', priority: 'medium', rationale: 'Feasibility gates failed: docs_present', risk_level: 'medium' });
  });

  it('review / medium: medium risk, feasible, quoting the first risk reason', () => {
    const payload = score({ meta: { source_confidence: 0.4 } });
    expect(payload.risk.reasons).toEqual(['Source confidence 0.40 below threshold 0.7', 'Medium risk: composite score 0.36 ≥ 0.3']);
    expect(payload.recommendation).toEqual({
      action: 'review',
      priority: 'medium',
      rationale: 'Medium risk requires review: Source confidence 0.40 below threshold 0.7',
      risk_level: 'medium',
      feasible: true,
    });
  });

  it('recommend() falls back to "standard due diligence" and quotes fewer than two reasons as they are', () => {
    // Unreachable through a payload (the level reason is always there), but part of the contract.
    const feasible: Feasibility = { docs_present: true, crm_or_ecom_present: true, budget_above_floor: true, deployable_now: true, overall_feasible: true, reasons: [] };
    const risk = (overall_risk: Risk['overall_risk'], reasons: string[]): Risk => ({ data_confidence: 1, missing_field_penalty: 0, scrape_volatility: 0, overall_risk, reasons });
    expect(recommend(risk('medium', []), feasible).rationale).toBe('Medium risk requires review: standard due diligence');
    expect(recommend(risk('high', ['only one']), feasible).rationale).toBe('High risk assessment: only one');
  });
});

describe('risk reasons (spec §5)', () => {
  it('names every volatility factor in order, with Python number formatting', () => {
    const payload = score({
      digital: { pagespeed: 100 },
      ops: { employees: 10001 },
      market: { industry_growth_pct: 25 },
      budget: { revenue_est_usd: 100_000_000.5 },
      meta: { source_confidence: 0.6 },
    });
    expect(payload.risk).toEqual({
      data_confidence: 0.6,
      missing_field_penalty: 0,
      scrape_volatility: 0.8,
      overall_risk: 'medium',
      reasons: [
        'Source confidence 0.60 below threshold 0.7',
        'Pagespeed 100 at maximum value indicates potential data issues',
        'Employee count 10001 suggests enterprise scale',
        'Revenue $100,000,000 suggests large enterprise', // f'{100000000.5:,.0f}' (tie to even)
        'Industry growth 25.0% indicates volatile market', // repr(25.0)
        'Medium risk: composite score 0.36 ≥ 0.3',
      ],
    });
  });

  it.each([
    [-12.5, 'Industry growth -12.5% indicates volatile market'],
    [20.5, 'Industry growth 20.5% indicates volatile market'],
    [-10.25, 'Industry growth -10.25% indicates volatile market'],
    [1e16, 'Industry growth 1e+16% indicates volatile market'], // repr(1e16)
  ])('growth %p is volatile: %s', (growth, reason) => {
    expect(score({ market: { industry_growth_pct: growth } }).risk.reasons).toContain(reason);
  });

  it.each([[20], [-10], [0]])('growth %p is not volatile', (growth) => {
    expect(score({ market: { industry_growth_pct: growth } }).risk.reasons.some((r) => r.startsWith('Industry growth'))).toBe(false);
  });

  it('thresholds of the other factors are exclusive', () => {
    const reasons = score({ digital: { pagespeed: 99 }, ops: { employees: 10000 }, budget: { revenue_est_usd: 100_000_000 }, meta: { source_confidence: 0.7 } }).risk.reasons;
    expect(reasons).toEqual(['Low risk: composite score 0.15 < 0.3']);
  });

  it('formats revenue with thousands separators, half to even', () => {
    expect(score({ budget: { revenue_est_usd: 123_456_789.5 } }).risk.reasons).toContain('Revenue $123,456,790 suggests large enterprise');
    expect(score({ budget: { revenue_est_usd: 1_381_661.5 } }).feasibility.reasons).toContain('Budget sufficient: $1,381,662 ≥ $100,000');
    expect(score({ budget: { revenue_est_usd: 1_381_662.5 } }).feasibility.reasons).toContain('Budget sufficient: $1,381,662 ≥ $100,000');
  });

  it('lists missing or invalid fields in order, penalty count / 8', () => {
    const payload = score({
      digital: { pagespeed: 0 },
      ops: { employees: 0, locations: 0, services_count: 0 },
      info_flow: { daily_docs_est: 0 },
      market: { competitor_density: 0 },
      budget: { revenue_est_usd: 0 },
    });
    expect(payload.risk.reasons[0]).toBe('Missing or invalid fields: pagespeed, employees, locations, services_count, daily_docs_est, competitor_density, revenue_est_usd');
    expect(payload.risk.missing_field_penalty).toBe(0.875);
    // rivalry_index outside [0, 1] cannot pass the schema; the risk rule still names it.
    const risk = assessRisk({ ...makeCompany(), market: { competitor_density: 5, industry_growth_pct: 1, rivalry_index: 1.5 } }).risk;
    expect(risk.reasons[0]).toBe('Missing or invalid fields: rivalry_index');
    expect(risk.missing_field_penalty).toBe(0.125);
  });

  it('reports low risk with its composite score', () => {
    expect(score().risk).toEqual({ data_confidence: 0.9, missing_field_penalty: 0, scrape_volatility: 0, overall_risk: 'low', reasons: ['Low risk: composite score 0.05 < 0.3'] });
  });
});

describe('feasibility reasons (spec §6)', () => {
  it('explain every failed gate', () => {
    expect(score(INFEASIBLE).feasibility).toEqual({
      docs_present: false,
      crm_or_ecom_present: false,
      budget_above_floor: true,
      deployable_now: false,
      overall_feasible: false,
      reasons: [
        'Insufficient documentation workflow: 9 docs/day < 10',
        'No CRM or e-commerce systems detected for integration',
        'Budget sufficient: $1,381,662 ≥ $100,000',
        'Team too small: 4 employees < 5',
        'Digital presence confirmed: pagespeed 70',
        'Not ready for immediate deployment',
        'Overall feasibility=false: one or more gates failed',
      ],
    });
  });

  it('name the integration systems present', () => {
    expect(score({ digital: { crm_flag: true, ecom_flag: true } }).feasibility.reasons[1]).toBe('Integration systems present: CRM, E-commerce');
    expect(score({ digital: { crm_flag: false, ecom_flag: true } }).feasibility.reasons[1]).toBe('Integration systems present: E-commerce');
    expect(score({ budget: { revenue_est_usd: 50_000 }, digital: { pagespeed: 0 } }).feasibility.reasons.slice(2)).toEqual([
      'Budget insufficient: $50,000 < $100,000',
      'Team scale sufficient: 40 employees ≥ 5',
      'No digital presence detected',
      'Not ready for immediate deployment',
      'Overall feasibility=false: one or more gates failed',
    ]);
  });
});

describe('warnings and model confidence', () => {
  it('repeats LOW_CONFIDENCE per subscore before de-duplication (model confidence 0), once in the payload', () => {
    const payload = score({ meta: { source_confidence: 0.65 } });
    expect(payload.warnings).toEqual(['LOW_CONFIDENCE: Company data confidence 0.65 below optimal threshold']);
    expect(payload.model_confidence).toBe(0);
    expect(payload.combined_confidence).toBe(0);
    for (const name of SUBSCORE_NAMES) expect(payload.subscores[name].confidence).toBe(0);
  });

  it('modelConfidence subtracts 0.1 per empty subscore, 0.2 per LOW_CONFIDENCE and 0.3 per ERROR, clamped', () => {
    // Empty subscores and ERROR warnings cannot come out of a valid company (every bounded value is > 0).
    const values: Subscores = { digital: 0, ops: 0.5, info_flow: 0, market: 0.2, budget: 0.1 };
    expect(modelConfidence(values, [])).toBeCloseTo(0.8, 15);
    expect(modelConfidence(values, ['LOW_CONFIDENCE: x'])).toBeCloseTo(0.6, 15);
    expect(modelConfidence(values, ['LOW_CONFIDENCE: x', 'ERROR: y'])).toBeCloseTo(0.3, 15);
    expect(modelConfidence(values, ['ERROR: a', 'ERROR: b', 'ERROR: c'])).toBe(0);
    expect(modelConfidence({ digital: 1, ops: 1, info_flow: 1, market: 1, budget: 1 }, ['OUTLIER: z'])).toBe(1);
  });
});

describe('explanation (spec §4)', () => {
  const points = (payload: ScorePayload, name: (typeof SUBSCORE_NAMES)[number]) => pyFixed(payload.subscores[name].weighted_contribution, 1);

  it('one part: "Cap(p0)."', () => {
    const payload = score();
    expect(payload.explanation).toBe(`Strong digital performance (${points(payload, 'digital')} points).`);
    expect(points(payload, 'digital')).toBe('13.1');
  });

  it('two parts: "Cap(p0) with p1."', () => {
    const payload = score({ meta: { source_confidence: 0.65 } });
    expect(payload.explanation).toBe(`Moderate digital strength (${points(payload, 'digital')} points) with limited data confidence.`);
  });

  it('three parts: "Cap(p0), p1 and p2." (high growth and large revenue)', () => {
    const payload = score({ market: { industry_growth_pct: 60 }, budget: { revenue_est_usd: 5e8 }, meta: { source_confidence: 1 } });
    expect(payload.warnings).toEqual(expect.arrayContaining(['HIGH_GROWTH: High growth industry detected', 'HIGH_REVENUE: Very high revenue estimate']));
    const strongest = SUBSCORE_NAMES.reduce((a, b) => (payload.subscores[b].weighted_contribution > payload.subscores[a].weighted_contribution ? b : a));
    expect(payload.explanation).toBe(`Strong ${strongest} performance (${points(payload, strongest)} points), operating in high-growth market and large revenue scale.`);
  });

  it('three parts: large revenue scale and limited data confidence', () => {
    const payload = score({ market: { industry_growth_pct: 60 }, budget: { revenue_est_usd: 123_456_789.5 }, meta: { source_confidence: 0.65 } });
    expect(payload.explanation).toBe(`Strong market performance (${points(payload, 'market')} points), large revenue scale and limited data confidence.`);
  });

  it('moderate strength when no contribution exceeds 10 points', () => {
    const payload = score({ meta: { source_confidence: 0.3 } });
    expect(payload.explanation).toBe(`Moderate market strength (${points(payload, 'market')} points) with limited data confidence.`);
    expect(Math.max(...SUBSCORE_NAMES.map((name) => payload.subscores[name].weighted_contribution))).toBeLessThanOrEqual(10);
  });

  it('"No dominant strengths identified" and the weakness parts need non-positive points, which only explanation() can be given', () => {
    // With weights ≥ 0 summing to 1 and every subscore > 0, no payload reaches these branches.
    const w = { digital: 0.25, ops: 0.2, info_flow: 0.2, market: 0.2, budget: 0.15 };
    const zero: Subscores = { digital: 0, ops: 0, info_flow: 0, market: 0, budget: 0 };
    expect(explanation(zero, w, [])).toBe('No dominant strengths identified.');
    expect(explanation(zero, w, ['LOW_CONFIDENCE: c'])).toBe('No dominant strengths identified with limited data confidence.');
    const negative = { digital: 0.6, ops: 0.2, info_flow: 0.2, market: 0.2, budget: -0.2 };
    // weakest = smallest |points| (sorted stably by |points| descending): budget −6 after 30, 10, 10, 10
    expect(explanation({ digital: 0.5, ops: 0.5, info_flow: 0.5, market: 0.5, budget: 0.3 }, negative, [])).toBe(
      'Strong digital performance (30.0 points) with significant budget challenges (-6.0 points).',
    );
    expect(explanation({ digital: 0.5, ops: 0.5, info_flow: 0.5, market: 0.5, budget: 0.01 }, negative, ['HIGH_GROWTH: g'])).toBe(
      'Strong digital performance (30.0 points), minor budget concerns (-0.2 points) and operating in high-growth market.',
    );
    // a negative contribution that is not the smallest in size is not named
    expect(explanation({ digital: 0.5, ops: 0.1, info_flow: 0.1, market: 0.1, budget: 0.3 }, negative, [])).toBe('Strong digital performance (30.0 points).');
  });

  it('capitalises only the first character of the sentence', () => {
    const payload = score({ info_flow: { daily_docs_est: 200_000 }, digital: { pagespeed: 5, crm_flag: false }, meta: { source_confidence: 1 } });
    expect(payload.explanation).toMatch(/^[A-Z][a-z]+ [a-z_]+ (performance|strength) \(\d+\.\d points\)\.$/);
  });
});

describe('buildPayload', () => {
  it('is what the scorer returns', () => {
    const company = makeCompany(INFEASIBLE);
    expect(buildPayload(company, defaultContext, weights, { mask: true, verbose: false, deterministic: true })).toEqual(masked.score(company));
  });
});
