import { afterEach, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PUBLIC_ROUTE_THROTTLE } from '@echo-ridge/contract';
import { createApiKey, loadApiKeys, revokeApiKey, type ApiKey } from '../src/api-keys.js';
import { scoreApiResources } from '../src/api-resources.js';
import { INVOCATION_PAYLOAD_LIMIT_BYTES, startGateway, type Gateway } from '../src/gateway.js';
import { fileKeyRing, fixedKeyRing, type KeyRing } from '../src/key-ring.js';
import { InvocationTimeoutError } from '../src/sandbox-pool.js';

/** The gateway in front of a function that records its events, so that what API Gateway sends can be checked. */

const KEY: ApiKey = { name: 'test-1', tenant: 'acme', value: 'er_test_0123456789abcdefghij', rate_limit: 1, burst_limit: 2 };

let gateway: Gateway | undefined;
afterEach(() => gateway?.close());

async function start(invoke: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>, now = () => 0, keys: KeyRing = fixedKeyRing([KEY])) {
  const logged: string[] = [];
  gateway = await startGateway({ host: '127.0.0.1', port: 0, stage: 'v1', keys, resolve: scoreApiResources(), invoke, log: (line) => logged.push(line), now });
  return { url: gateway.url, logged };
}

function recorder() {
  const events: APIGatewayProxyEvent[] = [];
  const invoke = (event: APIGatewayProxyEvent) => {
    events.push(event);
    return Promise.resolve({ statusCode: 201, headers: { 'x-answer': 'yes' }, multiValueHeaders: { 'x-many': ['a', 'b'] }, body: '{"ok":true}' });
  };
  return { events, invoke };
}

