import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { leasesLapsedAfterMs } from '@echo-ridge/batch';
import { createBatchRunStore, createDocumentClient, type BatchRunStore } from '@echo-ridge/store';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { BATCH_FUNCTION } from './batch-function.js';
import { LOCAL_AWS } from './dynamodb-local.js';
import { ensureBatchResources, s3Client, sqsClient, startFauxqsServer, type BatchResources, type Fauxqs } from './fauxqs.js';
import { startInbox, type Inbox } from './inbox.js';
import { startS3ToSqsBridge } from './s3-sqs-bridge.js';
import type { SandboxFaults } from './fault-policy.js';
import { LOCAL_POWERTOOLS } from './lambda-context.js';
import { createSandboxPool } from './sandbox-pool.js';
import { startSqsPoller } from './sqs-poller.js';
import { SandboxCrashError, startWorkerSandbox } from './worker-sandbox.js';

/** How long a batch sandbox stays warm without work. */
export const BATCH_SANDBOX_IDLE_MS = 60_000;

/** The stack's handler file of the batch function, which each sandbox imports as Lambda does. */
const BATCH_HANDLER_MODULE = createRequire(import.meta.url).resolve('@echo-ridge/batch/handler');

/** The environment the stack gives the batch function, pointed at the emulators. */
export function batchFunctionEnv(target: { dynamoDbEndpoint: string; fauxqsEndpoint: string; tableName: string; queueUrl: string }): Record<string, string> {
  return {
    TABLE_NAME: target.tableName,
    BUCKET_NAME: BATCH_FUNCTION.bucket,
    QUEUE_URL: target.queueUrl,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ENDPOINT_URL_DYNAMODB: target.dynamoDbEndpoint,
    AWS_ENDPOINT_URL_S3: target.fauxqsEndpoint,
    AWS_ENDPOINT_URL_SQS: target.fauxqsEndpoint,
    // Every input goes to the reservoir, so that a file of a few hundred companies is enough for a context refresh.
    SAMPLE_RATE: '1',
    POWERTOOLS_SERVICE_NAME: 'batch',
    ...LOCAL_POWERTOOLS,
  };
}

export interface BatchRuntimeOptions {
  dynamoDbEndpoint: string;
  tableName: string;
  /** Keep fauxqs's queues and objects in this directory; in memory when absent. */
  persistDir?: string;
  /** Watch these folders (relative to the working directory); no inbox without them. */
  inbox?: { inboxDir: string; outboxDir: string };
  /** Added to (or overriding) the function's environment, e.g. a smaller CHUNK_BYTES. */
  functionEnv?: Record<string, string>;
  /** Faults on the batch function's calls and invocations (`--faults`, crash points); none when absent. */
  faults?: SandboxFaults;
  /**
   * See PollerOptions.retryAfterSeconds. Unset, a failed or killed message comes back once the lease of
   * the invocation that had it has lapsed (its deadline and the lease margin), not after the queue's
   * visibility timeout of six function timeouts: the same recovery as on AWS, in minutes rather than
   * half an hour.
   */
  retryAfterSeconds?: number;
  /**
   * The function's timeout, the stack's unless set; the queue's visibility timeout is six times it, as
   * the stack sets it. A test shortens it so that the chunk lease of a killed invocation (its deadline
   * and a margin) runs out in seconds.
   */
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Told how many batch messages the function finished (deleted from the queue), for the queue's metrics. */
  onMessagesDeleted?: (count: number) => void;
}

export interface BatchRuntime {
  fauxqs: Fauxqs;
  resources: BatchResources;
  bucket: string;
  /** The batch function's environment on these emulators. */
  functionEnv: Record<string, string>;
  /** Batch records, as the function writes them. */
  runs: BatchRunStore;
  /** With the `inbox` option: the watcher, and its folders as absolute paths. */
  inbox?: Inbox & { inboxDir: string; outboxDir: string };
  stop(): Promise<void>;
}

/**
 * The batch side of the service on this machine: fauxqs with the stack's bucket, queue and DLQ, the
 * S3→SQS bridge for incoming/*.jsonl, the queue polled into the real batch handler, and the inbox
 * when asked for.
 * `stop` ends everything it started, in reverse order.
 */
