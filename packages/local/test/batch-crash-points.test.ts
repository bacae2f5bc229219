import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { batchIdFor, parseBatchMessage } from '@echo-ridge/batch';
import { createBatchRunStore, createStore, type BatchRun } from '@echo-ridge/store';
import type { AwsRequest } from '../src/aws-request.js';
import { startBatchRuntime, type BatchRuntime } from '../src/batch-runtime.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../src/dynamodb-local.js';
import { s3Client, sqsClient } from '../src/fauxqs.js';
import { FORWARD } from '../src/fault-proxy.js';
import { crashOnce, randomFaults, type SandboxFaults } from '../src/fault-policy.js';
import { ensureScoreTable } from '../src/score-table.js';
import { companyLine } from './support/companies.js';
import { countBatchItems, patientDocumentClient, TABLE_NAME, useEmulatorCredentials } from './support/emulators.js';

/**
 * The crash-point matrix: the batch pipeline on the local runtime (S3→SQS bridge, poller,
 * worker-thread sandboxes, fauxqs, DynamoDB Local) scores one file once per point, each copy under a
 * key of its own, all at once. Every invocation of a copy's batch meets that copy's faults: none for
 * the reference run, a kill at one named step for each crash point (recognised on the wire by the
 * request that ends the step, before it is sent or right after the emulator applied it), every fault
 * at random for the last. A killed message comes back as SQS brings it back. Each batch must complete
 * with lines = scored + failed, every line scored once (one item in the batch index, one line of
 * results/, one count in the service-wide total), its parts deleted, and outputs equal to the
 * fault-free run's but for timestamps; nothing may end in the dead-letter queue.
 */

/** Six chunks, the last one short: enough results (about 4.4 times the input) for a join of two parts read and uploaded, as parts under S3's 5 MiB minimum are. */
const CHUNK_BYTES = 256 * 1024;
const CHUNKS = 6;
const LINES = 3_300;
/** One bad line in the first chunk, one in the middle and one in the last. */
const BAD_LINES = [5, 1_500, 3_290];
const SCORED = LINES - BAD_LINES.length;

/**
 * The function's timeout here: ample for one chunk on a loaded machine. A killed invocation's chunk
 * lease lasts until its deadline and a margin of seconds (functions/batch/src/lease.ts); the local
 * runtime brings a failed message back just after that, past any lease, as SQS's visibility timeout
 * (six times the function timeout) does on AWS.
 */
const TIMEOUT_MS = 45_000;

const body = (() => {
  const lines = Array.from({ length: LINES }, (_, i) => `${companyLine(i, 'crash')}\n`);
  for (const line of BAD_LINES) lines[line] = `{"company_id": "broken-${line}", "digital": \n`;
  return lines.join('');
})();
/** The object's ETag (one PutObject: the MD5 of its bytes), so that each copy's batch id is known before its events arrive. */
const etag = createHash('md5').update(body).digest('hex');

const NO_FAULTS: SandboxFaults = { invocation: () => ({ judge: () => FORWARD, crashBeforeAnswer: false }) };

/** Each batch's faults, by batch id; an invocation is for the batch its message names. */
const faultsOf = new Map<string, SandboxFaults>();

function batchOf(event: unknown): string | undefined {
  const [record] = (event as SQSEvent).Records;
  const message = parseBatchMessage(record!.body);
  if (message.kind === 'chunk') return message.batchId;
  if (message.kind === 'objects') return message.objects.map((object) => batchIdFor(object))[0];
  return undefined;
}

let dynamoDb: DynamoDbLocal;
let batch: BatchRuntime;
let s3: S3Client;
let sqs: SQSClient;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  useEmulatorCredentials();
  dynamoDb = await startDynamoDbLocal();
  await ensureScoreTable(dynamoDb.endpoint, TABLE_NAME);
  batch = await startBatchRuntime({
    dynamoDbEndpoint: dynamoDb.endpoint,
    tableName: TABLE_NAME,
    // The reservoir (not under test here) at the production rate, so that the table's time goes to scores.
    functionEnv: { CHUNK_BYTES: String(CHUNK_BYTES), SAMPLE_RATE: '0.1', LOG_LEVEL: 'SILENT' },
    timeoutMs: TIMEOUT_MS,
    faults: {
      invocation(event) {
        const batchId = batchOf(event);
        return (batchId === undefined ? NO_FAULTS : (faultsOf.get(batchId) ?? NO_FAULTS)).invocation();
      },
    },
    log: () => undefined,
  });
  s3 = s3Client(batch.fauxqs.endpoint);
  sqs = sqsClient(batch.fauxqs.endpoint);
  documents = patientDocumentClient(dynamoDb.endpoint);
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  sqs?.destroy();
  documents?.destroy();
  await batch?.stop();
  await dynamoDb?.stop();
});

