import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { company } from '@echo-ridge/score-api/test/company-record';
import { startTestRuntime, type ErrorBody } from './support/runtime.js';

/**
 * Random and malformed bodies sent to the running API: it never answers 5xx, and every 422 names the
 * fields at fault, including the one a test broke on purpose.
 */

let service: Awaited<ReturnType<typeof startTestRuntime>>;
beforeAll(async () => {
  service = await startTestRuntime();
});
afterAll(() => service.runtime.stop());

async function post(path: string, body: string) {
  const response = await service.api(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

/** Every field of a company record, as its dotted path. */
const FIELDS = [
  'company_id',
  'domain',
  'digital.pagespeed',
  'digital.crm_flag',
  'digital.ecom_flag',
  'ops.employees',
  'ops.locations',
  'ops.services_count',
  'info_flow.daily_docs_est',
  'market.competitor_density',
  'market.industry_growth_pct',
  'market.rivalry_index',
  'budget.revenue_est_usd',
  'meta.scrape_ts',
  'meta.source_confidence',
];

function withField(record: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  const copy = { ...record };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head!];
    else copy[head!] = value;
    return copy;
  }
  copy[head!] = withField(copy[head!] as Record<string, unknown>, rest.join('.'), value);
  return copy;
}

const expectNamedIssues = (body: ErrorBody) => {
  expect(body.error.code).toBe('VALIDATION_FAILED');
  expect(body.error.issues?.length).toBeGreaterThan(0);
  for (const issue of body.error.issues ?? []) {
    expect(issue.path).toMatch(/^(\(record\)|[a-z_]+(\.[a-z_]+)?)$/);
    expect(issue.message.length).toBeGreaterThan(0);
  }
};

describe('POST /score with arbitrary bodies', () => {
  it('answers any JSON value with 200 or a 422 that names fields', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const { status, body } = await post('/score', JSON.stringify(value));
        expect([200, 422]).toContain(status);
        if (status === 422) expectNamedIssues(body);
      }),
      { numRuns: 60 },
    );
  });

  it('answers any text with 400, 422 or 200, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
        const { status } = await post('/score', text);
        expect([200, 400, 422]).toContain(status);
      }),
      { numRuns: 60 },
    );
  });

  it('names the field a valid company was broken at', async () => {
    const badValue = fc.oneof(fc.constant(undefined), fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIELDS), badValue, async (field, value) => {
        const { status, body } = await post('/score', JSON.stringify(withField(company('property-co'), field, value)));
        expect(status).not.toBeGreaterThanOrEqual(500);
        if (status === 422) {
          expectNamedIssues(body);
          expect(body.error.issues?.map((issue) => issue.path)).toContain(field);
        } else {
          // Only a value the schema accepts may pass, such as another valid string or number.
          expect(status).toBe(200);
        }
      }),
      { numRuns: 120 },
    );
  });
});

describe('POST /score/batch with arbitrary companies', () => {
  it('reports every invalid item by index without failing the batch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constant(company('batch-prop')), fc.jsonValue()), { minLength: 1, maxLength: 8 }), async (companies) => {
        const response = await service.api('/score/batch', { method: 'POST', json: { companies } });
        expect(response.status).toBe(200);
        const batch = (await response.json()) as { results: { index: number }[]; errors: { index: number; error: ErrorBody['error'] }[]; summary: { total: number } };
        const indices = [...batch.results, ...batch.errors].map((item) => item.index).sort((a, b) => a - b);
        expect(indices).toEqual(companies.map((_, index) => index));
        for (const { error } of batch.errors) expectNamedIssues({ error, request_id: '' });
      }),
      { numRuns: 25 },
    );
  });
});