describe('local API Gateway', () => {
  it('turns a keyed request into the proxy event of its resource and relays the answer', async () => {
    const { events, invoke } = recorder();
    const { url } = await start(invoke);
    const response = await fetch(`${url}/scores/acme%2Fus?history=true&tag=a&tag=b`, { headers: { 'X-Api-Key': KEY.value, 'X-Correlation-Id': 'c-1' } });

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(response.headers.get('x-many')).toBe('a, b');
    const [event] = events;
    expect(event).toMatchObject({
      resource: '/scores/{company_id}',
      path: '/scores/acme%2Fus',
      httpMethod: 'GET',
      pathParameters: { company_id: 'acme/us' },
      queryStringParameters: { history: 'true', tag: 'b' },
      multiValueQueryStringParameters: { history: ['true'], tag: ['a', 'b'] },
      headers: { 'X-Correlation-Id': 'c-1', 'X-Api-Key': KEY.value },
      body: null,
      isBase64Encoded: false,
      requestContext: {
        stage: 'v1',
        path: '/v1/scores/acme%2Fus',
        resourcePath: '/scores/{company_id}',
        identity: { apiKey: KEY.value, apiKeyId: KEY.name },
        authorizer: { principalId: KEY.name, tenant: 'acme' },
      },
    });
    expect(event!.requestContext.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(response.headers.get('x-amzn-requestid')).toBe(event!.requestContext.requestId);
  });

  it('serves /healthz without a key and sends unknown routes to the catch-all with a key', async () => {
    const { events, invoke } = recorder();
    const { url } = await start(invoke);
    expect((await fetch(`${url}/healthz`)).status).toBe(201);
    expect((await fetch(`${url}/nothing/here`, { method: 'PUT', headers: { 'x-api-key': KEY.value } })).status).toBe(201);
    expect(events.map(({ resource, pathParameters, requestContext }) => [resource, pathParameters, requestContext.identity.apiKey, requestContext.authorizer])).toEqual([
      ['/healthz', null, null, null],
      ['/{proxy+}', { proxy: 'nothing/here' }, KEY.value, { principalId: KEY.name, tenant: 'acme' }],
    ]);
  });

  it.each([
    ['no key', {}],
    ['an unknown key', { 'x-api-key': 'er_test_not_a_key_at_all' }],
  ])('answers a request with %s 403 in the API error format, without invoking', async (_, headers) => {
    const { events, invoke } = recorder();
    const { url } = await start(invoke);
    const response = await fetch(`${url}/score`, { method: 'POST', headers, body: '{}' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'FORBIDDEN', message: expect.stringContaining('x-api-key') }, request_id: response.headers.get('x-amzn-requestid') });
    expect(events).toHaveLength(0);
  });

  it("throttles each key like its usage plan: the burst, then 429 with Retry-After until the rate refills", async () => {
    let clock = 0;
    const { invoke } = recorder();
    const { url } = await start(invoke, () => clock);
    const get = () => fetch(`${url}/stats`, { headers: { 'x-api-key': KEY.value } });
    expect([(await get()).status, (await get()).status]).toEqual([201, 201]);
    const throttled = await get();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(((await throttled.json()) as { error: { code: string } }).error.code).toBe('THROTTLED');
    clock = 1_000;
    expect((await get()).status).toBe(201);
  });

  it('refuses a body larger than an invocation can carry with 413, without invoking', async () => {
    const { events, invoke } = recorder();
    const { url } = await start(invoke);
    const response = await fetch(`${url}/score/batch`, {
      method: 'POST',
      headers: { 'x-api-key': KEY.value, 'content-type': 'application/json' },
      body: 'x'.repeat(INVOCATION_PAYLOAD_LIMIT_BYTES + 1),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(events).toHaveLength(0);
  });

  it('answers 502 when the function throws and 504 when it times out, logging why', async () => {
    let failure: Error = new Error('handler crashed');
    const { url, logged } = await start(() => Promise.reject(failure));
    const headers = { 'x-api-key': KEY.value };
    expect((await fetch(`${url}/stats`, { headers })).status).toBe(502);
    failure = new InvocationTimeoutError('the function timed out after 15000 ms');
    expect((await fetch(`${url}/healthz`)).status).toBe(504);
    expect(logged.join('\n')).toMatch(/handler crashed[\s\S]*timed out after 15000 ms/);
  });

  it('throttles each public method on its own bucket: a flood of /healthz throttles neither /openapi.json nor a key', async () => {
    const { invoke } = recorder();
    const { url } = await start(invoke, () => 0, fixedKeyRing([{ ...KEY, rate_limit: 1, burst_limit: 1 }]));
    const flood = [];
    for (let i = 0; i <= PUBLIC_ROUTE_THROTTLE.burstLimit; i += 1) flood.push((await fetch(`${url}/healthz`)).status);
    expect(flood.filter((status) => status === 429)).toHaveLength(1);
    expect((await fetch(`${url}/openapi.json`)).status).toBe(201);
    expect((await fetch(`${url}/stats`, { headers: { 'x-api-key': KEY.value } })).status).toBe(201);
  });

  it('takes a new key and a revocation from the keys file at the next request, without a restart, keeping the tenant of each key', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'echo-ridge-keys-')), 'api-keys.json');
    const { keys } = await loadApiKeys(file);
    const { events, invoke } = recorder();
    const { url } = await start(invoke, () => 0, fileKeyRing(file, keys, () => undefined));
    const get = (key: ApiKey) => fetch(`${url}/stats`, { headers: { 'x-api-key': key.value } }).then((response) => response.status);
    const acme = await createApiKey(file, 'acme', 'standard');
    expect(await get(acme)).toBe(201);
    const rotated = await createApiKey(file, 'acme', 'standard');
    await revokeApiKey(file, acme.name);
    expect(await get(acme)).toBe(403);
    expect(await get(rotated)).toBe(201);
    expect(events.map((event) => event.requestContext.authorizer)).toEqual([
      { principalId: acme.name, tenant: 'acme' },
      { principalId: rotated.name, tenant: 'acme' },
    ]);
  });

  it('keeps the keys last read when the file is broken, and says so once', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'echo-ridge-keys-')), 'api-keys.json');
    const { keys } = await loadApiKeys(file);
    const logged: string[] = [];
    const { invoke } = recorder();
    const { url } = await start(invoke, () => 0, fileKeyRing(file, keys, (line) => logged.push(line)));
    await writeFile(file, '{ broken');
    const get = () => fetch(`${url}/stats`, { headers: { 'x-api-key': keys[0]!.value } }).then((response) => response.status);
    expect([await get(), await get()]).toEqual([201, 201]);
    expect(logged).toEqual([expect.stringContaining(`keeping the keys last read, ${file} cannot be used`)]);
  });
});
