/**
 * The batch pipeline on this machine's emulators (pnpm bench):
 * 1. end to end: a 200,000-line file uploaded to incoming/, announced by the bridge on SQS, polled
 *    into the batch handler (chunked fan-out as on AWS), scored into DynamoDB Local and results/ on
 *    fauxqs: companies/min from the end of the upload to the completed batch record;
 * 2. the handler's own ceiling: the same file in one invocation without DynamoDB writes;
 * 3. peak RSS of the handler for a 1,000,000-line file as deployed: the event's invocation plans the
 *    chunks, then one warm sandbox takes every chunk message (the worst case for one sandbox).
 * 2 and 3 run the handler bundled by esbuild in a process of its own, as in a Lambda sandbox.
 * Targets: ≥ 100,000 companies/min end to end, RSS < 256 MB. It prints figures; it asserts nothing.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { build } from 'esbuild';
import { batchIdFor } from '@echo-ridge/batch';
import type { BatchRun, BatchRunStore } from '@echo-ridge/store';
import { startBatchRuntime } from '../src/batch-runtime.js';
import { startDynamoDbLocal } from '../src/dynamodb-local.js';
import { s3Client } from '../src/fauxqs.js';
import { objectCreatedEvent, sequencerClock } from '../src/s3-sqs-bridge.js';
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

/** 1: the local runtime as `pnpm start` runs it, a file dropped into incoming/. */
async function endToEnd(file: string, lines: number): Promise<void> {
  const dynamoDb = await startDynamoDbLocal();
  try {
    await ensureScoreTable(dynamoDb.endpoint, TABLE_NAME);
    const runtime = await startBatchRuntime({ dynamoDbEndpoint: dynamoDb.endpoint, tableName: TABLE_NAME, functionEnv: { LOG_LEVEL: 'WARN' } });
    const s3 = s3Client(runtime.fauxqs.endpoint);
    try {
      const uploaded = await uploadFile(s3, runtime.bucket, 'incoming/dev/bench.jsonl', file);
      const started = performance.now();
      const run = await ended(runtime.runs, uploaded.batchId);
      const elapsed = performance.now() - started;
      console.log(
        `  end to end (S3 → bridge → SQS → handler → DynamoDB Local + S3), ${lines.toLocaleString('en-US')} lines: ${run.successful.toLocaleString('en-US')} scored, ${run.failed} failed, ${run.chunk_count} chunks in ${(elapsed / 1000).toFixed(1)} s: ${perMinute(run.successful, elapsed)} companies/min (batch record: ${run.companies_per_minute?.toLocaleString('en-US')}/min)`,
      );
    } finally {
      s3.destroy();
      await runtime.stop();
    }
  } finally {
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
    const file1m = join(work, 'companies-1m.jsonl');
    await generate(file200k, 200_000);
    await generate(file1m, 1_000_000);
    console.log(`batch bench (files of ${mb(statSync(file200k).size)} and ${mb(statSync(file1m).size)}):`);
    await endToEnd(file200k, 200_000);
    await handlerAlone(file200k, file1m, await bundleHandlerProcess(work));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
