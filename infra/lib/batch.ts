import { CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { EventType } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RUNBOOK } from './runbook.js';
import { ServiceFunction } from './service-function.js';
import { resourceName, type StageConfig } from './stage.js';
import type { Storage } from './storage.js';

/** How long one batch invocation may run: enough for a chunk of a large file at full memory. */
const BATCH_TIMEOUT = Duration.minutes(5);

/** Deliveries before a message is parked in the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 3;

/** Batch invocations at once: leaves the account's concurrency to the API when a large drop arrives. */
const MAX_CONCURRENCY = 10;

/**
 * The slowest table this function is sized for: a cold on-demand table serves 4,000 write units a
 * second, and a stored score costs 3 (its item, about 2 KB, and its index entry), so about 80,000
 * scores a minute, shared by every batch invocation at once. Throttled writes are retried, so a slower
 * table slows chunks down; this rate keeps them inside the timeout.
 */
const SLOWEST_SCORES_PER_SECOND = 80_000 / 60 / MAX_CONCURRENCY;
/** Bytes of an input line, measured on example companies (16 MiB ≈ 37,000 lines). */
const BYTES_PER_LINE = 450;

/**
 * A chunk is sized to take at most half the timeout at the slowest rate; the other half covers a cold
 * start, retries' backoff and, for the last chunk, the join. 150 s × 133 scores/s × 450 B ≈ 9 MB,
 * rounded down to whole MiB: 8 MiB (functions/batch/README.md, "Chunk size").
 */
export const CHUNK_BYTES = Math.floor(((BATCH_TIMEOUT.toSeconds() / 2) * SLOWEST_SCORES_PER_SECOND * BYTES_PER_LINE) / 2 ** 20) * 2 ** 20;

export interface BatchProps {
  readonly stage: StageConfig;
  readonly storage: Storage;
}

/**
 * Batch scoring: a `.jsonl` file put under incoming/ becomes an S3 event on the batch queue; the batch
 * function reads it, queues chunk messages to itself, and writes results/ and errors/ files. Messages
 * that fail three deliveries are parked in the dead-letter queue.
 */
export class Batch extends Construct {
  readonly handler: ServiceFunction;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: BatchProps) {
    super(scope, id);
    const { stage, storage } = props;

    // SSE-SQS rather than KMS: S3 can only notify an encrypted queue whose key lets S3 in, and the
    // AWS-managed SQS key cannot.
    const queueName = resourceName(stage.name, 'batch');
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: resourceName(stage.name, 'batch-dlq'),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: RUNBOOK.retention.deadLetters,
      // The batch queue alone may park messages here. Its ARN is built from its name, as it refers to this queue.
      redriveAllowPolicy: {
        redrivePermission: RedrivePermission.BY_QUEUE,
        sourceQueues: [Queue.fromQueueArn(this, 'Source', Stack.of(this).formatArn({ service: 'sqs', resource: queueName }))],
      },
    });
    this.queue = new Queue(this, 'Queue', {
      queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda consumers: six function timeouts, so that retries of a throttled
      // batch do not make its messages visible again while they are still being worked on.
      visibilityTimeout: Duration.seconds(6 * BATCH_TIMEOUT.toSeconds()),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    storage.bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue), { prefix: 'incoming/', suffix: '.jsonl' });
    // The notification is configured by CDK's singleton custom resource, which lives at the stack root.
    Validations.of(Stack.of(this)).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "Only CDK's BucketNotificationsHandler, which runs during deployments, uses it; the service functions have roles of their own.",
    });
    this.keepNotificationsHandlerLogs(stage);

    this.handler = new ServiceFunction(this, 'Handler', {
      stage,
      service: 'batch',
      storage,
      description: 'Echo Ridge batch scoring: incoming/*.jsonl to results/ and errors/',
      // Streams the file line by line, so memory holds one chunk, not the file; 1.5 GB is for CPU.
      memorySize: 1536,
      timeout: BATCH_TIMEOUT,
      environment: { QUEUE_URL: this.queue.queueUrl, CHUNK_BYTES: String(CHUNK_BYTES) },
    });
    const fn = this.handler.function;
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        // One message (an S3 event or a chunk) per invocation: each gets the whole timeout, and no
        // message waits unstarted behind another, to come back with a receive counted after a timeout.
        batchSize: 1,
        // One failing message is retried alone instead of redelivering the whole batch.
        reportBatchItemFailures: true,
        maxConcurrency: MAX_CONCURRENCY,
      }),
    );
    this.queue.grantSendMessages(this.handler);
    storage.grantTableReadWrite(this.handler);
    storage.grantObjects(this.handler, 'incoming/', 'read');
    storage.grantObjects(this.handler, 'contexts/', 'read');
    storage.grantListing(this.handler);
    // Large files are scored in chunks whose parts are joined into the final file and then deleted.
    storage.grantObjects(this.handler, 'results/', 'read', 'write', 'delete');
    storage.grantObjects(this.handler, 'errors/', 'read', 'write', 'delete');
  }

  /** The handler's own log group would never expire: it logs to one with the runbook's retention instead. */
  private keepNotificationsHandlerLogs(stage: StageConfig): void {
    const handler = Stack.of(this)
      .node.children.filter((child) => child.node.id.startsWith('BucketNotificationsHandler'))
      .map((child) => child.node.defaultChild);
    const [resource] = handler;
    if (handler.length !== 1 || !(resource instanceof CfnResource)) throw new Error(`expected CDK's one BucketNotificationsHandler function, found ${handler.length}`);
    const logGroup = new LogGroup(this, 'NotificationsHandlerLogs', {
      logGroupName: `/aws/lambda/${resourceName(stage.name, 'bucket-notifications')}`,
      retention: RUNBOOK.logRetention[stage.name],
      removalPolicy: stage.removalPolicy,
    });
    resource.addPropertyOverride('LoggingConfig', { LogGroup: logGroup.logGroupName });
  }
}
