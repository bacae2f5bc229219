/**
 * The batch pipeline on this machine's emulators (pnpm bench):
 * 1. end to end as a user runs it: a 200,000-line file copied into the inbox, uploaded, announced by
 *    the bridge on SQS, polled into the batch handler (chunked fan-out as on AWS), scored into DynamoDB
 *    Local and results/ on fauxqs, copied back to the outbox: companies/min from the copy until both
 *    outbox files are complete; then the memory the runtime and DynamoDB Local hold after it, and after
 *    a garbage collection; then again with `--faults dynamodb=0.05,s3=0.05,crash=0.05`, its outputs
 *    compared with the fault-free run's;
 * 2. the ceilings: DynamoDB Local alone taking the same 200,000 score items as the batch writes them
 *    (the chunk sandboxes' writers, each with its calls in flight), and the handler alone, the same file
 *    in one invocation without DynamoDB writes;
 * 3. peak RSS of the handler for a 1,000,000-line file as deployed: the event's invocation plans the
 *    chunks, then one warm sandbox takes every chunk message (the worst case for one sandbox).
 * 2 and 3 run the handler bundled by esbuild in a process of its own, as in a Lambda sandbox.
 * Targets: ≥ 150,000 companies/min inbox to outbox, RSS < 256 MB. It prints figures; it asserts nothing.
 * BATCH_BENCH=inbox leaves out the handler alone and the 1,000,000-line file (a quarter of an hour).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, createReadStream, existsSync, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { build } from 'esbuild';
import { batchIdFor, DEFAULT_CHUNK_BYTES } from '@echo-ridge/batch';
import { createScorer, type Company } from '@echo-ridge/engine';
import { createBatchWriter, createDocumentClient, DEV_TENANT, fileBatchScoreItem, type BatchRun, type BatchRunStore } from '@echo-ridge/store';
import { BATCH_FUNCTION } from '../src/batch-function.js';
import { BATCH_SANDBOX_IDLE_MS, startBatchRuntime } from '../src/batch-runtime.js';
import { LOCAL_AWS, startDynamoDbLocal } from '../src/dynamodb-local.js';
import { objectCreatedEvent, sequencerClock } from '../src/s3-sqs-bridge.js';
import { randomFaults } from '../src/fault-policy.js';
import { describeFaults, parseFaultSpec, type FaultSpec } from '../src/fault-spec.js';
import { ensureScoreTable } from '../src/score-table.js';
import { sqsRecord } from '../src/sqs-poller.js';
import { companyLine } from '../test/support/companies.js';
import { startBatchEmulators, TABLE_NAME, useEmulatorCredentials, type BatchEmulators } from '../test/support/emulators.js';

const HANDLER_PROCESS = fileURLToPath(new URL('./batch-handler-process.ts', import.meta.url));
const WEIGHTS = fileURLToPath(new URL('../../../weights.yaml', import.meta.url));

/** The handler process bundled as the stack bundles the function (ESM, minified, AWS SDK inside). */
async function bundleHandlerProcess(outDir: string): Promise<string> {
  const outfile = join(outDir, 'batch-handler-process.mjs');
  await build({
    entryPoints: [HANDLER_PROCESS],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

/** Example companies with fresh ids, one malformed line in a thousand so the error path runs too. */
async function generate(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  let text = '';
  for (let i = 0; i < lines; i += 1) {
    text += i % 1000 === 999 ? '{"company_id": "broken",\n' : `${companyLine(i, 'bench')}\n`;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
}

const perMinute = (count: number, ms: number) => Math.round((count / ms) * 60_000).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function uploadFile(s3: S3Client, bucket: string, key: string, path: string) {
  const result = await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: createReadStream(path) } }).done();
  const etag = (result.ETag ?? '').replace(/"/g, '');
  return { key, etag, size: statSync(path).size, batchId: batchIdFor({ bucket, key, etag }) };
}

async function ended(runs: BatchRunStore, batchId: string): Promise<BatchRun> {
  for (;;) {
    const run = await runs.get(batchId);
    if (run && (run.status === 'completed' || run.status === 'failed')) return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resident memory of a process, from Linux's /proc (the bench runs where the emulators run). */
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

/** Lines of a file, counted without holding it. */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
  return lines;
}

/** A digest of a results file without the two fields that differ between runs of one file, read line by line (it is hundreds of MB). */
async function timelessDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) hash.update(`${line.replace(/"timestamp":"[^"]*","processing_time_ms":[0-9.e-]+/, '')}\n`);
  return hash.digest('hex');
}

/**
 * 1: `pnpm start`'s batch side as a user drives it: the file copied into inbox/, both outbox files
 * awaited; with faults, as `pnpm start --faults` injects them. Resolves to the outbox results' digest.
 */
async function inboxToOutbox(file: string, lines: number, faults?: FaultSpec): Promise<string> {
  const dynamoDb = await startDynamoDbLocal();
  const folders = mkdtempSync(join(tmpdir(), 'echo-ridge-batch-bench-inbox-'));
  try {
    await ensureScoreTable(dynamoDb.endpoint, TABLE_NAME);
    let summary: (line: string) => void = () => undefined;
    const summarised = new Promise<string>((resolve) => (summary = resolve));
    const runtime = await startBatchRuntime({
      dynamoDbEndpoint: dynamoDb.endpoint,
      tableName: TABLE_NAME,
      functionEnv: { LOG_LEVEL: 'WARN' },
      ...(faults && { faults: randomFaults(faults) }),
      inbox: { inboxDir: join(folders, 'inbox'), outboxDir: join(folders, 'outbox') },
      log: (line) => (line.startsWith('inbox/bench.jsonl:') ? summary(line) : console.log(`    runtime: ${line}`)),
    });
    try {
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      copyFileSync(file, join(folders, 'inbox', 'bench.jsonl'));
      const line = await summarised;
      const elapsed = performance.now() - started;
      if (!existsSync(join(folders, 'outbox', 'bench.results.jsonl'))) throw new Error(`the inbox did not deliver the batch: ${line}`);
      const [results, errors] = await Promise.all(['bench.results.jsonl', 'bench.errors.jsonl'].map((name) => countLines(join(folders, 'outbox', name))));
      console.log(
        `  inbox → outbox (copy into inbox/ → upload → bridge → SQS → chunk sandboxes → DynamoDB Local + results/ → both outbox files whole)${faults ? ` with faults (${describeFaults(faults)})` : ''}, ${lines.toLocaleString('en-US')} lines in ${(elapsed / 1000).toFixed(1)} s: ${perMinute(lines, elapsed)} companies/min; load average ${loadavg()[0]!.toFixed(1)}`,
      );
      console.log(`    ${line.trim()}; outbox: ${results!.toLocaleString('en-US')} results + ${errors!.toLocaleString('en-US')} errors`);
      const after = { runtime: process.memoryUsage(), dynamoDb: rssOf(dynamoDb.pid) };
      // The chunk sandboxes are worker threads of this process: their heaps count in its RSS until the
      // pool lets them go. A collection shows what the runtime itself still holds.
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      gc();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      gc();
      const settled = process.memoryUsage();
      // Idle sandboxes are stopped after BATCH_SANDBOX_IDLE_MS, as Lambda reclaims them: their heaps go with them.
      await new Promise((resolve) => setTimeout(resolve, BATCH_SANDBOX_IDLE_MS + 5_000));
      gc();
      const idle = process.memoryUsage();
      console.log(
        `    memory: runtime RSS ${mb(rssBefore)} before, ${mb(after.runtime.rss)} after (heap ${mb(after.runtime.heapUsed)}), ${mb(settled.rss)} after a collection (heap ${mb(settled.heapUsed)}), ${mb(idle.rss)} once the idle sandboxes were stopped (${BATCH_SANDBOX_IDLE_MS / 1000} s); DynamoDB Local RSS ${mb(after.dynamoDb)} (its in-memory table holds the scores)`,
      );
      return await timelessDigest(join(folders, 'outbox', 'bench.results.jsonl'));
    } finally {
      await runtime.stop();
    }
  } finally {
    await dynamoDb.stop();
    rmSync(folders, { recursive: true, force: true });
  }
}

/**
 * 2a: what DynamoDB Local alone absorbs: the file's score items written as the chunk sandboxes write
 * them, one batch writer per chunk (the runtime runs up to its concurrency of chunks at once), each
 * with the writer's default calls in flight.
 */
async function dynamoDbAlone(lines: number, writers: number): Promise<void> {
  const dynamoDb = await startDynamoDbLocal();
  const client = createDocumentClient({ region: LOCAL_AWS.region, endpoint: dynamoDb.endpoint });
  try {
    await ensureScoreTable(dynamoDb.endpoint, TABLE_NAME);
    const table = { client, tableName: TABLE_NAME, expiresAt: () => Math.floor(Date.now() / 1000) + 86_400 };
    const scorer = createScorer();
    const storedAt = new Date().toISOString();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const writer = createBatchWriter(table);
        for (let line = 1 + w; line <= lines; line += writers) {
          const payload = scorer.score(JSON.parse(companyLine(line, 'alone')) as Company);
          await writer.add(fileBatchScoreItem(table, { tenant: DEV_TENANT, batchId: 'bench-alone', storedAt, upload: { uploadedAt: storedAt, sequencer: '1' }, member: line, payload }));
        }
        await writer.flush();
      }),
    );
    const elapsed = performance.now() - started;
    console.log(
      `  DynamoDB Local alone: ${lines.toLocaleString('en-US')} score items by ${writers} batch writers (BatchWriteItem, 25 items a call, 8 calls in flight each): ${(elapsed / 1000).toFixed(1)} s: ${perMinute(lines, elapsed)} items/min, DynamoDB Local RSS ${mb(rssOf(dynamoDb.pid))}`,
    );
  } finally {
    client.destroy();
    await dynamoDb.stop();
  }
}

