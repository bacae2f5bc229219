import { describe, expect, it } from '@jest/globals';
import { ApiConnectionError, ApiError, ApiTimeoutError, EchoRidgeClient, type ClientOptions } from '../src/index.js';
import { errorBody, stubFetch, type StubAnswer } from './support/stub-fetch.js';

/** A client on a scripted fetch whose waits between attempts are recorded, not slept. */
function clientOn(answer: Parameters<typeof stubFetch>[0], options: Partial<ClientOptions> = {}) {
  const { fetch, sent } = stubFetch(answer);
  const waits: number[] = [];
  const client = new EchoRidgeClient({
    baseUrl: 'http://api.test/v1',
    apiKey: 'er_test_key',
    fetch,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...options,
  });
  return { client, sent, waits };
}

const company = { company_id: 'acme-001' } as never;
const ok = (body: unknown = {}): StubAnswer => ({ status: 200, body });

describe('requests', () => {
  it('sends the key, the JSON body and the query to the route under the stage path', async () => {
    const { client, sent } = clientOn(() => ok({ company_id: 'acme-001' }));
    await client.score(company, { verbose: true });
    expect(sent).toEqual([
      {
        method: 'POST',
        url: new URL('http://api.test/v1/score?verbose=true'),
        headers: { accept: 'application/json', 'x-api-key': 'er_test_key', 'content-type': 'application/json', 'Idempotency-Key': expect.any(String) },
        body: company,
      },
    ]);
  });

  it('encodes path parameters and leaves out query parameters not given', async () => {
    const { client, sent } = clientOn(() => ok());
    await client.scoreHistory('a/b c', { limit: 5 });
    await client.batch('batch-1');
    expect(sent.map(({ method, url }) => `${method} ${url.pathname}${url.search}`)).toEqual(['GET /v1/scores/a%2Fb%20c?history=true&limit=5', 'GET /v1/batches/batch-1']);
  });

  it('answers an unhealthy service with its health body rather than an error', async () => {
    const unhealthy = { status: 'unavailable', checks: { configuration: { status: 'ok' }, table: { status: 'failing' } }, request_id: 'r' };
    const { client, sent } = clientOn(() => ({ status: 503, body: unhealthy }));
    await expect(client.health()).resolves.toEqual(unhealthy);
    expect(sent).toHaveLength(1);
  });
});

describe('errors and retries', () => {
  it('throws the error body of a 4xx as ApiError after one attempt', async () => {
    const issues = [{ path: 'digital.pagespeed', message: 'must be an integer from 0 to 100' }];
    for (const [status, code] of [
      [400, 'MALFORMED_JSON'],
      [403, 'FORBIDDEN'],
      [404, 'NOT_FOUND'],
      [413, 'PAYLOAD_TOO_LARGE'],
      [422, 'VALIDATION_FAILED'],
    ] as const) {
      const { client, sent, waits } = clientOn(() => ({ status, body: { ...errorBody(code), error: { code, message: 'no', issues } } }));
      const error = await client.score(company).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status, code, message: 'no', issues, requestId: `request-${code}` });
      expect([code, sent.length, waits]).toEqual([code, 1, []]);
    }
  });

  it('retries 429 no sooner than Retry-After says', async () => {
    const { client, sent, waits } = clientOn((_, attempt) => (attempt < 3 ? { status: 429, body: errorBody('THROTTLED'), headers: { 'retry-after': '2' } } : ok({ done: true })));
    await expect(client.stats()).resolves.toEqual({ done: true });
    expect(sent).toHaveLength(3);
    // 2 s, plus half (random 0.5) of the 200 ms base as jitter.
    expect(waits).toEqual([2_100, 2_100]);
  });

  it('retries 503 with exponential backoff and jitter when no Retry-After is given', async () => {
    const { client, waits } = clientOn((_, attempt) => (attempt <= 3 ? { status: 503, body: errorBody('SERVICE_UNAVAILABLE') } : ok()));
    await client.stats();
    expect(waits).toEqual([100, 200, 400]);
  });

  it('gives up after maxRetries with the last error', async () => {
    const { client, sent } = clientOn(() => ({ status: 503, body: errorBody('SERVICE_UNAVAILABLE') }), { retry: { maxRetries: 2 } });
    await expect(client.stats()).rejects.toMatchObject({ name: 'ApiError', status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(sent).toHaveLength(3);
  });

  it('does not wait out a Retry-After longer than maxDelayMs (a used-up quota)', async () => {
    const { client, sent } = clientOn(() => ({ status: 429, body: errorBody('QUOTA_EXCEEDED'), headers: { 'retry-after': '86400' } }));
    await expect(client.stats()).rejects.toMatchObject({ status: 429, code: 'QUOTA_EXCEEDED' });
    expect(sent).toHaveLength(1);
  });

  it('keeps the status of an answer that is not the API error body, and does not retry a 502', async () => {
    const { client, sent } = clientOn(() => ({ status: 502, body: '<html>Bad Gateway</html>' }));
    await expect(client.stats()).rejects.toMatchObject({ status: 502, code: 'HTTP_502', message: 'HTTP 502: <html>Bad Gateway</html>', requestId: undefined });
    expect(sent).toHaveLength(1);
  });
});

