import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FORWARD, startFaultProxy, startRuntime, type ApiKey, type FaultProxy, type FaultProxyOptions, type Runtime } from '@echo-ridge/local';
import { ApiError, EchoRidgeClient, type BatchResponse } from '../src/index.js';
import { companies } from './support/companies.js';

/**
 * Idempotent writes the way they fail. The score function's DynamoDB calls go through a fault proxy
 * that fails chosen writes after others went through; the typed client retries the 503 with the same
 * Idempotency-Key (its retry wait switches the fault off); and the stored histories and counts must
 * hold each company once.
 */

const ACME: ApiKey = { name: 'acme-idem', tenant: 'acme', value: 'er_test_idem_acme_0123456789', rate_limit: 1_000, burst_limit: 1_000 };
const GLOBEX: ApiKey = { name: 'globex-idem', tenant: 'globex', value: 'er_test_idem_globex_0123456789', rate_limit: 1_000, burst_limit: 1_000 };

type AwsRequest = Parameters<FaultProxyOptions['judge']>[0];

let dir: string;
let runtime: Runtime;
let proxy: FaultProxy;
/** The writes that fail now; the client's wait before a retry clears it. */
let failing: ((request: AwsRequest) => boolean) | undefined;
/** The writes that DynamoDB Local applies and whose answer is then lost, so that the SDK sends them again. */
let losing: ((request: AwsRequest) => boolean) | undefined;
let retries = 0;

const clientOf = (key: ApiKey) =>
  new EchoRidgeClient({
    baseUrl: runtime.url,
    apiKey: key.value,
    sleep: () => {
      retries += 1;
      failing = undefined;
      return Promise.resolve();
    },
  });

