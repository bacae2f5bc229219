import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HeadObjectCommand, PutObjectCommand, GetObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { batchIdFor, createHandler } from '@echo-ridge/batch';
import { createDocumentClient, createStore, type BatchRun, type BatchRunStore, type Store } from '@echo-ridge/store';
import { LOCAL_AWS } from '../src/dynamodb-local.js';
import { sqsClient } from '../src/fauxqs.js';
import { companyLines } from './support/companies.js';
import { invoke, objectEvent, sqsEvent, startBatchEmulators, type BatchEmulators } from './support/emulators.js';

/**
 * Completion is the last step and can be repeated: the chunk parts survive until the record says
 * completed, a join or completion that failed is redone from them, a repeated finish changes nothing,
 * and the chunks of a failed batch neither count nor join.
 */

const LINES = 40;
const CHUNK_BYTES = 2_000;

let emulators: BatchEmulators;
let sqs: SQSClient;
let store: Store;

beforeAll(async () => {
  emulators = await startBatchEmulators();
  sqs = sqsClient(emulators.fauxqs.endpoint);
  store = createStore({ client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: emulators.dynamoDb.endpoint }), tableName: emulators.tableName, retentionDays: 1 });
});

afterAll(async () => {
  sqs?.destroy();
  await emulators?.stop();
});

const handlerWith = (runs?: BatchRunStore) => createHandler(emulators.functionEnv({ CHUNK_BYTES: String(CHUNK_BYTES) }), runs ? { runs } : {});
const ids = (text: string) => text.split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as { company_id: string }).company_id);

/** Drops a file that plans into several chunks and returns its batch id and chunk messages, in chunk order. */
async function plannedBatch(name: string) {
  const key = `incoming/dev/${name}.jsonl`;
  const uploaded = await emulators.upload(key, [...companyLines(LINES, name)].join(''));
  const batchId = batchIdFor({ bucket: emulators.bucket, key, etag: uploaded.etag });
  await invoke(handlerWith(), sqsEvent(emulators, [{ body: objectEvent(emulators, key, uploaded) }]));
  const planned = (await emulators.runs.get(batchId))!;
  expect(planned.chunk_count).toBeGreaterThan(2);
  const messages = new Map<number, Message>();
  while (messages.size < planned.chunk_count) {
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: emulators.resources.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    for (const message of received.Messages ?? []) {
      const body = JSON.parse(message.Body!) as { batch_id: string; chunk: number };
      if (body.batch_id === batchId) messages.set(body.chunk, message);
    }
  }
  const expected = Array.from({ length: LINES }, (_, i) => `${name}-${i}`);
  return { batchId, planned, expected, messages: [...messages.entries()].sort(([a], [b]) => a - b).map(([, message]) => message) };
}

/** Powertools' verdict on a delivery whose only record failed: the whole event fails and comes back. */
const ALL_FAILED = /All records failed/;

const deliver = (handler: ReturnType<typeof handlerWith>, message: Message) =>
  invoke(handler, sqsEvent(emulators, [{ body: message.Body!, messageId: message.MessageId! }]));

const partKeys = (run: BatchRun) =>
  run.chunks.flatMap((chunk) => ['results', 'errors'].map((kind) => `${kind}/${run.batch_id}/part-${String(chunk.index).padStart(5, '0')}.jsonl`));

