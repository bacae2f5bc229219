import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startFauxqs } from 'fauxqs';
import { LOCAL_AWS } from './dynamodb-local.js';

/** fauxqs (S3 and SQS in one Node server) in this process. */
export interface Fauxqs {
  endpoint: string;
  stop(): Promise<void>;
}

export interface FauxqsOptions {
  /**
   * Keep queues, messages and objects here across restarts; in memory when absent. Queues go to
   * fauxqs's SQLite file, objects to plain files under `objects/`, so that batch files of hundreds of
   * megabytes do not bloat the database and can be read as they are.
   */
  persistDir?: string;
}

export async function startFauxqsServer(options: FauxqsOptions = {}): Promise<Fauxqs> {
  const persistence = options.persistDir === undefined ? {} : { dataDir: options.persistDir, s3StorageDir: join(options.persistDir, 'objects') };
  if (persistence.s3StorageDir !== undefined) await mkdir(persistence.s3StorageDir, { recursive: true });
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false, defaultRegion: LOCAL_AWS.region, ...persistence });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}

/** Clients for an emulator: path-style S3 (no bucket subdomains on 127.0.0.1), and an SQS client whose endpoint overrides the queue URLs' host. */
export function s3Client(endpoint: string): S3Client {
  return new S3Client({ ...LOCAL_AWS, endpoint, forcePathStyle: true });
}

export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ ...LOCAL_AWS, endpoint });
}

export interface BatchResourceNames {
  bucket: string;
  queue: string;
  deadLetterQueue: string;
  /** The queue's visibility timeout; the stack sets six times the function timeout. */
  visibilityTimeoutSeconds: number;
  /** Deliveries before a message is parked in the dead-letter queue (the stack's MAX_RECEIVE_COUNT). */
  maxReceiveCount: number;
}

export interface BatchResources {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
}

/** Creates the data bucket, the batch queue and its dead-letter queue as the stack defines them (infra/lib/batch.ts). */
export async function ensureBatchResources(endpoint: string, names: BatchResourceNames): Promise<BatchResources> {
  const s3 = s3Client(endpoint);
  const sqs = sqsClient(endpoint);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: names.deadLetterQueue }));
    const dlqArn = await queueArn(sqs, dlq.QueueUrl!);
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: names.queue,
        Attributes: {
          VisibilityTimeout: String(names.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: names.maxReceiveCount }),
        },
      }),
    );
    return { queueUrl: queue.QueueUrl!, queueArn: await queueArn(sqs, queue.QueueUrl!), deadLetterQueueUrl: dlq.QueueUrl! };
  } finally {
    s3.destroy();
    sqs.destroy();
  }
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const result = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = result.Attributes?.QueueArn;
  if (!arn) throw new Error(`the queue ${queueUrl} reports no ARN`);
  return arn;
}
