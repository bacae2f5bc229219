import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canonicalJson } from '../src/canonical-json.js';
import {
  ContextError,
  contextChecksum,
  createContextFitter,
  DEFAULT_FIT_THRESHOLD,
  fitContext,
  parseContext,
  serializeContext,
  type ContextContent,
  type NormContext,
} from '../src/context.js';
import { defaultContext } from '../src/default-context.js';
import { extractFeatures, FEATURE_NAMES } from '../src/features.js';
import { boundedValue } from '../src/normalization.js';
import { validateCompany, type Company } from '../src/schema.js';
import { makeCompany } from './fixtures/unit/company.js';
import { GOLDEN_DIR, readJsonl } from './support/fixtures.js';
import { thrownBy } from './support/thrown.js';

const goldenContextJson = JSON.parse(readFileSync(`${GOLDEN_DIR}norm-context.json`, 'utf8')) as Record<string, unknown>;
const EXAMPLES = fileURLToPath(new URL('../../../examples/companies.jsonl', import.meta.url));

function validated(records: unknown[]): Company[] {
  return records.map((record, i) => {
    const result = validateCompany(record);
    if (!result.ok) throw new Error(`record ${i + 1} is invalid: ${JSON.stringify(result.issues)}`);
    return result.value;
  });
}

const contextError = (run: () => unknown): ContextError => thrownBy(ContextError, run);

/** A plain, deep copy of a context as it would be read back from JSON. */
function stored(context: NormContext): Record<string, unknown> & { stats: Record<string, { mean: number; std: number }> } {
  return JSON.parse(serializeContext(context)) as Record<string, unknown> & { stats: Record<string, { mean: number; std: number }> };
}

/** Three companies whose pagespeed is 10, 20, 60 and whose CRM flag is set for all (zero variance). */
const trio = [
  makeCompany({ company_id: 'a', digital: { pagespeed: 10, crm_flag: true }, ops: { employees: 9 }, meta: { source_confidence: 0.7 } }),
  makeCompany({ company_id: 'b', digital: { pagespeed: 20, crm_flag: true }, ops: { employees: 99 }, meta: { source_confidence: 0.95 } }),
  makeCompany({ company_id: 'c', digital: { pagespeed: 60, crm_flag: true }, ops: { employees: 999 }, meta: { source_confidence: 0.98 } }),
];
const lowConfidence = makeCompany({ company_id: 'low', digital: { pagespeed: 100 }, ops: { employees: 0 }, meta: { source_confidence: 0.69 } });