async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function read(key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: batch.bucket, Key: key }));
  return object.Body!.transformToString('utf8');
}

async function messagesIn(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
}

/**
 * Waits as `until` does, but fails at once when a message reaches the dead-letter queue (a batch that
 * waits for it would wait for good), naming the message and where its batch stands.
 */
async function untilNoneParked<T>(check: () => Promise<T | undefined>, runs: { get(batchId: string): Promise<BatchRun | undefined> }): Promise<T> {
  return until(async () => {
    if ((await messagesIn(batch.resources.deadLetterQueueUrl)) > 0) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: batch.resources.deadLetterQueueUrl, WaitTimeSeconds: 1 }));
      const parked = Messages?.[0]?.Body ?? '';
      const batchId = parked && batchOf({ Records: [{ body: parked }] });
      const run = batchId ? await runs.get(batchId) : undefined;
      throw new Error(`a message reached the dead-letter queue: ${parked}; its batch: ${JSON.stringify(run && { status: run.status, chunks_done: run.chunks_done, leases: run.leases })}`);
    }
    return check();
  });
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: batch.bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key!);
}

interface Outcome {
  run: BatchRun;
  results: string;
  errors: string;
  items: number;
  /** Chunk parts left under results/ and errors/. */
  parts: string[];
}

/** A results line as two runs of one file must agree on it: everything but when it was made. */
const comparable = (results: string) =>
  results
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const payload = JSON.parse(line) as { metadata: Record<string, unknown> };
      const { timestamp: _at, processing_time_ms: _took, ...metadata } = payload.metadata;
      return JSON.stringify({ ...payload, metadata });
    });

const companyIds = (results: string) => results.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { company_id: string }).company_id);

/** True for the nth request that `matches` (of one batch: each point sees only its own batch's requests). */
const nth = (n: number, matches: (request: AwsRequest) => boolean) => {
  let seen = 0;
  return (request: AwsRequest) => matches(request) && ++seen === n;
};
const dynamoDbCall = (operation: string, text: string) => (request: AwsRequest) => request.operation === operation && request.body!.includes(text);
const recordCreated = dynamoDbCall('PutItem', '"chunk_count"');
const chunkClaimed = dynamoDbCall('UpdateItem', ':lease');
const chunkCounted = dynamoDbCall('UpdateItem', 'ADD chunks_done');
const batchCompleted = dynamoDbCall('TransactWriteItems', ':completed');
const operation = (name: string) => (request: AwsRequest) => request.operation === name;
const joinPart = (batchId: string) => (request: AwsRequest) => request.operation === 'UploadPart' && request.key === `results/${batchId}.jsonl`;

interface CrashPoint {
  name: string;
  /** The request that ends the step, made afresh for the point's batch. */
  at: (batchId: string) => (request: AwsRequest) => boolean;
  when: 'before' | 'after';
}

const CRASH_POINTS: CrashPoint[] = [
  { name: 'mid-planning: the object read, its batch not recorded', at: () => recordCreated, when: 'before' },
  { name: 'after planning: the batch recorded, no chunk queued', at: () => operation('SendMessageBatch'), when: 'before' },
  { name: 'after planning: the chunks queued', at: () => operation('SendMessageBatch'), when: 'after' },
  { name: 'after claiming a chunk', at: () => chunkClaimed, when: 'after' },
  { name: 'mid-chunk: before its 10th score write', at: () => nth(10, operation('BatchWriteItem')), when: 'before' },
  { name: 'a chunk scored and its parts written, not yet counted', at: () => chunkCounted, when: 'before' },
  { name: 'after finishing a chunk, others still open', at: () => chunkCounted, when: 'after' },
  { name: 'after finishing the last chunk, nothing joined', at: () => nth(CHUNKS, chunkCounted), when: 'after' },
  { name: 'mid-join: a part uploaded', at: joinPart, when: 'after' },
  { name: 'mid-join: the results joined, the errors not', at: () => operation('CompleteMultipartUpload'), when: 'after' },
  { name: 'after the join, before completion', at: () => batchCompleted, when: 'before' },
  { name: 'after completion, before deleting the parts', at: () => operation('DeleteObjects'), when: 'before' },
];

const EVERY_FAULT = 'every fault at once (dynamodb, s3, sqs 0.05 per call, crash 0.05 per invocation)';

