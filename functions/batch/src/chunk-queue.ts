import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ChunkMessage } from './messages.js';
import type { EnqueueChunks } from './pipeline.js';

/** SQS's limit of messages in one SendMessageBatch call. */
const SEND_BATCH_LIMIT = 10;

/**
 * Chunk messages go to the function's own queue, so chunks are scored by parallel invocations under
 * the same retry and dead-letter rules as S3 events. A partial failure fails the whole call: the
 * event is retried and sends every open chunk again, which chunk leases make harmless.
 */
export function sqsChunkQueue(sqs: SQSClient, queueUrl: string): EnqueueChunks {
  return async (messages: ChunkMessage[]) => {
    for (let start = 0; start < messages.length; start += SEND_BATCH_LIMIT) {
      const group = messages.slice(start, start + SEND_BATCH_LIMIT);
      const result = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: group.map((message) => ({ Id: String(message.chunk), MessageBody: JSON.stringify(message) })),
        }),
      );
      const failed = result.Failed ?? [];
      if (failed.length > 0) throw new Error(`${failed.length} chunk messages were not sent: ${failed.map((entry) => `${entry.Id} ${entry.Code}`).join(', ')}`);
    }
  };
}
