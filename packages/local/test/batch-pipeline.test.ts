import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { batchIdFor, FIRST_SEARCH_BYTES, parseBatchMessage, planChunks } from '@echo-ridge/batch';
import { createDocumentClient, createStore, DEV_TENANT, headObject, readObjectRange } from '@echo-ridge/store';
import { LOCAL_AWS } from '../src/dynamodb-local.js';
import { s3Client, sqsClient } from '../src/fauxqs.js';
import { companyLine, companyLines, EXAMPLE_LINES } from './support/companies.js';
import { countReads } from './support/count-reads.js';
import { batchHandler, invoke, objectEvent, sqsEvent, startBatchEmulators, type BatchEmulators } from './support/emulators.js';

let emulators: BatchEmulators;
let sqs: SQSClient;

beforeAll(async () => {
  emulators = await startBatchEmulators();
  sqs = sqsClient(emulators.fauxqs.endpoint);
});

afterAll(async () => {
  sqs?.destroy();
  await emulators?.stop();
});

const lines = (text: string) => text.split('\n').filter((line) => line !== '');
const ids = (text: string) => lines(text).map((line) => (JSON.parse(line) as { company_id: string }).company_id);

/** Uploads a file to the dev tenant's folder of incoming/ and returns its event body and batch id. */
async function drop(name: string, body: string | Buffer) {
  const key = `incoming/dev/${name}`;
  const uploaded = await emulators.upload(key, body);
  return { key, event: objectEvent(emulators, key, uploaded), batchId: batchIdFor({ bucket: emulators.bucket, key, etag: uploaded.etag }) };
}