describe('idempotency keys', () => {
  const keysOf = (sent: { headers: Record<string, string> }[]) => sent.map((request) => request.headers['Idempotency-Key']);

  it('sends one new key per write and the same key with each of its retries', async () => {
    const { client, sent } = clientOn((_, attempt) => (attempt % 2 === 1 ? { status: 503, body: errorBody('SERVICE_UNAVAILABLE'), headers: { 'retry-after': '1' } } : ok({ batch_id: 'b', results: [], errors: [] })));
    await client.scoreBatch([company]);
    await client.scoreBatch([company]);
    await client.score(company);
    const keys = keysOf(sent);
    expect(keys).toHaveLength(6);
    expect(keys.every((key) => typeof key === 'string' && /^[0-9a-f-]{36}$/.test(key))).toBe(true);
    expect([keys[0] === keys[1], keys[2] === keys[3], keys[4] === keys[5]]).toEqual([true, true, true]);
    expect(new Set(keys).size).toBe(3);
  });

  it('retries a 409 (the same write still running) with its key, and sends a key of the caller as given', async () => {
    const { client, sent, waits } = clientOn((_, attempt) => (attempt === 1 ? { status: 409, body: errorBody('IDEMPOTENCY_IN_PROGRESS'), headers: { 'retry-after': '1' } } : ok()));
    await client.score(company, { idempotencyKey: 'order-7781' });
    expect(keysOf(sent)).toEqual(['order-7781', 'order-7781']);
    expect(waits).toEqual([1000 + 0.5 * 200]);
  });

  it('sends no key on reads and on writes the contract does not mark idempotent', async () => {
    const { client, sent } = clientOn(() => ok());
    await client.latestScore('acme-001');
    await client.scoreHybrid({} as never);
    expect(keysOf(sent)).toEqual([undefined, undefined]);
  });
});

describe('timeouts and cancellation', () => {
  /** A fetch that never answers: it only ends when its signal aborts. */
  const silent = (async (_input: unknown, init: RequestInit = {}) =>
    new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)))) as typeof fetch;

  it('throws ApiTimeoutError when no answer comes in time, and does not send the request again', async () => {
    let attempts = 0;
    const counted: typeof fetch = (...args) => {
      attempts += 1;
      return silent(...args);
    };
    const client = new EchoRidgeClient({ baseUrl: 'http://api.test', timeoutMs: 20, fetch: counted });
    const error = await client.score(company).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiTimeoutError);
    expect((error as Error).message).toBe('POST /score got no answer within 20 ms');
    expect(attempts).toBe(1);
  });

  it("rejects with the caller's abort, not as a timeout", async () => {
    const client = new EchoRidgeClient({ baseUrl: 'http://api.test', fetch: silent });
    const controller = new AbortController();
    const pending = client.stats({ signal: controller.signal });
    controller.abort(new Error('stopped by the caller'));
    await expect(pending).rejects.toThrow('stopped by the caller');
  });
});

describe('connection failures', () => {
  it('throws ApiConnectionError with the reason when nothing answers, without retrying', async () => {
    let attempts = 0;
    const refused: typeof fetch = () => {
      attempts += 1;
      return Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') }));
    };
    const client = new EchoRidgeClient({ baseUrl: 'http://127.0.0.1:9', fetch: refused });
    const error = await client.stats().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiConnectionError);
    expect((error as Error).message).toBe('GET http://127.0.0.1:9/stats failed: connect ECONNREFUSED 127.0.0.1:9');
    expect(attempts).toBe(1);
  });
});
