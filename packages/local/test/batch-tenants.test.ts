import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { batchIdFor } from '@echo-ridge/batch';
import { createDocumentClient, createStore, inputKey, presignUpload, type Store } from '@echo-ridge/store';
import { LOCAL_AWS } from '../src/dynamodb-local.js';
import { companyLines } from './support/companies.js';
import { batchHandler, invoke, objectEvent, sqsEvent, startBatchEmulators, type BatchEmulators } from './support/emulators.js';

/**
 * Batch files belong to the tenant whose folder of incoming/ they are put in: their record, scores and
 * counts are that tenant's. A file outside every tenant folder is refused with the reason logged, and a
 * file uploaded to a POST /batches URL is the batch that call named.
 */

let emulators: BatchEmulators;
let store: Store;
/** What the handler printed: Powertools writes warnings to stderr, the rest to stdout. */
let printed: string[];

beforeAll(async () => {
  emulators = await startBatchEmulators();
  store = createStore({ client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: emulators.dynamoDb.endpoint }), tableName: emulators.tableName, retentionDays: 1 });
  printed = [];
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
  }
});

afterAll(async () => {
  jest.restoreAllMocks();
  await emulators?.stop();
});

const logLines = () =>
  printed
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

async function drop(key: string, body: string) {
  const uploaded = await emulators.upload(key, body);
  await expect(invoke(batchHandler(emulators), sqsEvent(emulators, [{ body: objectEvent(emulators, key, uploaded) }]))).resolves.toEqual({ batchItemFailures: [] });
  return { uploaded, batchId: batchIdFor({ bucket: emulators.bucket, key, etag: uploaded.etag }) };
}

describe('batch files by tenant', () => {
  it("scores a file in incoming/acme/ as acme's: its record, members, latest scores and count, none of them the dev tenant's", async () => {
    const acme = store.tenant('acme');
    const dev = store.tenant('dev');
    const before = { acme: await acme.companiesScored(), dev: await dev.companiesScored() };
    const { batchId } = await drop(inputKey('acme', 'leads'), [...companyLines(20, 'acme-file')].join(''));

    await expect(emulators.runs.get(batchId)).resolves.toMatchObject({ status: 'completed', tenant: 'acme', successful: 20 });
    await expect(emulators.countBatchItems(batchId, 'acme')).resolves.toBe(20);
    await expect(emulators.countBatchItems(batchId, 'dev')).resolves.toBe(0);
    await expect(acme.latestScore('acme-file-3')).resolves.toMatchObject({ company_id: 'acme-file-3', batch_id: batchId });
    await expect(dev.latestScore('acme-file-3')).resolves.toBeUndefined();
    await expect(acme.getBatch(batchId)).resolves.toMatchObject({ batch_id: batchId, status: 'completed', tenant: 'acme' });
    await expect(dev.getBatch(batchId)).resolves.toBeUndefined();
    await expect(acme.companiesScored()).resolves.toBe(before.acme + 20);
    await expect(dev.companiesScored()).resolves.toBe(before.dev);
  });

  it.each([
    ['incoming/loose.jsonl', "directly in a tenant's folder"],
    ['incoming/acme/deeper/file.jsonl', "directly in a tenant's folder"],
    ['incoming/Not_A_Tenant/file.jsonl', 'names no tenant'],
  ])('refuses %s, scoring nothing and logging why', async (key, reason) => {
    printed.length = 0;
    const { batchId } = await drop(key, [...companyLines(3, 'stray')].join(''));

    await expect(emulators.runs.get(batchId)).resolves.toBeUndefined();
    expect(logLines()).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'refusing an object outside every tenant folder of incoming/', key, reason: expect.stringContaining(reason) }));
  });

  it('names the batch of a file put to a POST /batches URL by the id that call made, and scores a second upload to that URL not at all', async () => {
    const batchId = randomUUID();
    const key = inputKey('acme', 'uploaded');
    const upload = await presignUpload(emulators.s3, batchId, { bucket: emulators.bucket, key, expiresInSeconds: 300, now: new Date() });
    const put = async (body: string) => {
      const response = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body });
      expect(response.status).toBe(200);
      return { etag: response.headers.get('etag')!.replace(/"/g, ''), size: Buffer.byteLength(body) };
    };

    const first = await put([...companyLines(5, 'upload-a')].join(''));
    await invoke(batchHandler(emulators), sqsEvent(emulators, [{ body: objectEvent(emulators, key, first) }]));
    const run = await emulators.runs.get(batchId);
    expect(run).toMatchObject({ batch_id: batchId, tenant: 'acme', status: 'completed', successful: 5, source: { key, etag: first.etag } });

    printed.length = 0;
    const second = await put([...companyLines(7, 'upload-b')].join(''));
    await expect(invoke(batchHandler(emulators), sqsEvent(emulators, [{ body: objectEvent(emulators, key, second) }]))).resolves.toEqual({ batchItemFailures: [] });
    await expect(emulators.runs.get(batchId)).resolves.toEqual(run);
    await expect(emulators.runs.get(batchIdFor({ bucket: emulators.bucket, key, etag: second.etag }))).resolves.toBeUndefined();
    expect(logLines()).toContainEqual(expect.objectContaining({ level: 'WARN', message: expect.stringContaining('another upload already holds this batch id'), key }));
  });
});