describe('fitContext', () => {
  it('keeps companies whose confidence reaches the threshold (>=) and passes over the others', () => {
    const context = fitContext([...trio, lowConfidence], { now: new Date('2026-01-01T00:00:00Z') });
    expect(context.companies_count).toBe(3);
    expect(context.confidence_threshold).toBe(DEFAULT_FIT_THRESHOLD);
    expect(context.stats.digital_pagespeed.mean).toBe(30);
    // population variance: ((10-30)² + (20-30)² + (60-30)²) / 3 = 1400 / 3
    expect(context.stats.digital_pagespeed.std).toBeCloseTo(Math.sqrt(1400 / 3), 12);
    // log10(10), log10(100), log10(1000) → 1, 2, 3: mean 2, std sqrt(2/3)
    expect(context.stats.ops_employees_log.mean).toBeCloseTo(2, 12);
    expect(context.stats.ops_employees_log.std).toBeCloseTo(Math.sqrt(2 / 3), 12);
  });

  it('uses std 1.0 for a feature without variance', () => {
    const context = fitContext(trio);
    expect(context.stats.digital_crm_flag).toEqual({ mean: 1, std: 1 });
    expect(context.stats.digital_ecom_flag).toEqual({ mean: 0, std: 1 });
    expect(context.stats.market_rivalry_index).toEqual({ mean: 0.45, std: 1 });
  });

  it('honours another threshold', () => {
    const context = fitContext([...trio, lowConfidence], { confidenceThreshold: 0.96 });
    expect(context.companies_count).toBe(1);
    expect(context.confidence_threshold).toBe(0.96);
    expect(context.stats.digital_pagespeed).toEqual({ mean: 60, std: 1 });
  });

  it('refuses a fit with no company at or above the threshold', () => {
    expect(contextError(() => fitContext([lowConfidence])).message).toBe('No companies meet confidence threshold 0.7');
    expect(contextError(() => fitContext([])).message).toBe('No companies meet confidence threshold 0.7');
    expect(contextError(() => fitContext(trio, { confidenceThreshold: 0.99 })).message).toBe('No companies meet confidence threshold 0.99');
  });

  it('records when it was fitted, how many companies it holds, and a version naming time and checksum', () => {
    const context = fitContext(trio, { now: new Date('2026-03-04T05:06:07.890Z') });
    expect(context.fitted_at).toBe('2026-03-04T05:06:07.890Z');
    expect(context.companies_count).toBe(3);
    expect(context.checksum).toBe(contextChecksum(context));
    expect(context.version).toBe(`20260304T050607Z-${context.checksum.slice(0, 12)}`);
    expect(fitContext(trio, { version: 'v-custom' }).version).toBe('v-custom');
  });

  it('the incremental fitter equals fitContext, also past its initial capacity', () => {
    // 2250 of these 3000 companies are kept, so the fitter grows its columns twice (1024 → 2048 → 4096).
    const many = Array.from({ length: 3000 }, (_, i) =>
      makeCompany({
        company_id: `m${i}`,
        digital: { pagespeed: (i * 37) % 101, crm_flag: i % 3 === 0, ecom_flag: i % 7 === 0 },
        ops: { employees: (i * 13) % 5000, locations: i % 9, services_count: (i * 5) % 40 },
        info_flow: { daily_docs_est: (i * 101) % 20000 },
        market: { competitor_density: i % 60, industry_growth_pct: ((i * 17) % 61) - 20.5, rivalry_index: (i % 100) / 100 },
        budget: { revenue_est_usd: (i * 7919) % 3_000_000 },
        meta: { source_confidence: i % 4 === 0 ? 0.69 : 0.7 + (i % 4) / 10 },
      }),
    );
    const now = new Date('2026-05-06T00:00:00Z');
    const fitter = createContextFitter();
    for (const company of many) fitter.add(company);
    const kept = many.filter((company) => company.meta.source_confidence >= 0.7);
    expect(fitter.count).toBe(kept.length);
    expect(kept.length).toBe(2250);
    const incremental = fitter.finish({ now });
    expect(incremental).toEqual(fitContext(many, { now }));

    // and both equal a plain two-pass mean / population variance
    for (const name of FEATURE_NAMES) {
      const values = kept.map((company) => extractFeatures(company)[name]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, x) => a + (x - mean) ** 2, 0) / values.length;
      expect(incremental.stats[name].mean).toBe(mean);
      expect(incremental.stats[name].std).toBe(variance > 0 ? Math.sqrt(variance) : 1);
    }
  });
});

