import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchIdFor } from '@echo-ridge/batch';
import { createBatchRunStore, createDocumentClient, DEV_TENANT, inputKey } from '@echo-ridge/store';
import { LOCAL_AWS } from '../src/dynamodb-local.js';
import { FORWARD, startFaultProxy, type FaultProxy } from '../src/fault-proxy.js';
import { startInbox, type Inbox } from '../src/inbox.js';
import { startBatchEmulators, type BatchEmulators } from './support/emulators.js';

/**
 * The inbox waits out a table that does not answer for a while: its reads of the batch go through a
 * proxy that drops the connection of the first reads, on the wire, as an overloaded DynamoDB Local does.
 */

/** Two of the inbox's reads fail: each is the SDK's three attempts, every one of them dropped. */
const DROPPED_READS = 6;

let emulators: BatchEmulators;
let proxy: FaultProxy;
let folder: string;
let inbox: Inbox;
const logged: string[] = [];
let dropped = 0;

beforeAll(async () => {
  emulators = await startBatchEmulators();
  const endpoints = { dynamodb: emulators.dynamoDb.endpoint, s3: emulators.fauxqs.endpoint, sqs: emulators.fauxqs.endpoint };
  proxy = await startFaultProxy({
    targets: endpoints,
    judge: (request) => (request.operation === 'GetItem' && dropped < DROPPED_READS ? ((dropped += 1), { action: 'fail', fault: 'reset' }) : FORWARD),
  });
  const runs = createBatchRunStore({ client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: proxy.endpoints.dynamodb }), tableName: emulators.tableName, retentionDays: 1 });
  folder = mkdtempSync(join(tmpdir(), 'echo-ridge-inbox-test-'));
  inbox = await startInbox({
    inboxDir: join(folder, 'inbox'),
    outboxDir: join(folder, 'outbox'),
    s3: emulators.s3,
    bucket: emulators.bucket,
    getBatch: (batchId) => runs.get(batchId),
    log: (line) => logged.push(line),
    intervalMs: 50,
  });
}, 120_000);

afterAll(async () => {
  await inbox?.stop();
  await proxy?.close();
  await emulators?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('the inbox', () => {
  it('keeps asking for a batch whose reads fail for a while, says so once, and delivers its outbox when it has ended', async () => {
    const body = '{"company_id": "inbox-1"}\n';
    // The batch the pipeline would make of the upload, ended at once (a failed batch has no outputs): nothing else runs here.
    const batchId = batchIdFor({ bucket: emulators.bucket, key: inputKey(DEV_TENANT, 'slow-table'), etag: createHash('md5').update(body).digest('hex') });
    await emulators.runs.create({
      batch_id: batchId,
      tenant: DEV_TENANT,
      source: { bucket: emulators.bucket, key: inputKey(DEV_TENANT, 'slow-table'), etag: batchId, size: body.length },
      chunks: [],
      failure_reason: 'ended for the test',
      context_version: 'bundled',
      results_key: `results/${batchId}.jsonl`,
      errors_key: `errors/${batchId}.jsonl`,
    });
    await writeFile(join(folder, 'inbox', 'slow-table.jsonl'), body);

    for (let waited = 0; !inbox.finished.has('slow-table.jsonl'); waited += 100) {
      if (waited > 60_000) throw new Error(`the inbox never delivered the batch; it said: ${JSON.stringify(logged)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(dropped).toBe(DROPPED_READS);
    expect(logged.filter((line) => line.includes('could not be read'))).toEqual([expect.stringMatching(new RegExp(`^inbox/slow-table\\.jsonl: batch ${batchId} could not be read \\(.+\\); asking again$`))]);
    expect(logged).toContainEqual(`inbox/slow-table.jsonl: batch ${batchId} FAILED (ended for the test); 0 lines, 0 scored, 0 failed in 0.00 s`);
    await expect(readFile(join(folder, 'outbox', 'slow-table.results.jsonl'), 'utf8')).resolves.toBe('');
  });
});
