import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createHandler, type ScoreApiHandler } from '../src/app.js';
import { company } from './company-record.js';
import { apiEvent, captureOutput, closedPort, lambdaContext, postJson } from './support.js';

/**
 * The handler with its store pointed at a port nothing listens on: every answer that does not need
 * the table is checked exactly, and every one that does must be a retryable 503, never a hang or a 500.
 */

type ErrorBody = { error: { code: string; message: string; issues?: { path: string; message: string }[] }; request_id: string };

let env: Record<string, string>;
let handler: ScoreApiHandler;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  env = { TABLE_NAME: 'scores', BUCKET_NAME: 'data', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${await closedPort()}` };
});

beforeEach(() => {
  output = captureOutput();
  handler = createHandler(env);
});

afterEach(() => output.restore());

async function call(event: APIGatewayProxyEvent, target: ScoreApiHandler = handler) {
  const response: APIGatewayProxyResult = await target(event, lambdaContext);
  return { response, body: JSON.parse(response.body) as ErrorBody & Record<string, unknown> };
}

async function expectError(event: APIGatewayProxyEvent, statusCode: number, code: string) {
  const { response, body } = await call(event);
  expect({ statusCode: response.statusCode, code: body.error?.code }).toEqual({ statusCode, code });
  expect(body.request_id).toBe(event.requestContext.requestId);
  expect(response.headers?.['x-request-id']).toBe(event.requestContext.requestId);
  return { response, body };
}

describe('request errors', () => {
  it('answers malformed JSON with 400 and the parser position', async () => {
    const { body } = await expectError(postJson('/score', '{"company_id": '), 400, 'MALFORMED_JSON');
    expect(body.error.message).toMatch(/not valid JSON \(.+\)/);
  });

  it('answers an empty body with 400', async () => {
    await expectError(postJson('/score', ''), 400, 'MALFORMED_JSON');
  });

  it.each([
    ['no content type', {}],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['form data', { 'Content-Type': 'application/x-www-form-urlencoded' }],
  ])('answers a body sent with %s with 415', async (_, headers) => {
    await expectError(apiEvent({ method: 'POST', path: '/score', body: JSON.stringify(company()), headers }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each(['application/json; charset=utf-8', 'application/vnd.echo-ridge+json'])('accepts %s as JSON', async (contentType) => {
    await expectError(apiEvent({ method: 'POST', path: '/score', body: '{}', headers: { 'content-type': contentType } }), 422, 'VALIDATION_FAILED');
  });

  it('answers a body over 1 MiB on /score with 413, and over 6 MiB on /score/batch', async () => {
    const padding = (bytes: number) => JSON.stringify({ ...company(), padding: 'x'.repeat(bytes) });
    await expectError(postJson('/score', padding(1024 * 1024)), 413, 'PAYLOAD_TOO_LARGE');
    await expectError(postJson('/score/batch', { companies: [{ padding: 'x'.repeat(2 * 1024 * 1024) }] }), 503, 'SERVICE_UNAVAILABLE');
    await expectError(postJson('/score/batch', { companies: [{ padding: 'x'.repeat(6 * 1024 * 1024) }] }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('names every invalid field of a company in one 422', async () => {
    const invalid = { ...company(), digital: { pagespeed: '85', crm_flag: 1, ecom_flag: false }, ops: { employees: 1.5, locations: 1, services_count: 2 } } as Record<string, unknown>;
    delete invalid.meta;
    const { body } = await expectError(postJson('/score', invalid), 422, 'VALIDATION_FAILED');
    expect(body.error.issues?.map((issue) => issue.path).sort()).toEqual(['digital.crm_flag', 'digital.pagespeed', 'meta', 'ops.employees']);
    expect(body.error.issues?.every((issue) => issue.message.length > 0)).toBe(true);
  });

  it.each([
    ['not an array', { companies: 'acme' }, 'must be an array of company records'],
    ['empty', { companies: [] }, 'must hold at least one company'],
    ['over 1000 companies', { companies: Array.from({ length: 1001 }, company) }, 'must hold at most 1000 companies: split larger sets into several requests'],
  ])('answers a batch that is %s with 422 naming companies', async (_, request, message) => {
    const { body } = await expectError(postJson('/score/batch', request), 422, 'VALIDATION_FAILED');
    expect(body.error.issues).toEqual([{ path: 'companies', message }]);
  });

  it('answers bad query parameters with 400 naming each', async () => {
    const { body } = await expectError(apiEvent({ path: '/scores/acme', query: { history: 'yes', limit: '0' } }), 400, 'INVALID_PARAMETER');
    expect(body.error.issues?.map((issue) => issue.path)).toEqual(['history', 'limit']);
  });

  it('answers an unknown path with 404 and a known path with another method with 405 and Allow', async () => {
    await expectError(apiEvent({ path: '/scorez' }), 404, 'NOT_FOUND');
    const { response } = await expectError(apiEvent({ method: 'DELETE', path: '/score' }), 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers?.allow).toBe('POST');
  });

  it('names every invalid field of a hybrid request in one 422', async () => {
    const request = { record: { place_norm: { entity_id: 'e-1' } }, ai_score: { overall_score: 1.5 }, ai_weight: -1, strategy: 'average' };
    const { body } = await expectError(postJson('/score/hybrid', request), 422, 'VALIDATION_FAILED');
    expect(body.error.issues?.map((issue) => issue.path)).toEqual(['ai_score.overall_score', 'strategy', 'ai_weight']);
  });

  it('names an adapter failure from the request root and counts it', async () => {
    const request = { record: { place_norm: { name: 'No Id Ltd' } }, ai_score: { overall_score: 0.5 } };
    const { body } = await expectError(postJson('/score/hybrid', request), 422, 'VALIDATION_FAILED');
    expect(body.error.issues).toEqual([{ path: 'record.place_norm.entity_id', message: 'Missing required field: entity_id or source_id (or place_id/id)' }]);
    const [metrics] = output.records().filter((record) => '_aws' in record);
    expect(metrics).toMatchObject({ AdapterFailures: 1 });
  });
});

describe('when the table does not answer', () => {
  it('answers a valid /score with a retryable 503 and nothing internal', async () => {
    const { response, body } = await expectError(postJson('/score', company()), 503, 'SERVICE_UNAVAILABLE');
    expect(response.headers?.['retry-after']).toBe('1');
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at .+\.ts/);
  });

  it('answers a write with Idempotency-Key with a retryable 503 too: its idempotency record cannot be put', async () => {
    for (const path of ['/score', '/score/batch']) {
      const body = path === '/score' ? company() : { companies: [company()] };
      const { response } = await expectError(postJson(path, body, { 'Idempotency-Key': 'c2a1f6b0-key' }), 503, 'SERVICE_UNAVAILABLE');
      expect(response.headers?.['retry-after']).toBe('1');
    }
  });

  it('refuses a malformed Idempotency-Key with 400 before it reaches the table', async () => {
    for (const key of ['', 'has space', 'x'.repeat(256), 'naïve']) {
      const { body } = await expectError(postJson('/score', company(), { 'idempotency-key': key }), 400, 'INVALID_HEADER');
      expect(body.error.message).toContain('Idempotency-Key');
    }
  });

  it('answers reads with 503 too', async () => {
    await expectError(apiEvent({ path: '/scores/acme-001' }), 503, 'SERVICE_UNAVAILABLE');
    await expectError(apiEvent({ path: '/stats' }), 503, 'SERVICE_UNAVAILABLE');
  });

  it('answers /score/hybrid with 503 too: it scores with the current context, whose pointer is in the table', async () => {
    const request = { record: { place_norm: { entity_id: 'ent-7', website: 'https://www.acme.example' } }, ai_score: { overall_score: 0.9 } };
    await expectError(postJson('/score/hybrid', request), 503, 'SERVICE_UNAVAILABLE');
  });

  it('reports the table as the failing part of /healthz', async () => {
    const { response, body } = await call(apiEvent({ path: '/healthz' }));
    expect(response.statusCode).toBe(503);
    expect(body).toMatchObject({ status: 'unavailable', checks: { configuration: { status: 'ok' }, table: { status: 'failing' } } });
  });

  it('reads the table for /healthz once however many calls come within 10 s, concurrent or not', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(apiEvent({ path: '/healthz', tenant: null }))));
    answers.push(await call(apiEvent({ path: '/healthz', tenant: null })));
    expect(answers.map(({ response }) => response.statusCode)).toEqual([503, 503, 503, 503, 503, 503]);
    expect(output.records().filter((record) => record.message === 'health check: the score table did not answer')).toHaveLength(1);
  });
});

describe('when the configuration is invalid', () => {
  it('names the configuration as the failing part of /healthz without showing a value, logs each broken variable, and leaks nothing from other routes', async () => {
    const broken = createHandler({ ...env, TABLE_NAME: undefined, RETENTION_DAYS: 'forever' });
    const health = await call(apiEvent({ path: '/healthz', tenant: null }), broken);
    expect(health.response.statusCode).toBe(503);
    expect(health.body).toEqual({ status: 'unavailable', checks: { configuration: { status: 'failing' }, table: { status: 'not_checked' } }, request_id: expect.any(String) });
    expect(health.response.body).not.toMatch(/forever|TABLE_NAME|RETENTION_DAYS/);
    const [logged] = output.records().filter((record) => record.message === 'the configuration is invalid; only /healthz will answer');
    expect(logged?.problems).toEqual([
      'TABLE_NAME is not set: set it to the name of the score table',
      'RETENTION_DAYS must be a whole number of days from 1 to 99999 (got "forever")',
    ]);

    const score = await call(postJson('/score', company()), broken);
    expect(score.response.statusCode).toBe(500);
    expect(score.body.error.code).toBe('INTERNAL_ERROR');
    expect(score.response.body).not.toContain('TABLE_NAME');
  });

  it('reports unreadable weights as a configuration problem, the path only in the log', async () => {
    const broken = createHandler({ ...env, WEIGHTS_CONFIG_PATH: '/nonexistent/weights.yaml' });
    const { response, body } = await call(apiEvent({ path: '/healthz' }), broken);
    expect(body.checks).toEqual({ configuration: { status: 'failing' }, table: { status: 'not_checked' } });
    expect(response.body).not.toContain('/nonexistent');
    expect(JSON.stringify(output.records())).toContain('cannot be read');
  });
});

describe('correlation and telemetry', () => {
  it('honours x-correlation-id on the response and in every log line of the request', async () => {
    const event = apiEvent({ path: '/scores/acme%2F001', headers: { 'X-Correlation-Id': 'caller-42' } });
    const { response } = await call(event);
    expect(response.headers?.['x-correlation-id']).toBe('caller-42');

    const logs = output.records().filter((record) => 'event_type' in record);
    expect(logs.map((record) => record.event_type)).toEqual(['request_start', 'request_end']);
    for (const record of logs) {
      expect(record).toMatchObject({ service: 'score-api', version: '1.1.0', component: 'score-api', correlation_id: 'caller-42', endpoint: '/scores/{company_id}', method: 'GET' });
    }
    expect(logs[1]).toMatchObject({ status_code: 503, company_id: 'acme/001', duration_ms: expect.any(Number) });
  });

  it('replaces a correlation id that is not a plain token by the request id', async () => {
    const event = apiEvent({ path: '/nowhere', headers: { 'x-correlation-id': 'two words\nforged: line' } });
    const { response } = await call(event);
    expect(response.headers?.['x-correlation-id']).toBe(event.requestContext.requestId);
  });

  it('publishes the request metrics in EMF under EchoRidge, errors counted by class', async () => {
    await call(apiEvent({ path: '/nowhere' }));
    const [metrics] = output.records().filter((record) => '_aws' in record);
    expect(metrics).toMatchObject({ Requests: 1, Errors4xx: 1, Errors5xx: 0, RequestLatency: expect.any(Number) });
    expect(JSON.stringify(metrics)).toContain('"Namespace":"EchoRidge"');
  });
});

describe('tenants', () => {
  it.each([
    ['no authorizer context', null],
    ['a tenant id that could reach into other partitions', 'acme#COMPANY#x'],
  ])('refuses a keyed route reached with %s with 403 before touching any data, and logs it', async (_, tenant) => {
    const { body } = await expectError(apiEvent({ path: '/scores/acme-001', tenant }), 403, 'FORBIDDEN');
    expect(body.error.message).toContain('x-api-key');
    expect(output.records().some((record) => record.message === 'a keyed route was reached without a valid tenant in the authorizer context')).toBe(true);
    expect(output.records().some((record) => record.message === 'score table unavailable')).toBe(false);
  });

  it('serves the public routes without a tenant', async () => {
    const { response } = await call(apiEvent({ path: '/openapi.json', tenant: null }));
    expect(response.statusCode).toBe(200);
  });

  it('logs the tenant on every line of a keyed request', async () => {
    await call(apiEvent({ path: '/stats', tenant: 'globex' }));
    const [end] = output.records().filter((record) => record.event_type === 'request_end');
    expect(end).toMatchObject({ tenant: 'globex', endpoint: '/stats' });
  });
});
