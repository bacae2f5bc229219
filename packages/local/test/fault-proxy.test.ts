import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsRequest } from '../src/aws-request.js';
import { LOCAL_AWS, startDynamoDbLocal, type DynamoDbLocal } from '../src/dynamodb-local.js';
import { ensureBatchResources, startFauxqsServer, type BatchResources, type Fauxqs } from '../src/fauxqs.js';
import { FORWARD, startFaultProxy, type FaultProxy, type Verdict } from '../src/fault-proxy.js';
import { randomFaults } from '../src/fault-policy.js';
import { ensureScoreTable } from '../src/score-table.js';
import { useEmulatorCredentials } from './support/emulators.js';

/** The proxy between real SDK clients and the real emulators: each fault as the SDK meets it. */

const TABLE = 'fault-proxy-test';
let dynamoDb: DynamoDbLocal;
let fauxqs: Fauxqs;
let resources: BatchResources;
let proxy: FaultProxy;
let judge: (request: AwsRequest) => Verdict = () => FORWARD;
let kills = 0;
let documents: DynamoDBDocumentClient;
let s3: S3Client;
let sqs: SQSClient;

beforeAll(async () => {
  useEmulatorCredentials();
  [dynamoDb, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqsServer()]);
  await ensureScoreTable(dynamoDb.endpoint, TABLE);
  resources = await ensureBatchResources(fauxqs.endpoint, { bucket: 'faults', queue: 'faults', deadLetterQueue: 'faults-dlq', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
  proxy = await startFaultProxy({
    targets: { dynamodb: dynamoDb.endpoint, s3: fauxqs.endpoint, sqs: fauxqs.endpoint },
    judge: (request) => judge(request),
    kill: () => (kills += 1),
  });
  // One attempt each, and quick retries where a test wants them, so each verdict shows as the SDK reports it.
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint: proxy.endpoints.dynamodb, maxAttempts: 3 }));
  s3 = new S3Client({ ...LOCAL_AWS, endpoint: proxy.endpoints.s3, forcePathStyle: true, maxAttempts: 3 });
  sqs = new SQSClient({ ...LOCAL_AWS, endpoint: proxy.endpoints.sqs, maxAttempts: 3 });
});

afterAll(async () => {
  documents?.destroy();
  s3?.destroy();
  sqs?.destroy();
  await proxy?.close();
  await Promise.all([dynamoDb?.stop(), fauxqs?.stop()]);
});

/** Fails the first `times` requests of an operation with a verdict, then forwards. */
function first(operation: string, verdict: Verdict, times = 1): void {
  let left = times;
  judge = (request) => (request.operation === operation && left-- > 0 ? verdict : FORWARD);
}

const key = (id: string) => ({ pk: `FAULT#${id}`, sk: 'item' });
const seenCount = (operation: string) => proxy.seen.filter((request) => request.operation === operation).length;

