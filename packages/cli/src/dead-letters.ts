import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { parseBatchMessage } from '@echo-ridge/batch';
import { CliError } from './cli-error.js';

/** Which queues a `dlq` command acts on: a stage's, by the names the stack gives them, or explicit URLs. */
export interface QueueSelection {
  stage?: string | undefined;
  /** The batch queue, where a redrive sends the messages. */
  queueUrl?: string | undefined;
  deadLetterQueueUrl?: string | undefined;
}

/** A message parked in the dead-letter queue, as `dlq list` shows it. */
export interface DeadLetter {
  message_id: string;
  /** Deliveries so far: the batch function's failed attempts, plus one for every earlier look at the DLQ. */
  receive_count: number;
  /** When S3 (or the batch function, for a chunk) sent the message. */
  sent_at: string | null;
  /** The first delivery to the batch function, which is when it first failed. */
  first_failed_at: string | null;
  /** What the message is about, read as the batch function reads it: the S3 object, the chunk, or why it cannot be read. */
  subject: string;
}

export interface Queue {
  url: string;
  arn: string;
  /** ApproximateNumberOfMessages: visible messages, as SQS counts them. */
  messages: number;
}

/** The batch queue or its dead-letter queue, named as infra/lib/batch.ts names them. */
const stackQueueName = (stage: string, queue: 'batch' | 'batch-dlq') => `${stage}-echo-ridge-${queue}`;

/**
 * An SQS client with the SDK's default credentials and region. The SDK reads AWS_ENDPOINT_URL_SQS by
 * itself, but only an endpoint handed to the client also replaces the host of the queue URLs, which
 * an emulator such as fauxqs makes unresolvable.
 */
export function createSqsClient(): SQSClient {
  return new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS });
}

/** Looks up one queue: its URL (given, or by the stage's queue name), ARN and depth. */
export async function resolveQueue(sqs: SQSClient, selection: QueueSelection, queue: 'batch' | 'batch-dlq'): Promise<Queue> {
  const option = queue === 'batch' ? '--queue-url' : '--dlq-url';
  let url = queue === 'batch' ? selection.queueUrl : selection.deadLetterQueueUrl;
  if (url === undefined) {
    if (selection.stage === undefined) throw new CliError(`name the stage (--stage staging|prod) or the queue (${option})`);
    const name = stackQueueName(selection.stage, queue);
    url = (await send(() => sqs.send(new GetQueueUrlCommand({ QueueName: name })), `find the queue ${name}`)).QueueUrl;
    if (url === undefined) throw new CliError(`SQS returned no URL for the queue ${name}`);
  }
  const queueUrl = url;
  const { Attributes = {} } = await send(
    () => sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] })),
    `read the attributes of ${queueUrl}`,
  );
  if (Attributes.QueueArn === undefined) throw new CliError(`the queue ${queueUrl} reports no ARN`);
  return { url: queueUrl, arn: Attributes.QueueArn, messages: Number(Attributes.ApproximateNumberOfMessages ?? 0) };
}

/**
 * Up to `limit` messages of the dead-letter queue, left where they are: each is received with a
 * visibility timeout of 0, so it stays visible to the next look and to a redrive. A look can return
 * a message seen before, so the listing ends at the first look that brings nothing new; SQS samples
 * its servers, so a deep queue may show fewer messages than it holds.
 */
export async function peekDeadLetters(sqs: SQSClient, deadLetterQueue: Queue, limit: number): Promise<DeadLetter[]> {
  const seen = new Map<string, DeadLetter>();
  while (seen.size < limit) {
    const { Messages = [] } = await send(
      () =>
        sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: deadLetterQueue.url,
            MaxNumberOfMessages: Math.min(10, limit - seen.size),
            VisibilityTimeout: 0,
            // Long polling asks every SQS server rather than a sample; it returns as soon as there is a message.
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'SentTimestamp'],
          }),
        ),
      `receive from ${deadLetterQueue.url}`,
    );
    const fresh = Messages.filter((message) => message.MessageId !== undefined && !seen.has(message.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) seen.set(message.MessageId!, deadLetter(message));
  }
  return [...seen.values()];
}

/** Starts an SQS message move task from the dead-letter queue back to the batch queue; returns its task handle. */
export async function redriveDeadLetters(sqs: SQSClient, deadLetterQueue: Queue, queue: Queue, maxPerSecond?: number): Promise<string> {
  const { TaskHandle } = await send(
    () => sqs.send(new StartMessageMoveTaskCommand({ SourceArn: deadLetterQueue.arn, DestinationArn: queue.arn, MaxNumberOfMessagesPerSecond: maxPerSecond })),
    `start moving messages from ${deadLetterQueue.arn} to ${queue.arn}`,
  );
  if (TaskHandle === undefined) throw new CliError('SQS started the move task but returned no task handle');
  return TaskHandle;
}

function deadLetter(message: Message): DeadLetter {
  const attributes = message.Attributes ?? {};
  const time = (epochMs: string | undefined) => (epochMs === undefined ? null : new Date(Number(epochMs)).toISOString());
  return {
    message_id: message.MessageId!,
    receive_count: Number(attributes.ApproximateReceiveCount ?? 0),
    sent_at: time(attributes.SentTimestamp),
    first_failed_at: time(attributes.ApproximateFirstReceiveTimestamp),
    subject: subject(message.Body ?? ''),
  };
}

/** The message as the batch function reads it, so that a poison message shows the reason it fails. */
function subject(body: string): string {
  try {
    const message = parseBatchMessage(body);
    if (message.kind === 'test') return 'S3 test event';
    if (message.kind === 'chunk') return `batch ${message.batchId} chunk ${message.chunk}`;
    return message.objects.map((object) => `s3://${object.bucket}/${object.key}`).join(' ');
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  }
}

/** An SQS call whose refusal (no such queue, no permission, a move task already running) the user can act on. */
async function send<T>(call: () => Promise<T>, what: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SQSServiceException) throw new CliError(`cannot ${what}: ${error.name}: ${error.message}`);
    throw error;
  }
}
