import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { CompanySchema, validateCompany } from '@echo-ridge/engine';
import AjvDraft04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { synthesize } from './synth.js';

const GOLDEN = readFileSync(new URL('../../packages/engine/test/fixtures/golden/companies.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Record<string, Record<string, unknown>>);

const clone = <T>(value: T): T => structuredClone(value);

/** Every leaf of a company record as [group, field], or [field] for the top-level strings. */
const LEAVES: string[][] = Object.entries(GOLDEN[0]!).flatMap(([key, value]) => (typeof value === 'object' ? Object.keys(value).map((field) => [key, field]) : [[key]]));

function setAt(record: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = clone(record);
  const [head, leaf] = path as [string, string | undefined];
  if (leaf === undefined) copy[head] = value;
  else (copy[head] as Record<string, unknown>)[leaf] = value;
  return copy;
}

describe('API Gateway company model', () => {
  let schema: Record<string, unknown>;
  let gateway: ValidateFunction;
  beforeAll(() => {
    const model = Object.values(synthesize('staging').template.findResources('AWS::ApiGateway::Model'))[0] as { Properties: { Schema: Record<string, unknown> } };
    schema = model.Properties.Schema;
    // Strict mode refuses any keyword draft-04 does not define, which API Gateway would choke on.
    gateway = new AjvDraft04.default({ strict: true, allErrors: true }).compile(schema);
  });

  it('is a draft-04 schema with the engine schema’s fields, all required', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(schema.required).toEqual(Object.keys(CompanySchema.entries));
    const properties = schema.properties as Record<string, { required?: string[] }>;
    for (const [name, entry] of Object.entries(CompanySchema.entries)) {
      if ('entries' in entry) expect(properties[name]?.required).toEqual(Object.keys(entry.entries));
    }
  });

  it('accepts every golden company', () => {
    for (const company of GOLDEN) expect([company.company_id, gateway(company)]).toEqual([company.company_id, true]);
  });

  it('accepts what only the engine can judge: lower-case date-time letters and unknown keys', () => {
    const lowerCase = setAt(GOLDEN[0]!, ['meta', 'scrape_ts'], '2025-09-10t09:00:00z');
    const extraKey = { ...clone(GOLDEN[0]!), note: 'dropped by the engine' };
    for (const record of [lowerCase, extraKey]) {
      expect(validateCompany(record).ok).toBe(true);
      expect(gateway(record)).toBe(true);
    }
  });

  // Rules the engine writes as code (integer ranges, lengths in code points) are the handler's to judge.
  it.each([
    ['a missing group', (c: Record<string, unknown>) => ({ ...c, budget: undefined })],
    ['a missing nested field', (c: Record<string, unknown>) => setAt(c, ['digital', 'crm_flag'], undefined)],
    ['a group that is not an object', (c: Record<string, unknown>) => setAt(c, ['ops'], [1, 2, 3])],
    ['a flag given as 0/1', (c: Record<string, unknown>) => setAt(c, ['digital', 'crm_flag'], 1)],
    ['a number given as a string', (c: Record<string, unknown>) => setAt(c, ['digital', 'pagespeed'], '71')],
    ['a rivalry index above 1', (c: Record<string, unknown>) => setAt(c, ['market', 'rivalry_index'], 1.5)],
    ['a negative revenue', (c: Record<string, unknown>) => setAt(c, ['budget', 'revenue_est_usd'], -1)],
  ])('refuses %s, as the engine does', (_, mutate) => {
    const record = JSON.parse(JSON.stringify(mutate(clone(GOLDEN[0]!)))) as unknown;
    expect(validateCompany(record).ok).toBe(false);
    expect(gateway(record)).toBe(false);
  });

  it('never refuses a record the engine accepts', () => {
    fc.assert(
      fc.property(fc.constantFrom(...GOLDEN), fc.constantFrom(...LEAVES), fc.jsonValue(), (company, path, value) => {
        const record = JSON.parse(JSON.stringify(setAt(company, path, value))) as unknown;
        if (validateCompany(record).ok) expect(gateway(record)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