const nextSequencer = sequencerClock();

/** A sandbox process handling an object's event (and, with DRAIN_QUEUE, the chunk messages it queues). */
async function invokeInProcess(bundle: string, emulators: BatchEmulators, object: { key: string; etag: string; size: number }, env: Record<string, string>) {
  const body = objectCreatedEvent(emulators.bucket, { ...object, sequencer: nextSequencer() }, 'us-east-1');
  const event = { Records: [sqsRecord({ MessageId: `bench-${object.key}`, ReceiptHandle: 'bench', Body: body }, emulators.resources.queueArn, 'us-east-1')] };
  const child = spawn(process.execPath, [bundle], {
    env: { ...process.env, ...emulators.functionEnv({ WEIGHTS_CONFIG_PATH: WEIGHTS, SQS_EVENT: JSON.stringify(event), ...env }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the handler process exited with ${code}`);
  return JSON.parse(output.trim().split('\n').at(-1)!) as { ms: number; peakRssMb: number };
}

/** 2 and 3: the handler alone, without the bridge and poller, so nothing else picks the object up. */
async function handlerAlone(file200k: string, file1m: string, bundle: string): Promise<void> {
  const emulators = await startBatchEmulators();
  try {
    const ceiling = await uploadFile(emulators.s3, emulators.bucket, 'incoming/dev/bench-200k.jsonl', file200k);
    const alone = await invokeInProcess(bundle, emulators, ceiling, { CHUNK_BYTES: String(ceiling.size + 1), NO_TABLE_WRITES: '1' });
    const aloneRun = await ended(emulators.runs, ceiling.batchId);
    console.log(
      `  handler without DynamoDB writes (one invocation, S3 in and out), 200,000 lines: ${(alone.ms / 1000).toFixed(1)} s: ${perMinute(aloneRun.successful, alone.ms)} companies/min, peak RSS ${alone.peakRssMb.toFixed(0)} MB`,
    );

    const large = await uploadFile(emulators.s3, emulators.bucket, 'incoming/dev/bench-1m.jsonl', file1m);
    const big = await invokeInProcess(bundle, emulators, large, { DRAIN_QUEUE: '1' });
    const bigRun = await ended(emulators.runs, large.batchId);
    console.log(
      `  1,000,000 lines (${mb(large.size)}) as deployed: planned, then ${bigRun.chunk_count} chunks one after another in one warm sandbox, DynamoDB writes included: ${(big.ms / 1000).toFixed(1)} s (${perMinute(bigRun.successful, big.ms)} companies/min), peak RSS of the sandbox process ${big.peakRssMb.toFixed(0)} MB`,
    );
  } finally {
    await emulators.stop();
  }
}

async function main() {
  useEmulatorCredentials();
  const work = mkdtempSync(join(tmpdir(), 'echo-ridge-batch-bench-files-'));
  try {
    const file200k = join(work, 'companies-200k.jsonl');
    await generate(file200k, 200_000);
    console.log(`batch bench (a file of ${mb(statSync(file200k).size)}, ${Math.ceil(statSync(file200k).size / DEFAULT_CHUNK_BYTES)} chunks of ${mb(DEFAULT_CHUNK_BYTES)}):`);
    const clean = await inboxToOutbox(file200k, 200_000);
    const faulty = await inboxToOutbox(file200k, 200_000, parseFaultSpec('dynamodb=0.05,s3=0.05,crash=0.05'));
    console.log(`    results with faults ${faulty === clean ? 'equal' : 'DIFFER FROM'} the fault-free run's, timestamps aside`);
    await dynamoDbAlone(200_000, BATCH_FUNCTION.maxConcurrency);
    if (process.env.BATCH_BENCH === 'inbox') return;
    const file1m = join(work, 'companies-1m.jsonl');
    await generate(file1m, 1_000_000);
    await handlerAlone(file200k, file1m, await bundleHandlerProcess(work));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