describe('the batch pipeline killed at each step, then redelivered', () => {
  const crashes = new Map<string, ReturnType<typeof crashOnce>>();
  const outcomes = new Map<string, Outcome>();
  /** Requests of the every-fault batch answered with a fault instead of the emulator's answer. */
  let injected = 0;
  let counted = 0;
  let parked = 0;

  beforeAll(async () => {
    const runs = createBatchRunStore({ client: documents, tableName: TABLE_NAME, retentionDays: 1 });
    const store = createStore({ client: documents, tableName: TABLE_NAME, retentionDays: 1 });
    const countedBefore = await store.companiesScored();
    const names = ['baseline', ...CRASH_POINTS.map((point) => point.name), EVERY_FAULT];
    const batchIds = new Map(names.map((name, i) => [name, batchIdFor({ bucket: batch.bucket, key: `incoming/dev/run-${i}.jsonl`, etag })]));
    for (const point of CRASH_POINTS) {
      const batchId = batchIds.get(point.name)!;
      const crash = crashOnce(point.at(batchId), point.when);
      crashes.set(point.name, crash);
      faultsOf.set(batchId, crash);
    }
    const everyFault = randomFaults({ dynamodb: 0.05, s3: 0.05, sqs: 0.05, crash: 0.05 });
    faultsOf.set(batchIds.get(EVERY_FAULT)!, {
      invocation() {
        const faults = everyFault.invocation();
        return {
          ...faults,
          judge(request) {
            const verdict = faults.judge(request);
            if (verdict.action !== 'forward') injected += 1;
            return verdict;
          },
        };
      },
    });
    for (const i of names.keys()) {
      const uploaded = await s3.send(new PutObjectCommand({ Bucket: batch.bucket, Key: `incoming/dev/run-${i}.jsonl`, Body: body }));
      expect(uploaded.ETag).toBe(`"${etag}"`);
    }
    // Every batch ends, then every message still out (a redelivery waiting out its lease) is done.
    for (const batchId of batchIds.values()) {
      await untilNoneParked(async () => {
        const record = await runs.get(batchId);
        return record?.status === 'completed' || record?.status === 'failed' ? true : undefined;
      }, runs);
    }
    await untilNoneParked(async () => ((await messagesIn(batch.resources.queueUrl)) === 0 ? true : undefined), runs);
    for (const [name, batchId] of batchIds) {
      const run = (await runs.get(batchId))!;
      outcomes.set(name, {
        run,
        results: await read(run.results_key),
        errors: await read(run.errors_key),
        items: await countBatchItems(documents, TABLE_NAME, batchId),
        parts: [...(await keysUnder(`results/${batchId}/`)), ...(await keysUnder(`errors/${batchId}/`))],
      });
    }
    counted = (await store.companiesScored()) - countedBefore;
    parked = await messagesIn(batch.resources.deadLetterQueueUrl);
  }, 900_000);

  function expectNothingLost(name: string): void {
    const outcome = outcomes.get(name)!;
    const baseline = outcomes.get('baseline')!;
    expect(outcome.run).toMatchObject({ status: 'completed', total: LINES, successful: SCORED, failed: BAD_LINES.length, chunk_count: CHUNKS, chunks_done: CHUNKS });
    expect(outcome.run.total).toBe(outcome.run.successful + outcome.run.failed);
    expect(outcome.items).toBe(SCORED);
    const ids = companyIds(outcome.results);
    expect(ids).toHaveLength(SCORED);
    expect(new Set(ids).size).toBe(SCORED);
    expect(comparable(outcome.results)).toEqual(comparable(baseline.results));
    expect(outcome.errors).toBe(baseline.errors);
    expect(outcome.parts).toEqual([]);
  }

  it('the fault-free run scores every good line once, in order, and reports each bad line', () => {
    const baseline = outcomes.get('baseline')!;
    expect(companyIds(baseline.results)).toEqual(Array.from({ length: LINES }, (_, i) => `crash-${i}`).filter((_, i) => !BAD_LINES.includes(i)));
    const errorLines = baseline.errors
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { line: number }).line);
    expect(errorLines).toEqual(BAD_LINES.map((index) => index + 1));
    expectNothingLost('baseline');
  });

  it.each(CRASH_POINTS.map((point) => point.name))('killed %s: completes, nothing lost or scored twice, outputs as without the crash', (name) => {
    expect(crashes.get(name)!.crashed()).toBe(true);
    expectNothingLost(name);
  });

  it(`with ${EVERY_FAULT}: completes, nothing lost or scored twice, outputs as without faults`, () => {
    expect(injected).toBeGreaterThan(0);
    expectNothingLost(EVERY_FAULT);
  });

  it('every batch is counted once in the service-wide total, and no message ended in the dead-letter queue', () => {
    expect(counted).toBe(outcomes.size * SCORED);
    expect(parked).toBe(0);
  });
});
