import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { loadWeights } from '@echo-ridge/engine';
import { createBatchRunStore, createContextSource, createContextStore, createDocumentClient, createSampler, createScorerSource } from '@echo-ridge/store';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { sqsChunkQueue } from './chunk-queue.js';
import { loadConfig, type Env } from './config.js';
import { parseBatchMessage } from './messages.js';
import { createBatchPipeline, type BatchPipelineOptions } from './pipeline.js';
import { inRecordSubsegment } from './record-subsegment.js';

export type BatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Parts of the pipeline a benchmark or a test replaces: the score writer to measure the function
 * without DynamoDB, the run store to make one transition fail the way a fault would.
 */
export type PipelineOverrides = Partial<Pick<BatchPipelineOptions, 'openScoreWriter' | 'runs'>>;

/** Builds the batch handler from an environment: Lambda's (handler.ts), or the local runtime's and tests'. */
export function createHandler(env: Env, overrides: PipelineOverrides = {}): BatchHandler {
  const config = loadConfig(env);
  const logger = new Logger({ serviceName: config.POWERTOOLS_SERVICE_NAME, logLevel: config.LOG_LEVEL, persistentKeys: { component: 'batch' } });
  const metrics = new Metrics({ namespace: config.POWERTOOLS_METRICS_NAMESPACE, serviceName: config.POWERTOOLS_SERVICE_NAME });
  // The only outgoing calls are AWS SDK calls, each captured as a subsegment by its client.
  const tracer = new Tracer({ serviceName: config.POWERTOOLS_SERVICE_NAME, enabled: config.POWERTOOLS_TRACE_ENABLED, captureHTTPsRequests: false });
  const region = config.AWS_REGION;
  const s3 = tracer.captureAWSv3Client(new S3Client({ region, endpoint: config.AWS_ENDPOINT_URL_S3, forcePathStyle: config.AWS_ENDPOINT_URL_S3 !== undefined }));
  const sqs = tracer.captureAWSv3Client(new SQSClient({ region, endpoint: config.AWS_ENDPOINT_URL_SQS }));
  const client = tracer.captureAWSv3Client(createDocumentClient({ region, endpoint: config.AWS_ENDPOINT_URL_DYNAMODB }));
  const table = { client, tableName: config.TABLE_NAME, now: () => new Date() };
  const contexts = createContextSource({
    contexts: createContextStore({ table, s3, bucket: config.BUCKET_NAME }),
    pollMs: config.CONTEXT_POLL_SECONDS * 1000,
    onStale: (error) => logger.warn('planning with the cached normalization context: the current one could not be read', { error: error as Error }),
  });
  const pipeline = createBatchPipeline({
    runs: createBatchRunStore({ ...table, retentionDays: config.RETENTION_DAYS }),
    s3,
    outputBucket: config.BUCKET_NAME,
    enqueueChunks: sqsChunkQueue(sqs, config.QUEUE_URL),
    scoring: createScorerSource(contexts, { weights: loadWeights(config.WEIGHTS_CONFIG_PATH), mask: config.MASK_ON_INFEASIBLE }),
    sampler: createSampler(table, config.SAMPLE_RATE),
    chunkBytes: config.CHUNK_BYTES,
    logger,
    metrics,
    tracer,
    ...overrides,
  });

  async function handleRecord(record: SQSRecord, context: Context): Promise<void> {
    logger.resetKeys();
    logger.appendKeys({ message_id: record.messageId });
    const invocation = { messageId: record.messageId, deadlineMs: Date.now() + context.getRemainingTimeInMillis() };
    await inRecordSubsegment(tracer, record.messageId, async () => {
      const message = parseBatchMessage(record.body);
      if (message.kind === 'test') logger.info('ignoring the S3 test event');
      else if (message.kind === 'chunk') await pipeline.handleChunk({ type: 'batch-chunk', batch_id: message.batchId, chunk: message.chunk }, invocation);
      else for (const object of message.objects) await pipeline.handleObject(object, invocation);
    });
  }

  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse>()
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler((event, context) =>
      // One record at a time: each is minutes of CPU-bound work on about one vCPU, and the log's correlation id is that record's batch.
      processPartialResponse(event, handleRecord, processor, { context, processInParallel: false }),
    );
}