describe('the batch handler on fauxqs and DynamoDB Local', () => {
  it('scores a good file into results/, an empty errors/ file, the table and a completed record', async () => {
    const handler = batchHandler(emulators);
    const { event, batchId } = await drop('good.jsonl', `${EXAMPLE_LINES.join('\n')}\n`);

    await expect(invoke(handler, sqsEvent(emulators, [{ body: event }]))).resolves.toEqual({ batchItemFailures: [] });

    const run = await emulators.runs.get(batchId);
    expect(run).toMatchObject({ status: 'completed', total: 120, successful: 120, failed: 0, chunk_count: 1, results_key: `results/${batchId}.jsonl`, errors_key: `errors/${batchId}.jsonl` });
    expect(run?.companies_per_minute).toBeGreaterThan(0);
    // The upload's place among a company's scores: its time, then its place among uploads of its key.
    const record = (JSON.parse(event) as { Records: [{ eventTime: string; s3: { object: { sequencer: string } } }] }).Records[0];
    expect(run?.source).toMatchObject({ sequencer: record.s3.object.sequencer, uploaded_at: record.eventTime });
    expect(Date.parse(run!.started_at!)).toBeLessThanOrEqual(Date.parse(run!.completed_at!));
    expect(Date.parse(run!.started_at!)).toBeGreaterThanOrEqual(Date.parse(run!.created_at));
    expect(ids(await emulators.readText(run!.results_key))).toEqual(EXAMPLE_LINES.map((line) => (JSON.parse(line) as { company_id: string }).company_id));
    await expect(emulators.readText(run!.errors_key)).resolves.toBe('');
    await expect(emulators.countBatchItems(batchId)).resolves.toBe(120);
    // The stored items are ordinary scores: the API's store reads them back.
    const store = createStore({ client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: emulators.dynamoDb.endpoint }), tableName: emulators.tableName, retentionDays: 1 });
    await expect(store.tenant(DEV_TENANT).latestScore('co-11-00007')).resolves.toMatchObject({ batch_id: batchId, batch_index: 7, payload: { company_id: 'co-11-00007' } });
  });

  it('reconciles a mixed file: every bad line becomes an error record with its line number', async () => {
    const handler = batchHandler(emulators);
    const tooLong = `{"company_id":"long","pad":"${'x'.repeat(300 * 1024)}"}`;
    const badUtf8 = Buffer.concat([Buffer.from('{"company_id":"latin'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${companyLine(0, 'mix')}\r\n`), // 1: BOM and CRLF
      Buffer.from('{"company_id": "broken", \n'), // 2: not JSON
      Buffer.from('\n'), // 3: blank, skipped
      Buffer.from(`{"company_id": "no-fields"}\n`), // 4: fails validation
      Buffer.from(`${tooLong}\n`), // 5: over 256 KB
      badUtf8, // 6: invalid UTF-8, past the sniffed head
      Buffer.from(`\n${companyLine(1, 'mix')}`), // 7: last line without a newline
    ]);
    const { event, batchId } = await drop('mixed.jsonl', body);

    await invoke(handler, sqsEvent(emulators, [{ body: event }]));

    const run = await emulators.runs.get(batchId);
    expect(run).toMatchObject({ status: 'completed', total: 6, successful: 2, failed: 4 });
    expect(run!.total).toBe(run!.successful + run!.failed);
    expect(ids(await emulators.readText(run!.results_key))).toEqual(['mix-0', 'mix-1']);
    const errors = lines(await emulators.readText(run!.errors_key)).map((line) => JSON.parse(line) as { line: number; company_id?: string; error: { code: string } });
    expect(errors.map((error) => [error.line, error.company_id, error.error.code])).toEqual([
      [2, undefined, 'INVALID_JSON'],
      [4, 'no-fields', 'VALIDATION_FAILED'],
      [5, undefined, 'LINE_TOO_LONG'],
      [6, undefined, 'INVALID_UTF8'],
    ]);
    await expect(emulators.countBatchItems(batchId)).resolves.toBe(2);
  });

  it('changes nothing when the same event is delivered again, or twice in one batch', async () => {
    const handler = batchHandler(emulators);
    const store = createStore({ client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: emulators.dynamoDb.endpoint }), tableName: emulators.tableName, retentionDays: 1 });
    const { event, batchId } = await drop('twice.jsonl', [...companyLines(50, 'twice')].join(''));
    const countedBefore = await store.companiesScored();

    // Two copies in one delivery: one scores the file, the other finds it taken and is acknowledged.
    await expect(invoke(handler, sqsEvent(emulators, [{ body: event }, { body: event }]))).resolves.toEqual({ batchItemFailures: [] });
    const first = await emulators.runs.get(batchId);
    expect(first).toMatchObject({ status: 'completed', total: 50, successful: 50 });

    await expect(invoke(handler, sqsEvent(emulators, [{ body: event }]))).resolves.toEqual({ batchItemFailures: [] });
    await expect(emulators.runs.get(batchId)).resolves.toEqual(first);
    await expect(emulators.countBatchItems(batchId)).resolves.toBe(50);
    await expect(store.companiesScored()).resolves.toBe(countedBefore + 50);
  });

  it('takes over a batch whose invocation died mid-file and finishes it without losing or repeating a line', async () => {
    const total = 5_000;
    const { event, batchId } = await drop('crash.jsonl', [...companyLines(total, 'crash')].join(''));
    const messageId = 'crash-message';
    const deliveredEvent = JSON.stringify(sqsEvent(emulators, [{ body: event, messageId }]));

    // The first delivery runs in a process of its own, killed once part of the file is in the table.
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/invoke-batch.ts', import.meta.url))], {
      env: { ...process.env, ...emulators.functionEnv(), SQS_EVENT: deliveredEvent, REMAINING_MS: '3000' },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit');
    let stored = 0;
    try {
      while (stored < 300) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        stored = await emulators.countBatchItems(batchId);
        if (child.exitCode !== null) throw new Error('the first invocation ended before it could be killed mid-file');
      }
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const died = await emulators.runs.get(batchId);
    expect(died).toMatchObject({ status: 'running', chunks_done: 0 });
    expect(stored).toBeLessThan(total);

    // The same message comes back once its lease has run out (on AWS after the visibility timeout).
    const lease = died!.leases['0']!;
    expect(lease.owner).toBe(messageId);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lease.until - Date.now() + 100)));
    await expect(invoke(batchHandler(emulators), JSON.parse(deliveredEvent) as SQSEvent)).resolves.toEqual({ batchItemFailures: [] });

    const run = await emulators.runs.get(batchId);
    expect(run).toMatchObject({ status: 'completed', total, successful: total, failed: 0 });
    await expect(emulators.countBatchItems(batchId)).resolves.toBe(total);
    const results = ids(await emulators.readText(run!.results_key));
    expect(results).toEqual(Array.from({ length: total }, (_, i) => `crash-${i}`));
  });

  it('completes an empty file with 0 lines and fails binary and non-UTF-8 files with a reason', async () => {
    const handler = batchHandler(emulators);
    const empty = await drop('empty.jsonl', '');
    const binary = await drop('binary.jsonl', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]));
    const latin1 = await drop('latin1.jsonl', Buffer.from('{"company_id": "caf\xe9"}\n', 'latin1'));

    await invoke(handler, sqsEvent(emulators, [{ body: empty.event }, { body: binary.event }, { body: latin1.event }]));

    await expect(emulators.runs.get(empty.batchId)).resolves.toMatchObject({ status: 'completed', total: 0, successful: 0, failed: 0 });
    await expect(emulators.readText(`results/${empty.batchId}.jsonl`)).resolves.toBe('');
    await expect(emulators.runs.get(binary.batchId)).resolves.toMatchObject({ status: 'failed', failure_reason: expect.stringMatching(/binary/) });
    await expect(emulators.runs.get(latin1.batchId)).resolves.toMatchObject({ status: 'failed', failure_reason: expect.stringMatching(/not UTF-8/) });
  });

  it('fans a large file out into chunks whose awkward boundaries lose and repeat no line', async () => {
    // Multi-byte names, CRLF endings, blank lines and bad lines, so that nominal cuts fall inside
    // lines, on newlines and inside UTF-8 characters.
    const parts: string[] = [];
    for (let i = 0; i < 60; i += 1) {
      const line = companyLine(i, 'chunk').replace('"domain": "', `"domain": "${'é😀'.repeat(i % 7)}`);
      parts.push(i % 11 === 5 ? `{"company_id": "bad-${i}"}` : line, i % 3 === 0 ? '\r\n' : '\n');
      if (i % 13 === 0) parts.push('\n');
    }
    const body = Buffer.from(parts.join(''));
    const readRange = (start: number, end: number) =>
      Promise.resolve(
        (async function* () {
          yield body.subarray(start, end);
          await Promise.resolve();
        })(),
      );
    // The first chunk size around 1.5 KB whose plan has all three kinds of nominal cut.
    const cutKinds = async (chunkBytes: number) => {
      const chunks = await planChunks(body.length, chunkBytes, readRange);
      const cuts = chunks.slice(0, -1).map((_, k) => (k + 1) * chunkBytes);
      return {
        onNewline: cuts.some((at) => body[at - 1] === 0x0a),
        insideCharacter: cuts.some((at) => (body[at]! & 0xc0) === 0x80),
        insideLine: cuts.some((at) => body[at - 1] !== 0x0a && body[at]! < 0x80),
      };
    };
    let chunkBytes = 1_500;
    while (!Object.values(await cutKinds(chunkBytes)).every(Boolean)) chunkBytes += 1;
    expect(chunkBytes).toBeLessThan(2_500);
    const handler = batchHandler(emulators, { CHUNK_BYTES: String(chunkBytes) });
    const { event, batchId } = await drop('chunked.jsonl', body);

    await invoke(handler, sqsEvent(emulators, [{ body: event }]));
    const planned = await emulators.runs.get(batchId);
    expect(planned!.chunk_count).toBeGreaterThan(5);

    // The chunk messages on the queue, run in parallel invocations as Lambda would.
    const messages = [];
    while (messages.length < planned!.chunk_count) {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: emulators.resources.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      messages.push(...(received.Messages ?? []));
    }
    const responses = await Promise.all(messages.map((message) => invoke(batchHandler(emulators, { CHUNK_BYTES: String(chunkBytes) }), sqsEvent(emulators, [{ body: message.Body! }]))));
    expect(responses.flatMap((response) => response.batchItemFailures)).toEqual([]);

    const run = await emulators.runs.get(batchId);
    const expectedIds = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 11 !== 5).map((i) => `chunk-${i}`);
    expect(run).toMatchObject({ status: 'completed', total: 60, successful: expectedIds.length, failed: 60 - expectedIds.length });
    expect(ids(await emulators.readText(run!.results_key))).toEqual(expectedIds);
    const errorsText = await emulators.readText(run!.errors_key);
    const errorLines = lines(errorsText).map((line) => JSON.parse(line) as { line: number; company_id: string });
    expect(errorLines).toHaveLength(60 - expectedIds.length);
    const fileLines = body.toString('utf8').split('\n');
    for (const error of errorLines) expect(fileLines[error.line - 1]).toContain(`"company_id": "${error.company_id}"`);
    await expect(emulators.countBatchItems(batchId)).resolves.toBe(expectedIds.length);

    // Joined outputs are those of the same file scored in one chunk: errors byte for byte, results but
    // for each payload's timestamp and processing time.
    const whole = await drop('chunked-whole.jsonl', body);
    await invoke(batchHandler(emulators), sqsEvent(emulators, [{ body: whole.event }]));
    const wholeRun = await emulators.runs.get(whole.batchId);
    expect(wholeRun).toMatchObject({ status: 'completed', chunk_count: 1 });
    await expect(emulators.readText(wholeRun!.errors_key)).resolves.toBe(errorsText);
    const timeless = (text: string) => text.replace(/"timestamp":"[^"]*","processing_time_ms":[0-9.e-]+/g, '');
    expect(timeless(await emulators.readText(wholeRun!.results_key))).toBe(timeless(await emulators.readText(run!.results_key)));
  });

  it('makes the newest upload of a key the latest score of its companies when the events arrive newest first', async () => {
    const key = 'incoming/dev/uploaded-twice.jsonl';
    const body = [...companyLines(20, 'twice-uploaded')].join('');
    // Two versions of the key, as a versioned bucket announces them. fauxqs keeps no versions, so both
    // batches read the bytes it holds; what differs, and is checked, is which upload S3 says is newer.
    const uploaded = await emulators.upload(key, body);
    const announce = (versionId: string, sequencer: string) => {
      const event = JSON.parse(objectEvent(emulators, key, { ...uploaded, sequencer })) as { Records: [{ s3: { object: Record<string, unknown> } }] };
      event.Records[0].s3.object.versionId = versionId;
      return { body: JSON.stringify(event), batchId: batchIdFor({ bucket: emulators.bucket, key, etag: uploaded.etag, versionId }) };
    };
    const older = announce('version-1', '0055AED6DCD90281E5');
    const newer = announce('version-2', '0055AED6DCD90281F0');

    for (const upload of [newer, older]) await expect(invoke(batchHandler(emulators), sqsEvent(emulators, [{ body: upload.body }]))).resolves.toEqual({ batchItemFailures: [] });

    await expect(emulators.runs.get(older.batchId)).resolves.toMatchObject({ status: 'completed', successful: 20 });
    const store = createStore({ client: createDocumentClient({ region: LOCAL_AWS.region, endpoint: emulators.dynamoDb.endpoint }), tableName: emulators.tableName, retentionDays: 1 }).tenant(DEV_TENANT);
    for (const id of ['twice-uploaded-0', 'twice-uploaded-19']) {
      await expect(store.latestScore(id)).resolves.toMatchObject({ batch_id: newer.batchId });
      const history = await store.scoreHistory(id, { limit: 5 });
      // The history lists uploads newest first too, though the older one was stored last.
      expect(history.items.map((score) => score.batch_id)).toEqual([newer.batchId, older.batchId]);
    }
  });

  it('plans a large object with one small ranged read per chunk edge, not a read of the object', async () => {
    const lineCount = 24_000;
    const { key, event } = await drop('edges.jsonl', [...companyLines(lineCount, 'edge')].join(''));
    const object = parseBatchMessage(event);
    if (object.kind !== 'objects') throw new Error('expected an object event');
    const { etag } = object.objects[0]!;
    const size = (await headObject(emulators.s3, emulators.bucket, key)).size;
    // Every byte S3 sends to a GetObject of this client, counted on the wire's Content-Length.
    const counting = s3Client(emulators.fauxqs.endpoint);
    const reads = countReads(counting);
    try {
      const chunkBytes = 512 * 1024;
      const chunks = await planChunks(size, chunkBytes, (start, end) => readObjectRange(counting, { bucket: emulators.bucket, key, etag }, start, end));
      expect(chunks.length).toBe(Math.ceil(size / chunkBytes));
      const body = Buffer.from(await emulators.readText(key));
      for (const chunk of chunks.slice(0, -1)) {
        const boundary = (chunk.index + 1) * chunkBytes;
        // Each cut is right after the first newline at or beyond its boundary.
        expect(body.indexOf(0x0a, boundary - 1) + 1).toBe(chunk.end);
      }
      expect(reads.gets).toBe(chunks.length - 1);
      expect(reads.bytes).toBe((chunks.length - 1) * FIRST_SEARCH_BYTES);
      expect(reads.bytes).toBeLessThan(size / 100);
    } finally {
      counting.destroy();
    }
  });
});
