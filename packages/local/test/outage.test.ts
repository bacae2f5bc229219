import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { company } from '@echo-ridge/score-api/test/company-record';
import { healthOnceItIs, startTestRuntime, type ErrorBody } from './support/runtime.js';

/**
 * DynamoDB Local killed while the API runs: /healthz turns 503 naming the table (once its cached answer
 * expires, within 10 s), and scoring answers
 * a retryable 503 instead of hanging (jest's timeout would fail a hang).
 */

let service: Awaited<ReturnType<typeof startTestRuntime>>;
beforeAll(async () => {
  service = await startTestRuntime();
});
afterAll(() => service.runtime.stop());

it('turns /healthz and /score into 503 when the table dies, and says when to retry', async () => {
  expect((await service.api('/score', { method: 'POST', json: company('before-outage') })).status).toBe(200);
  expect((await fetch(`${service.runtime.url}/healthz`)).status).toBe(200);

  process.kill(service.runtime.dynamoDb.pid, 'SIGKILL');
  await service.runtime.dynamoDb.exited;

  const health = await healthOnceItIs(service.runtime.url, 503);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({ status: 'unavailable', checks: { configuration: { status: 'ok' }, table: { status: 'failing' } } });

  const scored = await service.api('/score', { method: 'POST', json: company('during-outage') });
  expect(scored.status).toBe(503);
  expect(scored.headers.get('retry-after')).toBe('1');
  expect(((await scored.json()) as ErrorBody).error.code).toBe('SERVICE_UNAVAILABLE');

  const read = await service.api('/scores/before-outage');
  expect(read.status).toBe(503);
  expect(service.gatewayLog).toEqual([]);
});
