import { describe, expect, it } from '@jest/globals';
import { ApiError, EchoRidgeClient, type Company } from '../src/index.js';
import { errorBody, stubFetch, type SentRequest, type StubAnswer } from './support/stub-fetch.js';

const companies = (count: number) => Array.from({ length: count }, (_, i) => ({ company_id: `c-${i}` }) as unknown as Company);

/** What POST /score/batch answers: every company scored except those whose id ends in "7", which fail. */
function batchAnswer({ body }: SentRequest, attempt: number): StubAnswer {
  const sent = (body as { companies: { company_id: string }[] }).companies;
  const results = sent.flatMap(({ company_id }, index) => (company_id.endsWith('7') ? [] : [{ index, company_id, payload: { company_id } }]));
  const errors = sent.flatMap(({ company_id }, index) => (company_id.endsWith('7') ? [{ index, company_id, error: { code: 'VALIDATION_FAILED', message: 'bad' } }] : []));
  return { status: 200, body: { batch_id: `batch-${attempt}`, results, errors, summary: {}, request_id: 'r' } };
}

const clientOn = (fetch: typeof globalThis.fetch) => new EchoRidgeClient({ baseUrl: 'http://api.test', apiKey: 'k', fetch });

describe('scoreMany', () => {
  it('sends at most 1000 companies a request and puts every outcome at its input index', async () => {
    const { fetch, sent } = stubFetch(batchAnswer);
    const input = companies(2_500);
    const { items, batch_ids } = await clientOn(fetch).scoreMany(input, { concurrency: 1 });
    expect(sent.map(({ url, body }) => [url.pathname, (body as { companies: unknown[] }).companies.length])).toEqual([
      ['/score/batch', 1_000],
      ['/score/batch', 1_000],
      ['/score/batch', 500],
    ]);
    expect(batch_ids).toEqual(['batch-1', 'batch-2', 'batch-3']);
    expect(items).toHaveLength(2_500);
    items.forEach((item, index) => {
      const id = `c-${index}`;
      const expected = id.endsWith('7') ? { ok: false, company_id: id, error: { code: 'VALIDATION_FAILED', message: 'bad' } } : { ok: true, company_id: id, payload: { company_id: id } };
      if (JSON.stringify(item) !== JSON.stringify(expected)) expect([index, item]).toEqual([index, expected]);
    });
  });

  it('keeps no more requests in flight than its concurrency, and input order whatever order they finish in', async () => {
    const waiting: (() => void)[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const { fetch } = stubFetch(async (request, attempt) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight -= 1;
      return batchAnswer(request, attempt);
    });
    const pending = clientOn(fetch).scoreMany(companies(4_200), { concurrency: 2 });
    // Answer the latest request first, until all five have been answered.
    for (let answered = 0; answered < 5; answered += 1) {
      while (waiting.length < Math.min(2, 5 - answered)) await new Promise((resolve) => setImmediate(resolve));
      waiting.pop()!();
    }
    const { items } = await pending;
    expect(mostInFlight).toBe(2);
    expect(items.map((item) => item.company_id)).toEqual(companies(4_200).map((company) => company.company_id));
  });

  it('sends no further request once one fails, and throws its error', async () => {
    const { fetch, sent } = stubFetch((request, attempt) => (attempt === 2 ? { status: 403, body: errorBody('FORBIDDEN') } : batchAnswer(request, attempt)));
    const error = await clientOn(fetch)
      .scoreMany(companies(5_000), { concurrency: 1 })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(sent).toHaveLength(2);
  });

  it('sends nothing for no companies, and refuses a concurrency below 1', async () => {
    const { fetch, sent } = stubFetch(batchAnswer);
    await expect(clientOn(fetch).scoreMany([])).resolves.toEqual({ items: [], batch_ids: [] });
    await expect(clientOn(fetch).scoreMany(companies(1), { concurrency: 0 })).rejects.toThrow('concurrency must be a whole number ≥ 1, not 0');
    expect(sent).toHaveLength(0);
  });
});
