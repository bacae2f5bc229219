import { describe, expect, it } from '@jest/globals';
import { validateCompany, type ValidationIssue } from '../src/schema.js';
import { makeCompany, rawCompany } from './fixtures/unit/company.js';

/** A valid record with the value at a dotted path replaced (or removed, with `undefined` and `remove`). */
function withField(path: string, value: unknown, remove = false): Record<string, unknown> {
  const record = rawCompany();
  const keys = path.split('.');
  let target = record;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (remove) delete target[keys[keys.length - 1]!];
  else target[keys[keys.length - 1]!] = value;
  return record;
}

/** A short test title for a value: long strings by their length. */
function label(value: unknown): string {
  if (typeof value === 'string') return value.length > 20 ? `a string of ${value.length} characters` : JSON.stringify(value);
  return String(value);
}

function issuesOf(input: unknown): ValidationIssue[] {
  const result = validateCompany(input);
  if (result.ok) throw new Error(`expected a validation failure, got ${JSON.stringify(result.value)}`);
  return result.issues;
}

function acceptedValue(input: unknown) {
  const result = validateCompany(input);
  if (!result.ok) throw new Error(`expected the record to validate, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

const INT_0_100 = 'must be an integer from 0 to 100';
const INT_GE_0 = 'must be an integer ≥ 0';
const FLAG = 'must be true or false (not 0/1 or a string)';
const RATIO = 'must be a number from 0 to 1';
const GROWTH = 'must be a finite number (percent)';
const REVENUE = 'must be a finite number ≥ 0';
const COMPANY_ID = 'must be a string of 1 to 256 characters';
const DOMAIN = 'must be a string of 1 to 253 characters';

/** Each field: values on and inside its bounds, values that break a rule, and the rule's message. */
const FIELDS: { path: string; good: unknown[]; bad: unknown[]; message: string }[] = [
  { path: 'company_id', good: ['x', 'c'.repeat(256)], bad: ['', 'c'.repeat(257), 42, null, true], message: COMPANY_ID },
  { path: 'domain', good: ['a', 'd'.repeat(253)], bad: ['', 'd'.repeat(254), 7, null], message: DOMAIN },
  { path: 'digital.pagespeed', good: [0, 1, 85, 100], bad: [-1, 101, 85.5, 0.5, '85', Number.NaN, true, null], message: INT_0_100 },
  { path: 'digital.crm_flag', good: [true, false], bad: [0, 1, 'true', 'false', null], message: FLAG },
  { path: 'digital.ecom_flag', good: [true, false], bad: [0, 1, 'yes', null], message: FLAG },
  { path: 'ops.employees', good: [0, 1, 250_000], bad: [-1, 2.5, '10', Number.NaN, false], message: INT_GE_0 },
  { path: 'ops.locations', good: [0, 3], bad: [-1, 1.5, '3', Number.NaN], message: INT_GE_0 },
  { path: 'ops.services_count', good: [0, 12], bad: [-2, 0.1, '12', Number.NaN], message: INT_GE_0 },
  { path: 'info_flow.daily_docs_est', good: [0, 10, 1_000_000], bad: [-1, 9.9, '10', Number.NaN], message: INT_GE_0 },
  { path: 'market.competitor_density', good: [0, 40], bad: [-1, 4.2, '4', Number.NaN], message: INT_GE_0 },
  {
    path: 'market.industry_growth_pct',
    good: [-80.5, -12.5, 0, 25, 1e6],
    bad: ['3.5', Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null, true],
    message: GROWTH,
  },
  { path: 'market.rivalry_index', good: [0, 0.5, 1], bad: [-0.01, 1.01, '0.5', Number.NaN, Number.POSITIVE_INFINITY, false], message: RATIO },
  { path: 'budget.revenue_est_usd', good: [0, 0.01, 1234.56, 5e12], bad: [-1, -0.01, '100000', Number.NaN, Number.POSITIVE_INFINITY, null], message: REVENUE },
  { path: 'meta.source_confidence', good: [0, 0.7, 1], bad: [-0.1, 1.0001, '0.9', Number.NaN, true], message: RATIO },
];

describe('company schema (spec §1)', () => {
  it('accepts a complete record and returns it unchanged', () => {
    expect(acceptedValue(rawCompany())).toEqual(makeCompany());
  });

  describe.each(FIELDS)('$path', ({ path, good, bad, message }) => {
    it.each(good.map((value) => [label(value), value]))('accepts %s', (_label, value) => {
      const company = acceptedValue(withField(path, value));
      const keys = path.split('.');
      const read = keys.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], company);
      expect(read).toBe(value);
    });

    it.each(bad.map((value) => [label(value), value]))('refuses %s with the rule at the dotted path', (_label, value) => {
      const issues = issuesOf(withField(path, value));
      expect(issues).toEqual([{ path, message }]);
    });

    it('reports the field as required when it is missing', () => {
      expect(issuesOf(withField(path, undefined, true))).toEqual([{ path, message: 'is required' }]);
    });
  });

  it('accepts 85.0 as the integer 85 (JSON text)', () => {
    const text = JSON.stringify(rawCompany()).replace('"pagespeed":70', '"pagespeed":85.0');
    expect(text).toContain('"pagespeed":85.0');
    expect(acceptedValue(JSON.parse(text)).digital.pagespeed).toBe(85);
  });

  it('refuses 85.5 where an integer is required (JSON text)', () => {
    const text = JSON.stringify(rawCompany()).replace('"pagespeed":70', '"pagespeed":85.5');
    expect(issuesOf(JSON.parse(text))).toEqual([{ path: 'digital.pagespeed', message: INT_0_100 }]);
  });

  describe('missing nested objects and fields', () => {
    it.each(['digital', 'ops', 'info_flow', 'market', 'budget', 'meta'])('a missing %s object is reported as required', (section) => {
      expect(issuesOf(withField(section, undefined, true))).toEqual([{ path: section, message: 'is required' }]);
    });

    it('a section that is not an object says what it must contain', () => {
      expect(issuesOf(withField('digital', null))).toEqual([{ path: 'digital', message: 'must be an object with pagespeed, crm_flag and ecom_flag' }]);
      expect(issuesOf(withField('meta', 'x'))).toEqual([{ path: 'meta', message: 'must be an object with scrape_ts and source_confidence' }]);
    });

    it('every missing field of a section is reported, each with its dotted path', () => {
      const record = rawCompany();
      record.ops = { employees: 3 };
      expect(issuesOf(record)).toEqual([
        { path: 'ops.locations', message: 'is required' },
        { path: 'ops.services_count', message: 'is required' },
      ]);
    });

    it('an empty object lists every top-level field as required', () => {
      expect(issuesOf({}).map((issue) => issue.path)).toEqual(['company_id', 'domain', 'digital', 'ops', 'info_flow', 'market', 'budget', 'meta']);
      expect(issuesOf({}).every((issue) => issue.message === 'is required')).toBe(true);
    });

    it.each([[null], [[]], ['company'], [42]])('refuses a record that is not an object (%p)', (input) => {
      expect(issuesOf(input).length).toBeGreaterThan(0);
    });
  });

  it('reports every error of a record together, in field order', () => {
    const record = rawCompany();
    record.company_id = '';
    record.domain = 5;
    record.digital = { pagespeed: 1.5, crm_flag: 'yes', ecom_flag: 0 };
    (record.ops as Record<string, unknown>).employees = -3;
    (record.market as Record<string, unknown>).industry_growth_pct = '4';
    record.budget = {};
    (record.meta as Record<string, unknown>).source_confidence = 1.2;
    expect(issuesOf(record)).toEqual([
      { path: 'company_id', message: COMPANY_ID },
      { path: 'domain', message: DOMAIN },
      { path: 'digital.pagespeed', message: INT_0_100 },
      { path: 'digital.crm_flag', message: FLAG },
      { path: 'digital.ecom_flag', message: FLAG },
      { path: 'ops.employees', message: INT_GE_0 },
      { path: 'market.industry_growth_pct', message: GROWTH },
      { path: 'budget.revenue_est_usd', message: 'is required' },
      { path: 'meta.source_confidence', message: RATIO },
    ]);
  });

  it('ignores unknown keys at every level and drops them from the result', () => {
    const record = rawCompany();
    record.extra = { anything: 1 };
    (record.digital as Record<string, unknown>).lighthouse = 99;
    (record.meta as Record<string, unknown>).source = 'crawler';
    const company = acceptedValue(record);
    expect(company).toEqual(makeCompany());
    expect(Object.keys(company)).not.toContain('extra');
    expect(Object.keys(company.digital)).toEqual(['pagespeed', 'crm_flag', 'ecom_flag']);
    expect(Object.keys(company.meta)).toEqual(['scrape_ts', 'source_confidence']);
  });

  describe('meta.scrape_ts is an ISO-8601 date-time', () => {
    it.each([
      '2025-09-10T09:00:00Z',
      '2025-09-10T09:00:00+00:00',
      '2025-09-10T09:00:00-07:00',
      '2025-09-10T09:00:00.123Z',
      '2025-09-10T09:00:00.123456Z',
      '2025-09-10T09:00:00.5+05:30',
      '2025-09-10T09:00Z',
      '2025-09-10T09:00:00',
      '2024-02-29T23:59:59Z',
    ])('accepts %s', (ts) => {
      expect(acceptedValue(withField('meta.scrape_ts', ts)).meta.scrape_ts).toBe(ts);
    });

    const FORMAT = 'must be an ISO-8601 date-time string such as 2025-09-10T09:00:00Z';
    const CALENDAR = 'must be a real calendar date-time';
    it.each([
      ['2025-09-10', [FORMAT]],
      ['2025/09/10 09:00:00', [FORMAT]],
      ['2025-09-10T09:00:00ZZ', [FORMAT]],
      ['09:00:00', [FORMAT]],
      ['yesterday', [FORMAT]],
      ['', [FORMAT]],
      ['2025-13-10T09:00:00Z', [CALENDAR]],
      ['2025-09-10T25:00:00Z', [CALENDAR]],
      ['2025-09-10T09:60:00Z', [CALENDAR]],
      ['2025-09-10T09:00:00+25:00', [CALENDAR]],
    ] as const)('refuses %p', (ts, messages) => {
      const issues = issuesOf(withField('meta.scrape_ts', ts));
      expect(issues.map((issue) => issue.path)).toEqual(messages.map(() => 'meta.scrape_ts'));
      expect(issues.map((issue) => issue.message)).toEqual([...messages]);
    });

    it('refuses a number (epoch seconds) with the string rule', () => {
      expect(issuesOf(withField('meta.scrape_ts', 1757494800))).toEqual([{ path: 'meta.scrape_ts', message: FORMAT }]);
    });
  });
});