async function exists(key: string): Promise<boolean> {
  try {
    await emulators.s3.send(new HeadObjectCommand({ Bucket: emulators.bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

/** The run store with its completion replaced: `before` runs instead of completing, `after` once it has. */
function completionFault(fault: 'before' | 'after'): BatchRunStore {
  return {
    ...emulators.runs,
    async complete(run) {
      if (fault === 'before') throw new Error('injected: the completion write failed');
      await emulators.runs.complete(run);
      throw new Error('injected: the invocation died right after completing');
    },
  };
}

describe('finishing a chunked batch', () => {
  it('keeps the parts when the completion fails, and the redelivery joins again, completes and counts once', async () => {
    const { batchId, planned, expected, messages } = await plannedBatch('complete-fails');
    const counted = await store.companiesScored();
    const faulty = handlerWith(completionFault('before'));
    for (const message of messages.slice(0, -1)) await expect(deliver(faulty, message)).resolves.toEqual({ batchItemFailures: [] });
    await expect(deliver(faulty, messages.at(-1)!)).rejects.toThrow(ALL_FAILED);

    const stuck = await emulators.runs.get(batchId);
    expect(stuck).toMatchObject({ status: 'running', chunks_done: planned.chunk_count });
    for (const key of partKeys(planned)) await expect(exists(key)).resolves.toBe(true);

    await expect(deliver(handlerWith(), messages.at(-1)!)).resolves.toEqual({ batchItemFailures: [] });
    const run = await emulators.runs.get(batchId);
    expect(run).toMatchObject({ status: 'completed', total: LINES, successful: LINES, failed: 0 });
    expect(ids(await emulators.readText(run!.results_key))).toEqual(expected);
    for (const key of partKeys(planned)) await expect(exists(key)).resolves.toBe(false);
    await expect(store.companiesScored()).resolves.toBe(counted + LINES);
  });

  it('deletes the parts on the redelivery after an invocation died between completing and deleting, changing nothing else', async () => {
    const { batchId, planned, expected, messages } = await plannedBatch('died-after-complete');
    const counted = await store.companiesScored();
    const faulty = handlerWith(completionFault('after'));
    for (const message of messages.slice(0, -1)) await deliver(faulty, message);
    await expect(deliver(faulty, messages.at(-1)!)).rejects.toThrow(ALL_FAILED);

    const completed = await emulators.runs.get(batchId);
    expect(completed).toMatchObject({ status: 'completed', total: LINES });
    for (const key of partKeys(planned)) await expect(exists(key)).resolves.toBe(true);
    const results = await emulators.readText(completed!.results_key);

    // Every chunk message may come back; none of them changes the record, the outputs or the count.
    for (const message of messages) await expect(deliver(handlerWith(), message)).resolves.toEqual({ batchItemFailures: [] });
    await expect(emulators.runs.get(batchId)).resolves.toEqual(completed);
    await expect(emulators.readText(completed!.results_key)).resolves.toBe(results);
    expect(ids(results)).toEqual(expected);
    for (const key of partKeys(planned)) await expect(exists(key)).resolves.toBe(false);
    await expect(store.companiesScored()).resolves.toBe(counted + LINES);
  });

  it('redoes a join that failed half-way', async () => {
    const { batchId, planned, expected, messages } = await plannedBatch('join-fails');
    // One errors part goes missing for a while: the results join succeeds, the errors join fails.
    const missing = partKeys(planned).filter((key) => key.startsWith('errors/')).at(-2)!;
    const handler = handlerWith();
    for (const message of messages.slice(0, -1)) await deliver(handler, message);
    const kept = await emulators.s3.send(new GetObjectCommand({ Bucket: emulators.bucket, Key: missing }));
    const keptBody = await kept.Body!.transformToByteArray();
    await emulators.s3.send(new DeleteObjectCommand({ Bucket: emulators.bucket, Key: missing }));

    await expect(deliver(handler, messages.at(-1)!)).rejects.toThrow(ALL_FAILED);
    await expect(emulators.runs.get(batchId)).resolves.toMatchObject({ status: 'running', chunks_done: planned.chunk_count });

    await emulators.s3.send(new PutObjectCommand({ Bucket: emulators.bucket, Key: missing, Body: keptBody }));
    await expect(deliver(handler, messages.at(-1)!)).resolves.toEqual({ batchItemFailures: [] });
    const run = await emulators.runs.get(batchId);
    expect(run).toMatchObject({ status: 'completed', total: LINES, successful: LINES });
    expect(ids(await emulators.readText(run!.results_key))).toEqual(expected);
    await expect(emulators.readText(run!.errors_key)).resolves.toBe('');
  });

  it('recognises a claim and a finish that were applied but whose answers were lost', async () => {
    const { batchId, planned, messages } = await plannedBatch('lost-answers');
    const lease = { owner: 'retried-call', until: Date.now() + 60_000 };
    await expect(emulators.runs.claimChunk(batchId, 0, lease)).resolves.toMatchObject({ claimed: true });
    // The SDK sends the same claim again: the lease it finds is its own.
    await expect(emulators.runs.claimChunk(batchId, 0, lease)).resolves.toMatchObject({ claimed: true });
    await expect(emulators.runs.claimChunk(batchId, 0, { ...lease, owner: 'another' })).resolves.toMatchObject({ claimed: false });
    await emulators.runs.releaseChunk(batchId, 0, lease.owner);

    // Every finish write is applied, its answer lost and the SDK's resend refused: the delivery that
    // finished the last chunk finishes the batch from the record.
    const lostAnswers: BatchRunStore = {
      ...emulators.runs,
      async finishChunk(...args) {
        await emulators.runs.finishChunk(...args);
        return emulators.runs.finishChunk(...args);
      },
    };
    for (const message of messages) await expect(deliver(handlerWith(lostAnswers), message)).resolves.toEqual({ batchItemFailures: [] });
    await expect(emulators.runs.get(batchId)).resolves.toMatchObject({ status: 'completed', total: LINES, successful: LINES, chunks_done: planned.chunk_count });
  });

  it('neither counts nor joins the chunks of a failed batch, even one claimed before it failed', async () => {
    const { batchId, messages } = await plannedBatch('failed-batch');
    await deliver(handlerWith(), messages[0]!);
    const claim = await emulators.runs.claimChunk(batchId, 1, { owner: 'slow-invocation', until: Date.now() + 60_000 });
    expect(claim.claimed).toBe(true);

    await emulators.runs.fail(batchId, 'the input changed');
    await expect(emulators.runs.finishChunk(batchId, 1, 'slow-invocation', { lines: 5, scored: 5, failed: 0, newlines: 5 })).resolves.toBeUndefined();
    for (const message of messages.slice(1)) await expect(deliver(handlerWith(), message)).resolves.toEqual({ batchItemFailures: [] });

    const run = await emulators.runs.get(batchId);
    // The file has no blank lines: the first chunk's newlines are its companies.
    const firstChunk = run!.chunks[0]!.newlines;
    expect(run).toMatchObject({ status: 'failed', failure_reason: 'the input changed', chunks_done: 1, total: firstChunk, successful: firstChunk });
    await expect(exists(run!.results_key)).resolves.toBe(false);
  });
});
