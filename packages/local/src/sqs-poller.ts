import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * What Lambda's SQS event source mapping does, for the local runtime: long-polls the queue, invokes
 * the function with up to `batchSize` records, deletes what succeeded and leaves the reported batch
 * item failures (or the whole batch, when the invocation failed) to come back; the queue's redrive
 * policy parks a message in the dead-letter queue after its last receive.
 */

/** The SQS event record Lambda builds from a received message. */
export function sqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** The messages of a batch that may be deleted: all but the reported failures; none when the invocation failed. */
export function succeeded(records: readonly SQSRecord[], response: SQSBatchResponse | undefined): SQSRecord[] {
  if (!response) return [];
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  return records.filter((record) => !failed.has(record.messageId));
}

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  invoke: (event: SQSEvent) => Promise<SQSBatchResponse>;
  /** The mapping's batch size (at most 10 per receive). */
  batchSize: number;
  /** Invocations in flight at once (the mapping's maximum concurrency). */
  concurrency: number;
  /**
   * When a failed message is received again. Unset, it waits out the queue's visibility timeout as on
   * AWS; the tests shorten it to see retries and the dead-letter queue within seconds.
   */
  retryAfterSeconds?: number;
  onError?: (error: unknown) => void;
  /** Told how many messages each delete removed, for the queue's NumberOfMessagesDeleted. */
  onDeleted?: (count: number) => void;
}

export interface Poller {
  stop(): Promise<void>;
}

const WAIT_SECONDS = 1;

export function startSqsPoller(options: PollerOptions): Poller {
  const { sqs, queueUrl, queueArn, region, invoke, batchSize, concurrency, retryAfterSeconds, onError = () => undefined } = options;
  let running = true;

  async function pollOnce(): Promise<void> {
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: batchSize, WaitTimeSeconds: WAIT_SECONDS, MessageSystemAttributeNames: ['All'] }),
    );
    const records = (received.Messages ?? []).map((message) => sqsRecord(message, queueArn, region));
    if (records.length === 0) return;
    const response = await invoke({ Records: records }).catch((error: unknown) => {
      onError(error);
      return undefined;
    });
    const done = succeeded(records, response);
    if (done.length > 0) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle })) }));
      options.onDeleted?.(done.length);
    }
    const failed = records.filter((record) => !done.includes(record));
    if (failed.length > 0 && retryAfterSeconds !== undefined) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: failed.map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle, VisibilityTimeout: retryAfterSeconds })),
        }),
      );
    }
  }

  async function loop(): Promise<void> {
    while (running) {
      try {
        await pollOnce();
      } catch (error) {
        onError(error);
        await new Promise((resolve) => setTimeout(resolve, WAIT_SECONDS * 1000));
      }
    }
  }

  const loops = Array.from({ length: concurrency }, loop);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