describe('the fault proxy', () => {
  it('forwards untouched when nothing is injected', async () => {
    judge = () => FORWARD;
    await documents.send(new PutCommand({ TableName: TABLE, Item: { ...key('plain'), value: 1 } }));
    expect((await documents.send(new GetCommand({ TableName: TABLE, Key: key('plain') }))).Item).toMatchObject({ value: 1 });
  });

  it('throttles DynamoDB as AWS does, and the SDK retries it through', async () => {
    const before = seenCount('GetItem');
    first('GetItem', { action: 'fail', fault: 'throttle' });
    expect((await documents.send(new GetCommand({ TableName: TABLE, Key: key('plain') }))).Item).toMatchObject({ value: 1 });
    expect(seenCount('GetItem') - before).toBe(2);
  });

  it('answers a transaction with TransactionConflict, which the SDK does not retry, and applies nothing', async () => {
    first('TransactWriteItems', { action: 'fail', fault: 'conflict' });
    const error = await documents
      .send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: TABLE, Item: { ...key('tx'), value: 1 } } }, { Put: { TableName: TABLE, Item: { ...key('tx2'), value: 2 } } }] }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((reason) => reason.Code)).toEqual(['TransactionConflict', 'None']);
    expect((await documents.send(new GetCommand({ TableName: TABLE, Key: key('tx') }))).Item).toBeUndefined();
  });

  it('answers a plain write with TransactionConflictException', async () => {
    first('PutItem', { action: 'fail', fault: 'conflict' }, 3);
    await expect(documents.send(new PutCommand({ TableName: TABLE, Item: { ...key('c'), value: 1 } }))).rejects.toMatchObject({ name: 'TransactionConflictException' });
  });

  it('loses the answer of a write the table applied: the caller sees a failure, the item is there', async () => {
    first('PutItem', { action: 'lose-answer' }, 3);
    await expect(documents.send(new PutCommand({ TableName: TABLE, Item: { ...key('lost'), value: 9 } }))).rejects.toThrow();
    judge = () => FORWARD;
    expect((await documents.send(new GetCommand({ TableName: TABLE, Key: key('lost') }))).Item).toMatchObject({ value: 9 });
  });

  it('slows S3 down with 503 SlowDown and fails it with 500 InternalError, both retried by the SDK', async () => {
    first('PutObject', { action: 'fail', fault: 'throttle' });
    await s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'a', Body: 'one' }));
    first('GetObject', { action: 'fail', fault: 'server-error' });
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'a' }))).Body?.transformToString()).toBe('one');
  });

  it('throttles SQS and drops its connections, both retried by the SDK', async () => {
    first('SendMessage', { action: 'fail', fault: 'throttle' });
    await sqs.send(new SendMessageCommand({ QueueUrl: resources.queueUrl, MessageBody: 'throttled once' }));
    first('ReceiveMessage', { action: 'fail', fault: 'reset' });
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: resources.queueUrl, WaitTimeSeconds: 1 }));
    expect(received.Messages?.map((message) => message.Body)).toEqual(['throttled once']);
  });

  it('kills the sender before the request leaves it: the kill is called and the emulator never sees it', async () => {
    const killsBefore = kills;
    first('PutItem', { action: 'kill', when: 'before' }, 3);
    await expect(documents.send(new PutCommand({ TableName: TABLE, Item: { ...key('killed'), value: 1 } }))).rejects.toThrow();
    expect(kills - killsBefore).toBe(3);
    judge = () => FORWARD;
    expect((await documents.send(new GetCommand({ TableName: TABLE, Key: key('killed') }))).Item).toBeUndefined();
  });
});

describe('random faults', () => {
  it('fail about the share asked for, of every kind, and kill the doomed invocations once each', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const faults = randomFaults({ dynamodb: 0.1, s3: 0, sqs: 0, crash: 0.5 }, random);
    const verdicts: Verdict[] = [];
    let doomed = 0;
    for (let i = 0; i < 400; i += 1) {
      const invocation = faults.invocation();
      if (invocation.crashBeforeAnswer) doomed += 1;
      for (let r = 0; r < 50; r += 1) verdicts.push(invocation.judge({ service: r % 2 ? 'dynamodb' : 's3', operation: r % 4 === 1 ? 'PutItem' : 'GetItem' }));
    }
    const count = (test: (verdict: Verdict) => boolean) => verdicts.filter(test).length;
    expect(count((verdict) => verdict.action === 'kill')).toBe(doomed);
    expect(doomed).toBeGreaterThan(150);
    expect(doomed).toBeLessThan(250);
    const failures = count((verdict) => verdict.action === 'fail' || verdict.action === 'lose-answer');
    expect(failures / (400 * 25)).toBeGreaterThan(0.08);
    expect(failures / (400 * 25)).toBeLessThan(0.12);
    for (const fault of ['throttle', 'server-error', 'reset', 'conflict']) expect(count((verdict) => verdict.action === 'fail' && verdict.fault === fault)).toBeGreaterThan(0);
    expect(count((verdict) => verdict.action === 'lose-answer')).toBeGreaterThan(0);
  });
});