describe('context checksum', () => {
  it('is the SHA-256 of the canonical JSON the 1.1.0 tooling computes', () => {
    // python3: hashlib.sha256(json.dumps({"confidence_threshold": c["confidence_threshold"], "stats": c["stats"]},
    //          sort_keys=True, separators=(",", ":")).encode()).hexdigest()  with c = golden norm-context.json
    expect(contextChecksum(goldenContextJson as ContextContent)).toBe('379ce47eefaef841be56d5a467c236d1acb2cabca556a260a6aa7d06dd75a90f');
    // same expression over {"confidence_threshold": 0.5, "stats": {f: {"mean": 0.0, "std": 1.0} for f in features}}
    const unit = { confidence_threshold: 0.5, stats: Object.fromEntries(FEATURE_NAMES.map((name) => [name, { mean: 0, std: 1 }])) } as ContextContent;
    expect(contextChecksum(unit)).toBe('3c9523995f8f832c4699a57b4de7de634ddb6dd9395e938a1ca9fdb6c5815d36');
  });

  it('canonical JSON sorts keys, writes no spaces and writes floats as Python does', () => {
    expect(canonicalJson({ b: { z: 1, a: -0.5 }, a: [1e16, 'x', null, true], c: 1e-5 })).toBe('{"a":[1e+16,"x",null,true],"b":{"a":-0.5,"z":1.0},"c":1e-05}');
  });

  it('covers exactly threshold and stats, independent of key order and identity fields', () => {
    const content = { confidence_threshold: defaultContext.confidence_threshold, stats: defaultContext.stats };
    const reversedStats = Object.fromEntries(
      [...FEATURE_NAMES].reverse().map((name) => [name, { std: defaultContext.stats[name].std, mean: defaultContext.stats[name].mean }]),
    ) as ContextContent['stats'];
    expect(contextChecksum({ stats: reversedStats, confidence_threshold: content.confidence_threshold })).toBe(contextChecksum(content));
    expect(contextChecksum({ ...defaultContext, version: 'other', fitted_at: null, companies_count: 1 } as NormContext)).toBe(defaultContext.checksum);
    expect(contextChecksum(content)).toBe(contextChecksum(content));
  });

  it('changes when any number changes', () => {
    const base = contextChecksum(defaultContext);
    expect(contextChecksum({ ...defaultContext, confidence_threshold: 0.71 })).not.toBe(base);
    const stats = { ...defaultContext.stats, market_rivalry_index: { ...defaultContext.stats.market_rivalry_index, std: defaultContext.stats.market_rivalry_index.std + 1e-15 } };
    expect(contextChecksum({ ...defaultContext, stats })).not.toBe(base);
  });
});

describe('parseContext', () => {
  it('accepts our serialized form unchanged', () => {
    expect(parseContext(stored(defaultContext))).toEqual(defaultContext);
  });

  it('accepts the 1.1.0 bare form {confidence_threshold, stats} and derives its identity', () => {
    const context = parseContext(goldenContextJson);
    expect(context.confidence_threshold).toBe(0.7);
    expect(context.stats).toEqual(goldenContextJson.stats);
    expect(context.checksum).toBe('379ce47eefaef841be56d5a467c236d1acb2cabca556a260a6aa7d06dd75a90f');
    expect(context.version).toBe('legacy-379ce47eefae');
    expect(context.fitted_at).toBeNull();
    expect(context.companies_count).toBeNull();
  });

  it('allows extra keys', () => {
    expect(parseContext({ ...stored(defaultContext), note: 'fitted by ops' })).toEqual(defaultContext);
  });

  it('refuses a context altered after it was fitted (changed mean, old checksum) with a clear message', () => {
    const tampered = stored(defaultContext);
    tampered.stats.digital_pagespeed!.mean = 51;
    const error = contextError(() => parseContext(tampered));
    expect(error.message).toMatch(
      /^Normalization context refused: checksum 379ce47eefaef841be56d5a467c236d1acb2cabca556a260a6aa7d06dd75a90f does not match its content \([0-9a-f]{64}\); it was altered after it was fitted\. Refit it with `echo-ridge fit-context`\.$/,
    );
    expect(error.message).not.toContain(`(${defaultContext.checksum})`);
  });

  it('refuses a changed threshold with the old checksum', () => {
    expect(contextError(() => parseContext({ ...stored(defaultContext), confidence_threshold: 0.5 })).message).toContain('does not match its content');
  });

  it.each([
    ['a negative std', (c: ReturnType<typeof stored>) => (c.stats.digital_pagespeed!.std = -1), 'stats.digital_pagespeed.std must be a number ≥ 0'],
    ['a string mean', (c: ReturnType<typeof stored>) => ((c.stats.ops_employees_log as Record<string, unknown>).mean = '1.9'), 'stats.ops_employees_log.mean must be a finite number'],
    ['a missing feature', (c: ReturnType<typeof stored>) => delete c.stats.market_rivalry_index, 'stats.market_rivalry_index'],
    ['a threshold given as a string', (c: ReturnType<typeof stored>) => (c.confidence_threshold = '0.7'), 'confidence_threshold must be a number from 0 to 1'],
    ['a threshold above 1', (c: ReturnType<typeof stored>) => (c.confidence_threshold = 1.5), 'confidence_threshold must be a number from 0 to 1'],
    ['a malformed checksum', (c: ReturnType<typeof stored>) => (c.checksum = 'abc'), 'checksum must be a SHA-256 hex digest'],
  ])('refuses %s, naming the path', (_what, mutate, expected) => {
    const context = stored(defaultContext);
    mutate(context);
    const error = contextError(() => parseContext(context));
    expect(error.message).toMatch(/^Invalid normalization context: /);
    expect(error.message).toContain(expected);
  });

  it('refuses what is not an object', () => {
    expect(contextError(() => parseContext(null)).message).toMatch(/^Invalid normalization context: /);
    expect(contextError(() => parseContext('ctx')).message).toMatch(/^Invalid normalization context: /);
  });
});

