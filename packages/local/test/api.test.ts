import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApiKey } from '../src/api-keys.js';
import { company } from '@echo-ridge/score-api/test/company-record';
import { startTestRuntime, type ErrorBody } from './support/runtime.js';

/** The score API as a user reaches it: over HTTP through the local gateway, stored in DynamoDB Local. */

const SLOW_KEY: ApiKey = { name: 'slow', tenant: 'acme', value: 'er_test_slow_key_0123456789', rate_limit: 0.01, burst_limit: 2 };
const MAIN_KEY: ApiKey = { name: 'main', tenant: 'acme', value: 'er_test_main_key_0123456789', rate_limit: 1_000, burst_limit: 1_000 };

let service: Awaited<ReturnType<typeof startTestRuntime>>;
beforeAll(async () => {
  service = await startTestRuntime([MAIN_KEY, SLOW_KEY]);
});
afterAll(() => service.runtime.stop());

const json = async <T = Record<string, unknown>>(response: Response) => (await response.json()) as T;
const withoutRequestId = ({ request_id: _, ...rest }: Record<string, unknown>) => rest;

describe('scoring and reading back', () => {
  it('scores a company, stores it, and reads the same payload back by id', async () => {
    const scored = await service.api('/score', { method: 'POST', json: company('readback-co') });
    expect(scored.status).toBe(200);
    const payload = await json(scored);
    expect(payload).toMatchObject({ company_id: 'readback-co', final_score: expect.any(Number), request_id: scored.headers.get('x-request-id') });

    const read = await service.api('/scores/readback-co');
    expect(read.status).toBe(200);
    expect(JSON.stringify(withoutRequestId(await json(read)))).toBe(JSON.stringify(withoutRequestId(payload)));
  });

  it('adds the verbose sections with ?verbose=true', async () => {
    const body = await json(await service.api('/score?verbose=true', { method: 'POST', json: company('verbose-co') }));
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['verbose_subscores', 'verbose_risk', 'verbose_feasibility']));
  });

  it('pages through a company history newest first', async () => {
    for (let i = 0; i < 3; i++) await service.api('/score', { method: 'POST', json: company('history-co') });
    const first = await json<{ scores: { metadata: { timestamp: string } }[]; next_cursor: string }>(await service.api('/scores/history-co?history=true&limit=2'));
    const second = await json<{ scores: { metadata: { timestamp: string } }[]; next_cursor: string | null }>(
      await service.api(`/scores/history-co?history=true&limit=2&cursor=${encodeURIComponent(first.next_cursor)}`),
    );
    const times = [...first.scores, ...second.scores].map((score) => score.metadata.timestamp);
    expect(times).toHaveLength(3);
    expect([...times].sort().reverse()).toEqual(times);
    expect(second.next_cursor).toBeNull();
  });

  it('scores a batch with per-item errors, and serves its record and scores by batch id', async () => {
    const invalid = { ...company('bad-co'), digital: { pagespeed: 101, crm_flag: true, ecom_flag: false } };
    const companies = [company('batch-a'), invalid, company('batch-b'), 'not a company', company('batch-c')];
    const response = await service.api('/score/batch', { method: 'POST', json: { companies } });
    expect(response.status).toBe(200);
    const batch = await json<{ batch_id: string; results: { index: number; company_id: string }[]; errors: unknown[]; summary: unknown }>(response);
    expect(batch.results.map(({ index, company_id }) => [index, company_id])).toEqual([
      [0, 'batch-a'],
      [2, 'batch-b'],
      [4, 'batch-c'],
    ]);
    expect(batch.errors).toEqual([
      { index: 1, company_id: 'bad-co', error: { code: 'VALIDATION_FAILED', message: expect.any(String), issues: [{ path: 'digital.pagespeed', message: 'must be an integer from 0 to 100' }] } },
      { index: 3, error: { code: 'VALIDATION_FAILED', message: expect.any(String), issues: [{ path: '(record)', message: expect.any(String) }] } },
    ]);
    expect(batch.summary).toEqual({ total: 5, successful: 3, failed: 2, success_rate: 0.6 });

    const record = await json(await service.api(`/batches/${batch.batch_id}`));
    expect(record).toMatchObject({ batch_id: batch.batch_id, status: 'completed', summary: batch.summary });
    expect(record).not.toHaveProperty('scores');
    const withScores = await json<{ scores: { company_id: string }[]; next_cursor: string | null }>(await service.api(`/batches/${batch.batch_id}?scores=true`));
    expect(withScores.scores.map((score) => score.company_id)).toEqual(['batch-a', 'batch-b', 'batch-c']);
    expect(withScores.next_cursor).toBeNull();
    expect((await service.api('/scores/batch-b')).status).toBe(200);
  });

  it('reports versions, the normalization context and the count of scored companies in /stats', async () => {
    const before = await json<{ companies_scored: number }>(await service.api('/stats'));
    await service.api('/score', { method: 'POST', json: company('stats-co') });
    const after = await json(await service.api('/stats'));
    expect(after).toMatchObject({
      versions: { api: '1.1.0', engine: '1.1.0', weights: expect.any(String) },
      norm_context: { version: expect.any(String), checksum: expect.stringMatching(/^[0-9a-f]{64}$/), fitted_at: expect.any(String), age_hours: expect.any(Number) },
      companies_scored: before.companies_scored + 1,
    });
  });

  it('blends a pipeline record with an AI score on /score/hybrid', async () => {
    const request = { record: { place_norm: { entity_id: 'hybrid-co', website: 'https://hybrid.example' } }, ai_score: { overall_score: 0.4 }, strategy: 'max_confidence' };
    const response = await service.api('/score/hybrid', { method: 'POST', json: request });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ company_id: 'hybrid-co', deterministic: { company_id: 'hybrid-co' }, blend: { strategy: 'max_confidence' } });
  });

  it('answers /healthz without a key when the table answers', async () => {
    const response = await fetch(`${service.runtime.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ status: 'ok', checks: { configuration: { status: 'ok' }, table: { status: 'ok' } } });
  });

  it('honours x-correlation-id', async () => {
    const response = await service.api('/healthz', { headers: { 'x-correlation-id': 'trace-7' } });
    expect(response.headers.get('x-correlation-id')).toBe('trace-7');
  });
});

describe('the documented error for each bad request', () => {
  const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    service.api(path, { method: 'POST', body, headers });

  it.each<[string, () => Promise<Response>, number, string]>([
    ['malformed JSON', () => post('/score', '{"company_id": "x",'), 400, 'MALFORMED_JSON'],
    ['a bad query parameter', () => service.api('/scores/x?history=maybe'), 400, 'INVALID_PARAMETER'],
    ['a forged cursor', () => service.api('/scores/x?history=true&cursor=Zm9yZ2Vk'), 400, 'INVALID_PARAMETER'],
    ['no API key', () => fetch(`${service.runtime.url}/stats`), 403, 'FORBIDDEN'],
    ['a wrong API key', () => fetch(`${service.runtime.url}/stats`, { headers: { 'x-api-key': 'er_wrong_0123456789abcdef' } }), 403, 'FORBIDDEN'],
    ['an unknown route', () => service.api('/companies'), 404, 'NOT_FOUND'],
    ['an unknown company', () => service.api('/scores/never-scored'), 404, 'NOT_FOUND'],
    ['an unknown batch', () => service.api('/batches/never-run'), 404, 'NOT_FOUND'],
    ['a wrong method', () => service.api('/stats', { method: 'POST', json: {} }), 405, 'METHOD_NOT_ALLOWED'],
    ['a body over 1 MiB', () => post('/score', JSON.stringify({ pad: 'x'.repeat(1024 * 1024) })), 413, 'PAYLOAD_TOO_LARGE'],
    ['a body over 6 MiB on /score/batch', () => post('/score/batch', JSON.stringify({ pad: 'x'.repeat(6 * 1024 * 1024) })), 413, 'PAYLOAD_TOO_LARGE'],
    ['a body that is not JSON', () => post('/score', 'company_id=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a schema error', () => service.api('/score', { method: 'POST', json: { company_id: 'x' } }), 422, 'VALIDATION_FAILED'],
    ['a hybrid request without an AI score', () => service.api('/score/hybrid', { method: 'POST', json: { record: { place_norm: { entity_id: 'e' } } } }), 422, 'VALIDATION_FAILED'],
  ])('answers %s', async (_, send, status, code) => {
    const response = await send();
    const body = await json<ErrorBody>(response);
    expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
    expect(body.request_id).toEqual(expect.any(String));
    expect(body.error.message).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('answers a key over its usage plan with 429 and Retry-After', async () => {
    const headers = { 'x-api-key': SLOW_KEY.value };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${service.runtime.url}/stats`, { headers })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const throttled = await fetch(`${service.runtime.url}/stats`, { headers });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json<ErrorBody>(throttled)).error.code).toBe('THROTTLED');
  });

  it('logged no failed invocation', () => {
    expect(service.gatewayLog).toEqual([]);
  });
});
