import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OPERATIONS, type OperationId } from '@echo-ridge/contract';
import { buildOpenApiDocument, type OpenApiDocument } from '@echo-ridge/contract/openapi';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { OpenAPIBackend } from 'openapi-backend';
import type { ApiKey } from '../src/api-keys.js';
import { company } from '@echo-ridge/score-api/test/company-record';
import { healthOnceItIs, startTestRuntime } from './support/runtime.js';

/**
 * Contract tests: good and bad requests to `pnpm start`'s runtime, each answer checked against the
 * OpenAPI document the runtime serves by openapi-backend: the status must be one the route documents,
 * the body must match that status's schema and the headers its headers. Requests are checked too, so
 * that the document accepts what the handler scores and refuses the bad bodies it can describe.
 */

const MAIN_KEY: ApiKey = { name: 'main', tenant: 'acme', value: 'er_test_contract_main_0123456789', rate_limit: 1_000, burst_limit: 1_000 };
const SLOW_KEY: ApiKey = { name: 'slow', tenant: 'acme', value: 'er_test_contract_slow_0123456789', rate_limit: 0.001, burst_limit: 1 };

const hybridRequest = JSON.parse(readFileSync(new URL('../../../examples/hybrid.jsonl', import.meta.url), 'utf8').split('\n')[0]!) as object;

let service: Awaited<ReturnType<typeof startTestRuntime>>;
let document: OpenApiDocument;
let openApi: OpenAPIBackend;

beforeAll(async () => {
  service = await startTestRuntime([MAIN_KEY, SLOW_KEY]);
  document = (await (await fetch(`${service.runtime.url}/openapi.json`)).json()) as OpenApiDocument;
  // quick: openapi-backend's own check of the document knows OpenAPI 3.0 only; the contract package
  // checks it against the 3.1 schema. Bodies are checked in the 3.1 dialect, JSON Schema 2020-12.
  openApi = new OpenAPIBackend({ definition: document as never, quick: true, customizeAjv: (_draft07, options) => new Ajv2020(options) });
  await openApi.init();
});
afterAll(() => service.runtime.stop());

interface Exchange {
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** A JSON body, sent as application/json. */
  json?: unknown;
  /** A body sent as it is, with the headers given. */
  raw?: string;
  headers?: Record<string, string>;
  /** The key to send; none when null. */
  apiKey?: string | null;
}

interface Checked {
  status: number;
  body: Record<string, unknown>;
  /** Whether the document accepts the request as it was sent. */
  requestConforms: boolean;
}

/** Sends a request to a route and checks the answer against the document. */
async function exchange(operationId: OperationId, { params = {}, query = {}, json, raw, headers = {}, apiKey = MAIN_KEY.value }: Exchange = {}): Promise<Checked> {
  const { method, path: template } = OPERATIONS[operationId];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
  const sentHeaders = { ...(apiKey !== null && { 'x-api-key': apiKey }), ...(json !== undefined && { 'content-type': 'application/json' }), ...headers };
  const body = json !== undefined ? JSON.stringify(json) : raw;
  const response = await fetch(`${service.runtime.url}${path}?${new URLSearchParams(query).toString()}`, { method, headers: sentHeaders, body });
  const answer = (await response.json()) as Record<string, unknown>;
  const { status } = response;

  const documented = Object.keys((document.paths[template]?.[method.toLowerCase()] as { responses: object }).responses);
  expect({ operationId, status, documented: documented.includes(String(status)) }).toEqual({ operationId, status, documented: true });
  const bodyCheck = openApi.validateResponse(answer, operationId, status);
  expect({ operationId, status, errors: bodyCheck.errors }).toEqual({ operationId, status, errors: null });
  const headerCheck = openApi.validateResponseHeaders(Object.fromEntries(response.headers), operationId, { statusCode: status });
  expect({ operationId, status, errors: headerCheck.errors }).toEqual({ operationId, status, errors: null });

  const request = openApi.validateRequest({ method, path, query, headers: sentHeaders, body: json ?? raw ?? {} }, operationId);
  return { status, body: answer, requestConforms: request.valid };
}

