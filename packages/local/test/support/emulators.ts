import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createBatchRunStore, createDocumentClient, DEV_TENANT, tenantBatchMembers, type BatchRunStore } from '@echo-ridge/store';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createHandler } from '@echo-ridge/batch';
import { LOCAL_AWS, startDynamoDbLocal, type DynamoDbLocal } from '../../src/dynamodb-local.js';
import { ensureBatchResources, s3Client, startFauxqsServer, type BatchResources, type Fauxqs } from '../../src/fauxqs.js';
import { createLambdaContext } from '../../src/lambda-context.js';
import { objectCreatedEvent, sequencerClock } from '../../src/s3-sqs-bridge.js';
import { ensureScoreTable } from '../../src/score-table.js';
import { sqsRecord } from '../../src/sqs-poller.js';
import { BATCH_FUNCTION } from '../../src/batch-function.js';
import { batchFunctionEnv } from '../../src/batch-runtime.js';

/**
 * DynamoDB Local and fauxqs, with the stack's table, bucket and queues, for tests that drive the batch
 * handler directly. `stop` ends both emulators.
 */
export interface BatchEmulators {
  dynamoDb: DynamoDbLocal;
  fauxqs: Fauxqs;
  resources: BatchResources;
  s3: S3Client;
  runs: BatchRunStore;
  tableName: string;
  bucket: string;
  /** The batch function's environment on these emulators. */
  functionEnv(extra?: Record<string, string>): Record<string, string>;
  upload(key: string, body: string | Buffer | Iterable<string>): Promise<{ etag: string; size: number }>;
  readText(key: string): Promise<string>;
  /** Items of a batch in the table's batch index. */
  /** The batch's members indexed under the tenant's gsi1 key (the dev tenant's unless told). */
  countBatchItems(batchId: string, tenant?: string): Promise<number>;
  stop(): Promise<void>;
}

export const TABLE_NAME = 'echo-ridge-scores';

/** The SDK and Powertools read credentials from the environment; emulator ones keep anything from reaching AWS. */
export function useEmulatorCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = LOCAL_AWS.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_AWS.credentials.secretAccessKey;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

export async function startBatchEmulators(): Promise<BatchEmulators> {
  useEmulatorCredentials();
  const [dynamoDb, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqsServer()]);
  await ensureScoreTable(dynamoDb.endpoint, TABLE_NAME);
  const { bucket } = BATCH_FUNCTION;
  const resources = await ensureBatchResources(fauxqs.endpoint, {
    bucket,
    queue: BATCH_FUNCTION.queue,
    deadLetterQueue: BATCH_FUNCTION.deadLetterQueue,
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: BATCH_FUNCTION.maxReceiveCount,
  });
  const s3 = s3Client(fauxqs.endpoint);
  const documents = createDocumentClient({ region: LOCAL_AWS.region, endpoint: dynamoDb.endpoint });
  return {
    dynamoDb,
    fauxqs,
    resources,
    s3,
    runs: createBatchRunStore({ client: documents, tableName: TABLE_NAME, retentionDays: 1 }),
    tableName: TABLE_NAME,
    bucket,
    functionEnv: (extra = {}) => ({
      ...batchFunctionEnv({ dynamoDbEndpoint: dynamoDb.endpoint, fauxqsEndpoint: fauxqs.endpoint, tableName: TABLE_NAME, queueUrl: resources.queueUrl }),
      LOG_LEVEL: 'WARN',
      ...extra,
    }),
    async upload(key, body) {
      const Body = typeof body === 'string' || Buffer.isBuffer(body) ? body : Buffer.from([...body].join(''));
      const result = await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body } }).done();
      return { etag: (result.ETag ?? '').replace(/"/g, ''), size: Buffer.byteLength(Body) };
    },
    async readText(key) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return object.Body!.transformToString('utf8');
    },
    countBatchItems: (batchId, tenant) => countBatchItems(documents, TABLE_NAME, batchId, tenant),
    async stop() {
      s3.destroy();
      documents.destroy();
      await Promise.all([dynamoDb.stop(), fauxqs.stop()]);
    },
  };
}

/** Members of a batch in the table's batch index (gsi1): one item per scored line, however often it was written. */
export async function countBatchItems(documents: DynamoDBDocumentClient, tableName: string, batchId: string, tenant: string = DEV_TENANT): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': tenantBatchMembers(tenant, batchId) },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/**
 * A document client for a test's own reads, which are not under test: on a loaded machine it waits for
 * DynamoDB Local instead of giving up at the store client's 2 s, which is meant for the API's budget.
 */
export function patientDocumentClient(endpoint: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 10, requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 } });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export type BatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** An SQS event of the given message bodies, as the event source mapping delivers it. */
export function sqsEvent(emulators: BatchEmulators, bodies: readonly { body: string; messageId?: string }[]): SQSEvent {
  return {
    Records: bodies.map(({ body, messageId = randomUUID() }) =>
      sqsRecord({ MessageId: messageId, ReceiptHandle: randomUUID(), Body: body }, emulators.resources.queueArn, LOCAL_AWS.region),
    ),
  };
}

const nextSequencer = sequencerClock();

/** The event S3 sends for an upload; its sequencer is greater than those of earlier uploads unless given. */
export const objectEvent = (emulators: BatchEmulators, key: string, upload: { etag: string; size: number; sequencer?: string }) =>
  objectCreatedEvent(emulators.bucket, { key, sequencer: nextSequencer(), ...upload }, LOCAL_AWS.region);

export function invoke(handler: BatchHandler, event: SQSEvent, timeoutMs = BATCH_FUNCTION.timeoutMs): Promise<SQSBatchResponse> {
  return handler(event, createLambdaContext({ ...BATCH_FUNCTION, region: LOCAL_AWS.region, timeoutMs }));
}

export const batchHandler = (emulators: BatchEmulators, extra?: Record<string, string>) => createHandler(emulators.functionEnv(extra));
