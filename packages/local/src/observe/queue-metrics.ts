import * as v from 'valibot';
import type { MetricCollector } from './metric-collector.js';

const InspectionSchema = v.object({
  messages: v.object({
    ready: v.array(v.object({ sentTimestamp: v.number() })),
    delayed: v.array(v.object({ sentTimestamp: v.number() })),
    inflight: v.array(v.object({ message: v.object({ sentTimestamp: v.number() }) })),
  }),
});

/**
 * The SQS metrics CloudWatch publishes for a queue, sampled from fauxqs's non-destructive inspection
 * endpoint (a ReceiveMessage would count as a receive and move messages toward the DLQ): messages
 * visible, in flight, delayed, and the age of the oldest message in seconds, from the messages'
 * SentTimestamp as SQS computes ApproximateAgeOfOldestMessage.
 */
export async function sampleQueue(collector: MetricCollector, fauxqsEndpoint: string, queueName: string): Promise<void> {
  const response = await fetch(`${fauxqsEndpoint}/_fauxqs/queues/${encodeURIComponent(queueName)}`);
  if (!response.ok) throw new Error(`fauxqs could not describe ${queueName}: HTTP ${response.status}`);
  const { messages } = v.parse(InspectionSchema, await response.json());
  const dimensions = { QueueName: queueName };
  const sent = [...messages.ready.map((m) => m.sentTimestamp), ...messages.inflight.map((m) => m.message.sentTimestamp)];
  collector.put('AWS/SQS', 'ApproximateNumberOfMessagesVisible', dimensions, messages.ready.length, 'Count');
  collector.put('AWS/SQS', 'ApproximateNumberOfMessagesNotVisible', dimensions, messages.inflight.length, 'Count');
  collector.put('AWS/SQS', 'ApproximateNumberOfMessagesDelayed', dimensions, messages.delayed.length, 'Count');
  collector.put('AWS/SQS', 'ApproximateAgeOfOldestMessage', dimensions, sent.length === 0 ? 0 : Math.max(0, (Date.now() - Math.min(...sent)) / 1000), 'Seconds');
}

/** NumberOfMessagesDeleted, told by the queue poller as the batch function finishes messages. */
export function recordDeleted(collector: MetricCollector, queueName: string, count: number): void {
  collector.put('AWS/SQS', 'NumberOfMessagesDeleted', { QueueName: queueName }, count, 'Count');
}