describe('good requests', () => {
  let batchId: string;

  it('POST /score, also verbose', async () => {
    for (const query of [{}, { verbose: 'true' }] as Record<string, string>[]) {
      expect(await exchange('scoreCompany', { json: company('contract-co'), query })).toMatchObject({ status: 200, requestConforms: true });
    }
  });

  it('POST /score/batch with good and bad companies', async () => {
    const companies = [company('contract-a'), { ...company('contract-bad'), digital: { pagespeed: 'fast' } }, 'not a company', company('contract-b')];
    const { status, body, requestConforms } = await exchange('scoreBatch', { json: { companies } });
    expect({ status, requestConforms, failed: (body.errors as unknown[]).length }).toEqual({ status: 200, requestConforms: true, failed: 2 });
    batchId = body.batch_id as string;
  });

  it('POST /score/hybrid', async () => {
    expect(await exchange('scoreHybrid', { json: hybridRequest })).toMatchObject({ status: 200, requestConforms: true });
  });

  it('GET /scores/{company_id}, the latest and a page of the history', async () => {
    expect(await exchange('getScores', { params: { company_id: 'contract-co' } })).toMatchObject({ status: 200, requestConforms: true });
    const page = await exchange('getScores', { params: { company_id: 'contract-co' }, query: { history: 'true', limit: '1' } });
    expect(page).toMatchObject({ status: 200, requestConforms: true, body: { next_cursor: expect.any(String) } });
  });

  it('GET /batches/{batch_id}, with and without a page of scores', async () => {
    expect(await exchange('getBatch', { params: { batch_id: batchId } })).toMatchObject({ status: 200, requestConforms: true });
    const page = await exchange('getBatch', { params: { batch_id: batchId }, query: { scores: 'true', limit: '1' } });
    expect(page).toMatchObject({ status: 200, requestConforms: true, body: { scores: [expect.any(Object)] } });
  });

  it('GET /stats', async () => {
    expect(await exchange('getStats')).toMatchObject({ status: 200, requestConforms: true });
  });

  it('GET /healthz and GET /openapi.json without a key; the document served is the one the contract generates', async () => {
    expect(await exchange('getHealth', { apiKey: null })).toMatchObject({ status: 200, requestConforms: true });
    const served = await exchange('getOpenApi', { apiKey: null });
    expect(served).toMatchObject({ status: 200, requestConforms: true });
    expect(served.body).toEqual(buildOpenApiDocument());
  });
});

describe('bad requests', () => {
  it('400: a body that is not JSON, a query parameter out of range', async () => {
    expect(await exchange('scoreCompany', { raw: '{"company_id": ', headers: { 'content-type': 'application/json' } })).toMatchObject({
      status: 400,
      body: { error: { code: 'MALFORMED_JSON' } },
    });
    const { status, body, requestConforms } = await exchange('getScores', { params: { company_id: 'contract-co' }, query: { history: 'true', limit: '0' } });
    expect({ status, body, requestConforms }).toMatchObject({ status: 400, body: { error: { code: 'INVALID_PARAMETER', issues: [{ path: 'limit' }] } }, requestConforms: true });
    expect(await exchange('getBatch', { params: { batch_id: 'any' }, query: { scores: 'maybe' } })).toMatchObject({ status: 400, requestConforms: false });
  });

  it('403: no key, or an unknown one', async () => {
    expect(await exchange('getStats', { apiKey: null })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await exchange('scoreCompany', { json: company(), apiKey: 'er_not_a_key' })).toMatchObject({ status: 403 });
  });

  it('404: an unknown company, batch or context', async () => {
    expect(await exchange('getScores', { params: { company_id: 'never-scored' } })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await exchange('getBatch', { params: { batch_id: 'no-such-batch' } })).toMatchObject({ status: 404 });
    expect(await exchange('scoreCompany', { json: company(), query: { context: 'never-published' } })).toMatchObject({ status: 404 });
  });

  it('413: a body over the 1 MiB of POST /score', async () => {
    expect(await exchange('scoreCompany', { json: { ...company(), padding: 'x'.repeat(1_100_000) } })).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });

  it('415: a body not sent as JSON', async () => {
    expect(await exchange('scoreCompany', { raw: JSON.stringify(company()), headers: { 'content-type': 'text/plain' } })).toMatchObject({
      status: 415,
      body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } },
    });
  });

  it('422: bodies that break the schema, which the document refuses too', async () => {
    const { digital: _, ...withoutDigital } = company();
    const cases = [
      ['scoreCompany', withoutDigital],
      ['scoreBatch', { companies: Array.from({ length: 1_001 }, (_, i) => company(`too-many-${i}`)) }],
      ['scoreBatch', { companies: [] }],
      ['scoreHybrid', { record: {} }],
    ] as const;
    for (const [operationId, json] of cases) {
      const { status, body, requestConforms } = await exchange(operationId, { json });
      expect({ operationId, status, code: (body.error as { code: string }).code, requestConforms }).toEqual({ operationId, status: 422, code: 'VALIDATION_FAILED', requestConforms: false });
    }
  });

  it('429: a key over its usage plan, told when to retry', async () => {
    expect(await exchange('getStats', { apiKey: SLOW_KEY.value })).toMatchObject({ status: 200 });
    expect(await exchange('getStats', { apiKey: SLOW_KEY.value })).toMatchObject({ status: 429, body: { error: { code: 'THROTTLED' } } });
  });
});

describe('when the table is down', () => {
  beforeAll(async () => {
    process.kill(service.runtime.dynamoDb.pid, 'SIGKILL');
    await service.runtime.dynamoDb.exited;
  });

  it('503: the error body with Retry-After, and /healthz its unhealthy answer', async () => {
    expect(await exchange('getStats')).toMatchObject({ status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE' } } });
    // /healthz answered 200 a moment ago and keeps that answer up to 10 s.
    await healthOnceItIs(service.runtime.url, 503);
    expect(await exchange('getHealth', { apiKey: null })).toMatchObject({ status: 503, body: { status: 'unavailable' } });
  });
});
