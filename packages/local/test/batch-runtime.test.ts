import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startDynamoDbLocal, type DynamoDbLocal } from '../src/dynamodb-local.js';
import { sqsClient } from '../src/fauxqs.js';
import { startBatchRuntime, type BatchRuntime } from '../src/batch-runtime.js';
import { ensureScoreTable } from '../src/score-table.js';
import { EXAMPLE_LINES } from './support/companies.js';
import { TABLE_NAME, useEmulatorCredentials } from './support/emulators.js';

let dynamoDb: DynamoDbLocal;
let runtime: BatchRuntime;
let sqs: SQSClient;
let folder: string;
const logged: string[] = [];

beforeAll(async () => {
  useEmulatorCredentials();
  folder = await mkdtemp(join(tmpdir(), 'echo-ridge-batch-'));
  dynamoDb = await startDynamoDbLocal();
  await ensureScoreTable(dynamoDb.endpoint, TABLE_NAME);
  runtime = await startBatchRuntime({
    dynamoDbEndpoint: dynamoDb.endpoint,
    tableName: TABLE_NAME,
    inbox: { inboxDir: join(folder, 'inbox'), outboxDir: join(folder, 'outbox') },
    functionEnv: { LOG_LEVEL: 'WARN' },
    retryAfterSeconds: 0,
    log: (line) => logged.push(line),
  });
  sqs = sqsClient(runtime.fauxqs.endpoint);
});

afterAll(async () => {
  sqs?.destroy();
  await runtime?.stop();
  await dynamoDb?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const queueCounts = async (queueUrl: string) => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
};

describe('the local batch runtime (bridge, poller, inbox)', () => {
  it('parks a poison message in the dead-letter queue after three receives, and acknowledges the S3 test event', async () => {
    const { queueUrl, deadLetterQueueUrl } = runtime.resources;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: runtime.bucket }) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'this is not an S3 event' }));

    const parked = await until(async () => {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: deadLetterQueueUrl, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }));
      return received.Messages?.[0];
    });
    expect(parked.Body).toBe('this is not an S3 event');
    expect(Number(parked.Attributes?.ApproximateReceiveCount)).toBeGreaterThan(3);
    await until(async () => ((await queueCounts(queueUrl)) === 0 ? true : undefined));
  });

  it('turns a file dropped in the inbox into results and errors in the outbox, with a summary line', async () => {
    const inbox = runtime.inbox!;
    await copyFile(new URL('../../../examples/companies.jsonl', import.meta.url), join(inbox.inboxDir, 'companies.jsonl'));

    const run = await until(() => Promise.resolve(inbox.finished.get('companies.jsonl')));
    expect(run).toMatchObject({ status: 'completed', total: 120, successful: 120, failed: 0 });
    const results = (await readFile(join(inbox.outboxDir, 'companies.results.jsonl'), 'utf8')).trim().split('\n');
    expect(results.map((line) => (JSON.parse(line) as { company_id: string }).company_id)).toEqual(
      EXAMPLE_LINES.map((line) => (JSON.parse(line) as { company_id: string }).company_id),
    );
    await expect(readFile(join(inbox.outboxDir, 'companies.errors.jsonl'), 'utf8')).resolves.toBe('');
    expect(logged).toContainEqual(expect.stringMatching(new RegExp(`^inbox/companies\\.jsonl: batch ${run.batch_id} 120 lines, 120 scored, 0 failed in \\d+\\.\\d\\d s$`)));
  });
});
