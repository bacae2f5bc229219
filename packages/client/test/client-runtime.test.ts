import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildOpenApiDocument } from '@echo-ridge/contract/openapi';
import { startRuntime, type ApiKey, type Runtime } from '@echo-ridge/local';
import { ApiError, EchoRidgeClient, type Company } from '../src/index.js';
import { companies } from './support/companies.js';

/** The client against `pnpm start`'s runtime: every route, scoreMany over several batches, and a real 429. */

const MAIN_KEY: ApiKey = { name: 'main', tenant: 'acme', value: 'er_test_client_main_0123456789', rate_limit: 1_000, burst_limit: 1_000 };
/** One request a second: the second request in a row is throttled, with Retry-After: 1. */
const SLOW_KEY: ApiKey = { name: 'slow', tenant: 'acme', value: 'er_test_client_slow_0123456789', rate_limit: 1, burst_limit: 1 };

let dir: string;
let runtime: Runtime;
let client: EchoRidgeClient;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  dir = await mkdtemp(join(tmpdir(), 'echo-ridge-client-'));
  const keysFile = join(dir, 'api-keys.json');
  await writeFile(keysFile, JSON.stringify({ keys: [MAIN_KEY, SLOW_KEY] }));
  runtime = await startRuntime({
    port: 0,
    keysFile,
    functionEnv: { LOG_LEVEL: 'SILENT' },
    log: () => undefined,
    batch: { functionEnv: { LOG_LEVEL: 'SILENT' }, log: () => undefined },
    contextRefresh: { functionEnv: { LOG_LEVEL: 'SILENT' }, log: () => undefined },
  });
  client = new EchoRidgeClient({ baseUrl: runtime.url, apiKey: MAIN_KEY.value });
});

afterAll(async () => {
  await runtime?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('every route', () => {
  it('scores a company, also verbose, and reads it back, latest and history', async () => {
    const [company] = companies(1, 'client-one');
    const { request_id: _, ...payload } = await client.score(company!);
    expect(payload).toMatchObject({ company_id: 'client-one-0', final_score: expect.any(Number) });
    expect(await client.latestScore('client-one-0')).toEqual({ ...payload, request_id: expect.any(String) });
    expect(await client.score(company!, { verbose: true })).toHaveProperty('verbose_subscores');
    const history = await client.scoreHistory('client-one-0', { limit: 5 });
    expect(history).toMatchObject({ company_id: 'client-one-0', scores: [{ company_id: 'client-one-0' }, payload], next_cursor: null });
  });

  it('scores a batch and reads its record with its scores', async () => {
    const answer = await client.scoreBatch(companies(3, 'client-batch'));
    expect(answer.summary).toEqual({ total: 3, successful: 3, failed: 0, success_rate: 1 });
    const record = await client.batch(answer.batch_id, { scores: true, limit: 2 });
    expect(record).toMatchObject({ batch_id: answer.batch_id, status: 'completed', scores: [{ company_id: 'client-batch-0' }, { company_id: 'client-batch-1' }] });
    expect(record.next_cursor).toEqual(expect.any(String));
  });

  it('uploads a file for a batch and follows it to its outputs', async () => {
    const answer = await client.createBatchUpload({ name: 'client-file' });
    expect(answer).toMatchObject({ status: 'awaiting_upload', key: expect.stringMatching(/\/client-file\.jsonl$/) });
    const body = companies(4, 'client-file').map((company) => JSON.stringify(company)).join('\n');
    expect((await fetch(answer.upload.url, { method: 'PUT', headers: answer.upload.headers, body })).status).toBe(200);
    let record = await client.batch(answer.batch_id);
    while (record.status !== 'completed' && record.status !== 'failed') record = await client.batch(answer.batch_id);
    expect(record.summary).toMatchObject({ total: 4, successful: 4 });
    const results = await (await fetch(record.downloads!.results.url)).text();
    expect(results.trim().split('\n')).toHaveLength(4);
  });

  it('blends a hybrid request', async () => {
    const [line] = (await readFile(new URL('../../../examples/hybrid.jsonl', import.meta.url), 'utf8')).split('\n');
    const answer = await client.scoreHybrid(JSON.parse(line!) as Parameters<EchoRidgeClient['scoreHybrid']>[0]);
    expect(answer).toMatchObject({ company_id: expect.any(String), blend: { strategy: 'weighted_average' } });
  });

  it('reads stats, health and the OpenAPI document, the last two without a key', async () => {
    expect(await client.stats()).toMatchObject({ versions: { api: expect.any(String) }, companies_scored: expect.any(Number) });
    const anonymous = new EchoRidgeClient({ baseUrl: runtime.url });
    expect(await anonymous.health()).toMatchObject({ status: 'ok' });
    expect(await anonymous.openApi()).toEqual(buildOpenApiDocument());
  });
});

describe('scoreMany', () => {
  it('scores 2,300 companies in three batches, valid or not, every outcome at its input index', async () => {
    const input = companies(2_300, 'client-many');
    for (const index of [5, 1_000, 2_299]) input[index] = { ...input[index]!, digital: { pagespeed: 101, crm_flag: true, ecom_flag: false } };
    const { items, batch_ids } = await client.scoreMany(input, { concurrency: 2 });

    expect(items.map((item) => item.company_id)).toEqual(input.map((company) => company.company_id));
    expect(items.flatMap((item, index) => (item.ok ? [] : [[index, item.error.issues]]))).toEqual(
      [5, 1_000, 2_299].map((index) => [index, [{ path: 'digital.pagespeed', message: 'must be an integer from 0 to 100' }]]),
    );
    const records = await Promise.all(batch_ids.map((id) => client.batch(id)));
    expect(records.map((record) => record.summary)).toEqual([
      { total: 1_000, successful: 999, failed: 1, success_rate: 0.999 },
      { total: 1_000, successful: 999, failed: 1, success_rate: 0.999 },
      { total: 300, successful: 299, failed: 1, success_rate: 0.9967 },
    ]);
  });
});

describe('errors and retries', () => {
  it('throws the API error: 403, 404 and 422 with its issues', async () => {
    await expect(new EchoRidgeClient({ baseUrl: runtime.url, apiKey: 'er_not_a_key_0123456789' }).stats()).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    await expect(client.latestScore('never-scored')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const { meta: _, ...withoutMeta } = companies(1, 'client-bad')[0]!;
    const error = await client.score(withoutMeta as Company).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'VALIDATION_FAILED', issues: [{ path: 'meta' }], requestId: expect.any(String) });
  });

  it('waits out a 429 as Retry-After says and gets its answer', async () => {
    const statuses: number[] = [];
    const counting: typeof fetch = async (...args) => {
      const response = await fetch(...args);
      statuses.push(response.status);
      return response;
    };
    const slow = new EchoRidgeClient({ baseUrl: runtime.url, apiKey: SLOW_KEY.value, fetch: counting });
    await slow.stats();
    await slow.stats();
    expect(statuses).toEqual([200, 429, 200]);
  });
});