describe('serializeContext', () => {
  it('writes content first and identity after, and parses back to the same context', () => {
    const fitted = fitContext(trio, { now: new Date('2026-02-03T04:05:06.000Z') });
    const text = serializeContext(fitted);
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['version', 'fitted_at', 'companies_count', 'confidence_threshold', 'stats', 'checksum']);
    expect(parseContext(JSON.parse(text))).toEqual(fitted);
    expect(serializeContext(parseContext(JSON.parse(text)))).toBe(text);
  });
});

describe('defaultContext', () => {
  it('is current: a refit of examples/companies.jsonl at its fitted_at reproduces it exactly', () => {
    const companies = validated(readJsonl(EXAMPLES));
    const refit = fitContext(companies, { now: new Date(defaultContext.fitted_at!) });
    expect(defaultContext).toEqual(refit);
  });

  it('passes its own checksum check', () => {
    expect(parseContext(stored(defaultContext)).checksum).toBe(defaultContext.checksum);
    expect(contextChecksum(defaultContext)).toBe(defaultContext.checksum);
  });
});

describe('boundedValue (spec §2)', () => {
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

  it('maps z through the logistic function and scales by confidence', () => {
    expect(boundedValue(10, { mean: 10, std: 4 }, 1)).toBe(0.5);
    expect(boundedValue(12, { mean: 10, std: 4 }, 0.9)).toBeCloseTo(0.5602133980816691, 15); // python: 1/(1+math.exp(-0.5))*0.9
    expect(boundedValue(4, { mean: 10, std: 4 }, 0.8)).toBeCloseTo(sigmoid(-1.5) * 0.8, 15);
  });

  it('is 0.5 × the confidence factor when std is 0', () => {
    expect(boundedValue(123, { mean: 7, std: 0 }, 0.8)).toBe(0.4);
    expect(boundedValue(-5, { mean: 7, std: 0 }, 1)).toBe(0.5);
    expect(boundedValue(7, { mean: 7, std: 0 }, 0)).toBeCloseTo(0.05, 15);
  });

  it('clips z to [-3, 3]', () => {
    expect(boundedValue(1e9, { mean: 0, std: 1 }, 1)).toBe(boundedValue(3, { mean: 0, std: 1 }, 1));
    expect(boundedValue(1e9, { mean: 0, std: 1 }, 1)).toBeCloseTo(0.9525741268224334, 15); // python: 1/(1+math.exp(-3))
    expect(boundedValue(-1e9, { mean: 0, std: 1 }, 1)).toBeCloseTo(0.04742587317756678, 15); // python: 1/(1+math.exp(3))
    expect(boundedValue(2.9, { mean: 0, std: 1 }, 1)).toBeLessThan(boundedValue(3.1, { mean: 0, std: 1 }, 1));
  });

  it('never lets confidence shrink the value below a tenth', () => {
    const at = (confidence: number) => boundedValue(12, { mean: 10, std: 4 }, confidence);
    expect(at(0)).toBe(at(0.1));
    expect(at(0.05)).toBe(at(0.1));
    expect(at(0.1)).toBeCloseTo(sigmoid(0.5) * 0.1, 15);
    expect(at(0.2)).toBeCloseTo(sigmoid(0.5) * 0.2, 15);
  });
});