/** A request as the client sends it, for reading what the client does not show (status, headers). */
const post = (key: ApiKey, path: string, body: unknown, idempotencyKey: string) =>
  fetch(`${runtime.url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': key.value, 'content-type': 'application/json', 'Idempotency-Key': idempotencyKey },
    body: JSON.stringify(body),
  });

const isScoreWrite = (request: AwsRequest) => request.operation === 'BatchWriteItem' && request.body?.includes('SCORE#') === true;
const WRITES = new Set(['PutItem', 'UpdateItem', 'BatchWriteItem', 'TransactWriteItems', 'DeleteItem']);
const withoutRequestId = ({ request_id: _, ...rest }: { request_id: string }) => rest;

async function historyLengths(key: ApiKey, ids: readonly string[]): Promise<number[]> {
  const client = clientOf(key);
  return Promise.all(ids.map(async (id) => (await client.scoreHistory(id, { limit: 10 })).scores.length));
}

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  dir = await mkdtemp(join(tmpdir(), 'echo-ridge-idempotency-'));
  const keysFile = join(dir, 'api-keys.json');
  await writeFile(keysFile, JSON.stringify({ keys: [ACME, GLOBEX] }));
  // The proxy learns where DynamoDB Local is once the runtime started it.
  const targets = { dynamodb: '', s3: '', sqs: '' };
  proxy = await startFaultProxy({ targets, judge: (request) => (failing?.(request) ? { action: 'fail', fault: 'server-error' } : losing?.(request) ? { action: 'lose-answer' } : FORWARD),
  });
  runtime = await startRuntime({
    port: 0,
    keysFile,
    functionEnv: { LOG_LEVEL: 'SILENT', AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoints.dynamodb },
    log: () => undefined,
    batch: { functionEnv: { LOG_LEVEL: 'SILENT' }, log: () => undefined },
    contextRefresh: { functionEnv: { LOG_LEVEL: 'SILENT' }, log: () => undefined },
  });
  targets.dynamodb = runtime.dynamoDb.endpoint;
});

afterAll(async () => {
  await runtime?.stop();
  await proxy?.close();
  await rm(dir, { recursive: true, force: true });
});

// First in the file: the SDK sends a call again only while its client's retry quota lasts (the
// standard strategy's 500 tokens, 5 or 10 a retry), which the failed writes of the tests below spend
// in the sandboxes they run in.
describe('a write applied and its answer lost, sent again by the SDK', () => {
  it('POST /score without Idempotency-Key: answered 200, one score stored', async () => {
    const [company] = companies(1, 'lost-answer');
    let lost = 0;
    losing = (request) => request.operation === 'PutItem' && request.body?.includes('SCORE#') === true && (lost += 1) === 1;
    const response = await fetch(`${runtime.url}/score`, { method: 'POST', headers: { 'x-api-key': ACME.value, 'content-type': 'application/json' }, body: JSON.stringify(company) });
    losing = undefined;
    expect({ puts: lost, status: response.status }).toEqual({ puts: 2, status: 200 });
    expect(await historyLengths(ACME, ['lost-answer-0'])).toEqual([1]);
  });
});

describe('a 503 after a partial write, retried by the client with the same key', () => {
  it('POST /score/batch: the scores of the first attempt are rewritten, not added to', async () => {
    const acme = clientOf(ACME);
    const batch = companies(60, 'partial');
    const before = (await acme.stats()).companies_scored;
    let scoreWrites = 0;
    // The first group of 25 scores is stored; every other group fails until the client retries.
    failing = (request) => isScoreWrite(request) && (scoreWrites += 1) > 1;
    retries = 0;
    const answer = await acme.scoreBatch(batch);
    expect(retries).toBe(1);
    expect(scoreWrites).toBeGreaterThan(1);
    expect(answer.summary).toEqual({ total: 60, successful: 60, failed: 0, success_rate: 1 });
    expect(await historyLengths(ACME, batch.map((company) => company.company_id))).toEqual(batch.map(() => 1));
    expect((await acme.stats()).companies_scored - before).toBe(60);
    const stored = await acme.batch(answer.batch_id, { scores: true, limit: 100 });
    expect(stored.scores?.map((payload) => payload.company_id)).toEqual(batch.map((company) => company.company_id));
  });

  it('POST /score/batch: scores stored and counted, then the batch record failed: counted once', async () => {
    const acme = clientOf(ACME);
    const batch = companies(30, 'counted');
    const before = (await acme.stats()).companies_scored;
    failing = (request) => request.operation === 'PutItem' && request.body?.includes('#BATCH#') === true;
    retries = 0;
    const answer = await acme.scoreBatch(batch);
    expect(retries).toBe(1);
    expect(answer.summary.successful).toBe(30);
    expect(await historyLengths(ACME, batch.map((company) => company.company_id))).toEqual(batch.map(() => 1));
    expect((await acme.stats()).companies_scored - before).toBe(30);
  });

  it('POST /score: the score stored, its count failed: one score, counted once', async () => {
    const acme = clientOf(ACME);
    const [company] = companies(1, 'single');
    const before = (await acme.stats()).companies_scored;
    failing = (request) => request.operation === 'TransactWriteItems';
    retries = 0;
    const answer = await acme.score(company!);
    expect(retries).toBe(1);
    expect(answer.company_id).toBe('single-0');
    expect(await historyLengths(ACME, ['single-0'])).toEqual([1]);
    expect((await acme.stats()).companies_scored - before).toBe(1);
    expect(withoutRequestId(await acme.latestScore('single-0'))).toEqual(withoutRequestId(answer));
  });
});

describe('a request sent again', () => {
  it('after it answered: the same body again, marked replayed, and nothing written', async () => {
    const batch = companies(5, 'replay');
    const first = await post(ACME, '/score/batch', { companies: [...batch, { company_id: 'broken' }] }, 'replay-key-1');
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as BatchResponse;
    const seenBefore = proxy.seen.length;
    const again = await post(ACME, '/score/batch', { companies: [...batch, { company_id: 'broken' }] }, 'replay-key-1');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const againBody = (await again.json()) as BatchResponse;
    expect(againBody.request_id).not.toBe(firstBody.request_id);
    expect(JSON.stringify(withoutRequestId(againBody))).toBe(JSON.stringify(withoutRequestId(firstBody)));
    // Only Powertools' conditional put of the record, which finds it there; no score, count or record written.
    const writes = proxy.seen.slice(seenBefore).filter((request) => WRITES.has(request.operation));
    expect(writes.map((request) => request.operation)).toEqual(['PutItem']);
    expect(await historyLengths(ACME, batch.map((company) => company.company_id))).toEqual(batch.map(() => 1));
  });

  it('with another body: 422 naming the header, and nothing written', async () => {
    const [one, other] = companies(2, 'reuse');
    expect((await post(ACME, '/score', one, 'reuse-key-1')).status).toBe(200);
    const reused = await post(ACME, '/score', other, 'reuse-key-1');
    expect(reused.status).toBe(422);
    const { error } = (await reused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(error.message).toContain('Idempotency-Key');
    await expect(clientOf(ACME).latestScore('reuse-1')).rejects.toMatchObject({ status: 404 });
    await expect(clientOf(ACME).score(other!, { idempotencyKey: 'reuse-key-1' })).rejects.toBeInstanceOf(ApiError);
  });

  it('with another query: 422', async () => {
    const [company] = companies(1, 'query');
    expect((await post(ACME, '/score', company, 'query-key-1')).status).toBe(200);
    expect((await post(ACME, '/score?verbose=true', company, 'query-key-1')).status).toBe(422);
  });

  it('while the first is still running: 409 with Retry-After, then the first answer', async () => {
    const batch = companies(30, 'concurrent');
    // The first request holds the key once it writes scores, and retries them while they fail.
    let writing!: () => void;
    const held = new Promise<void>((resolve) => (writing = resolve));
    failing = (request) => {
      if (!isScoreWrite(request)) return false;
      writing();
      return true;
    };
    const first = post(ACME, '/score/batch', { companies: batch }, 'concurrent-key-1');
    await held;
    const second = await post(ACME, '/score/batch', { companies: batch }, 'concurrent-key-1');
    expect(second.status).toBe(409);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    failing = undefined;
    const firstAnswer = await first;
    expect(firstAnswer.status).toBe(200);
    const third = await post(ACME, '/score/batch', { companies: batch }, 'concurrent-key-1');
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(withoutRequestId((await third.json()) as BatchResponse)).toEqual(withoutRequestId((await firstAnswer.json()) as BatchResponse));
    expect(await historyLengths(ACME, batch.map((company) => company.company_id))).toEqual(batch.map(() => 1));
  });
});

describe('tenants', () => {
  it('keep their keys apart: the same key and body are two requests, each stored in its own tenant', async () => {
    const batch = companies(3, 'tenants');
    const [acme, globex] = await Promise.all([post(ACME, '/score/batch', { companies: batch }, 'shared-key'), post(GLOBEX, '/score/batch', { companies: batch }, 'shared-key')]);
    expect([acme.status, globex.status, acme.headers.get('idempotent-replayed'), globex.headers.get('idempotent-replayed')]).toEqual([200, 200, null, null]);
    const [acmeBatch, globexBatch] = [(await acme.json()) as BatchResponse, (await globex.json()) as BatchResponse];
    expect(acmeBatch.batch_id).not.toBe(globexBatch.batch_id);
    await expect(clientOf(GLOBEX).batch(acmeBatch.batch_id)).rejects.toMatchObject({ status: 404 });
    expect(await historyLengths(ACME, ['tenants-0'])).toEqual([1]);
    expect(await historyLengths(GLOBEX, ['tenants-0'])).toEqual([1]);
  });

  it('refuses a malformed key before anything runs', async () => {
    const response = await post(ACME, '/score', companies(1, 'malformed')[0], 'not a key');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INVALID_HEADER');
  });
});
