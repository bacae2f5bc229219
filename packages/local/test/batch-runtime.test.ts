import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { BatchRuntime } from '../src/batch-runtime.js';
import { sqsClient } from '../src/fauxqs.js';
import { startRuntime, type Runtime } from '../src/runtime.js';
import { companyLines, EXAMPLE_LINES } from './support/companies.js';
import { useEmulatorCredentials } from './support/emulators.js';

/** `pnpm start`'s runtime on free ports, with its inbox and outbox in a temporary folder and failed messages retried at once. */
let runtime: Runtime;
let batch: BatchRuntime;
let sqs: SQSClient;
let folder: string;
const logged: string[] = [];
/** What the outbox held when each line was logged. */
const outboxAtLog = new Map<string, string[]>();

beforeAll(async () => {
  useEmulatorCredentials();
  folder = await mkdtemp(join(tmpdir(), 'echo-ridge-batch-'));
  runtime = await startRuntime({
    port: 0,
    keysFile: join(folder, 'api-keys.json'),
    functionEnv: { LOG_LEVEL: 'SILENT' },
    log: () => undefined,
    batch: {
      inbox: { inboxDir: join(folder, 'inbox'), outboxDir: join(folder, 'outbox') },
      functionEnv: { LOG_LEVEL: 'SILENT' },
      retryAfterSeconds: 0,
      log: (line) => {
        logged.push(line);
        outboxAtLog.set(line, readdirSync(join(folder, 'outbox')));
      },
    },
  });
  batch = runtime.batch;
  sqs = sqsClient(batch.fauxqs.endpoint);
});

afterAll(async () => {
  sqs?.destroy();
  await runtime?.stop();
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

const ids = (lines: readonly string[]) => lines.map((line) => (JSON.parse(line) as { company_id: string }).company_id);

describe('pnpm start: the batch pipeline beside the API', () => {
  it('parks a poison message in the dead-letter queue after three receives, and acknowledges the S3 test event', async () => {
    const { queueUrl, deadLetterQueueUrl } = batch.resources;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: batch.bucket }) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'this is not an S3 event' }));

    const parked = await until(async () => {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: deadLetterQueueUrl, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }));
      return received.Messages?.[0];
    });
    expect(parked.Body).toBe('this is not an S3 event');
    expect(Number(parked.Attributes?.ApproximateReceiveCount)).toBeGreaterThan(3);
    await until(async () => ((await queueCounts(queueUrl)) === 0 ? true : undefined));
  });

  it('turns a file dropped in the inbox into results and errors in the outbox, a summary line, and a batch at GET /batches/{id}', async () => {
    const inbox = batch.inbox!;
    await copyFile(new URL('../../../examples/companies.jsonl', import.meta.url), join(inbox.inboxDir, 'companies.jsonl'));

    const run = await until(() => Promise.resolve(inbox.finished.get('companies.jsonl')));
    expect(run).toMatchObject({ status: 'completed', total: 120, successful: 120, failed: 0 });
    const results = (await readFile(join(inbox.outboxDir, 'companies.results.jsonl'), 'utf8')).trim().split('\n');
    expect(ids(results)).toEqual(ids(EXAMPLE_LINES));
    await expect(readFile(join(inbox.outboxDir, 'companies.errors.jsonl'), 'utf8')).resolves.toBe('');
    expect(logged).toContainEqual(expect.stringMatching(new RegExp(`^inbox/companies\\.jsonl: batch ${run.batch_id} 120 lines, 120 scored, 0 failed in \\d+\\.\\d\\d s$`)));

    const response = await fetch(`${runtime.url}/batches/${run.batch_id}`, { headers: { 'x-api-key': runtime.apiKey.value } });
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toMatchObject({
      batch_id: run.batch_id,
      status: 'completed',
      summary: { total: 120, successful: 120, failed: 0 },
      file: {
        source: { bucket: batch.bucket, key: 'incoming/dev/companies.jsonl', size: (await readFile(join(inbox.inboxDir, 'companies.jsonl'))).length },
        results_key: `results/${run.batch_id}.jsonl`,
        errors_key: `errors/${run.batch_id}.jsonl`,
        chunk_count: 1,
        chunks_done: 1,
        failure_reason: null,
      },
    });
  });

  it('never shows a partial outbox file: each appears whole, both before the summary line', async () => {
    const inbox = batch.inbox!;
    const lines = [...companyLines(6_000, 'whole')];
    lines.splice(3_000, 0, '{"company_id": "cut\n');
    // Every name the outbox shows, read the moment it shows: its line count then.
    const seen: { name: string; lines: number }[] = [];
    const watcher: FSWatcher = watch(inbox.outboxDir, (_event, name) => {
      if (!name || name.startsWith('.') || !name.startsWith('whole.')) return;
      try {
        seen.push({ name, lines: readFileSync(join(inbox.outboxDir, name), 'utf8').split('\n').filter(Boolean).length });
      } catch {
        // Gone again between the event and the read: nothing was shown.
      }
    });
    try {
      await writeFile(join(inbox.inboxDir, 'whole.jsonl'), lines.join(''));
      const run = await until(() => Promise.resolve(inbox.finished.get('whole.jsonl')));
      expect(run).toMatchObject({ status: 'completed', total: 6_001, successful: 6_000, failed: 1 });
    } finally {
      watcher.close();
    }
    expect(seen.length).toBeGreaterThan(0);
    const whole = { 'whole.results.jsonl': 6_000, 'whole.errors.jsonl': 1 } as Record<string, number>;
    for (const shown of seen) expect(shown.lines).toBe(whole[shown.name]);
    const summary = logged.find((line) => line.startsWith('inbox/whole.jsonl:'))!;
    expect(outboxAtLog.get(summary)).toEqual(expect.arrayContaining(['whole.results.jsonl', 'whole.errors.jsonl']));
    expect(readdirSync(inbox.outboxDir).filter((name) => name.includes('.partial'))).toEqual([]);
  });
});