export async function startBatchRuntime(options: BatchRuntimeOptions): Promise<BatchRuntime> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const fauxqs = await startFauxqsServer({ persistDir: options.persistDir });
  const stops: (() => Promise<void>)[] = [() => fauxqs.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const { bucket } = BATCH_FUNCTION;
    const settings = { ...BATCH_FUNCTION, region: LOCAL_AWS.region, timeoutMs: options.timeoutMs ?? BATCH_FUNCTION.timeoutMs };
    const resources = await ensureBatchResources(fauxqs.endpoint, {
      bucket,
      queue: BATCH_FUNCTION.queue,
      deadLetterQueue: BATCH_FUNCTION.deadLetterQueue,
      visibilityTimeoutSeconds: (6 * settings.timeoutMs) / 1000,
      maxReceiveCount: BATCH_FUNCTION.maxReceiveCount,
    });
    const s3 = s3Client(fauxqs.endpoint);
    const sqs = sqsClient(fauxqs.endpoint);
    stops.push(() => {
      s3.destroy();
      sqs.destroy();
      return Promise.resolve();
    });
    const functionEnv = { ...batchFunctionEnv({ dynamoDbEndpoint: options.dynamoDbEndpoint, fauxqsEndpoint: fauxqs.endpoint, tableName: options.tableName, queueUrl: resources.queueUrl }), ...options.functionEnv };
    // Each sandbox is a worker thread, so that a timeout or a crash stops its code as Lambda does.
    const pool = createSandboxPool<SQSEvent, SQSBatchResponse>(
      () =>
        startWorkerSandbox<SQSEvent, SQSBatchResponse>({
          module: BATCH_HANDLER_MODULE,
          exportName: 'handler',
          settings: { functionName: settings.functionName, region: settings.region, memoryLimitInMB: settings.memoryLimitInMB, timeoutMs: settings.timeoutMs },
          env: functionEnv,
          emulators: { dynamodb: options.dynamoDbEndpoint, s3: fauxqs.endpoint, sqs: fauxqs.endpoint },
          faults: options.faults,
        }),
      // Idle a minute, a sandbox is stopped: its heap (a chunk's worth, hundreds of MB) is given back after a large batch.
      { ...settings, diedOf: (error) => error instanceof SandboxCrashError, idleMs: BATCH_SANDBOX_IDLE_MS },
    );
    const poller = startSqsPoller({
      sqs,
      queueUrl: resources.queueUrl,
      queueArn: resources.queueArn,
      region: LOCAL_AWS.region,
      invoke: (event) => pool.invoke(event),
      batchSize: BATCH_FUNCTION.batchSize,
      concurrency: BATCH_FUNCTION.maxConcurrency,
      retryAfterSeconds: options.retryAfterSeconds ?? Math.ceil(leasesLapsedAfterMs(settings.timeoutMs) / 1000) + 1,
      onError: (error) => log(`batch function: ${(error as Error).message}`),
      onDeleted: options.onMessagesDeleted,
    });
    stops.push(() => pool.stop());
    stops.push(() => poller.stop());
    const bridge = startS3ToSqsBridge({
      s3,
      sqs,
      bucket,
      prefix: 'incoming/',
      suffix: '.jsonl',
      queueUrl: resources.queueUrl,
      region: LOCAL_AWS.region,
      onError: (error) => log(`S3 notification bridge: ${(error as Error).message}`),
    });
    stops.push(() => bridge.stop());
    const runs = createBatchRunStore({
      client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: options.dynamoDbEndpoint }),
      tableName: options.tableName,
      retentionDays: 1,
    });
    let inbox: BatchRuntime['inbox'];
    if (options.inbox) {
      const folders = { inboxDir: resolve(options.inbox.inboxDir), outboxDir: resolve(options.inbox.outboxDir) };
      const watcher = await startInbox({ ...folders, s3, bucket, getBatch: (batchId) => runs.get(batchId), log });
      stops.push(() => watcher.stop());
      inbox = Object.assign(watcher, folders);
    }
    return { fauxqs, resources, bucket, functionEnv, runs, inbox, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
