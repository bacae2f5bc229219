/**
 * A Lambda sandbox of the batch function in a process of its own, so that its peak RSS is the
 * handler's alone (the emulators live in the parent). The bench runs it bundled by esbuild as the
 * stack bundles the handler, not through tsx, whose TypeScript loader costs memory Lambda does not
 * spend. SQS_EVENT is the first event; with DRAIN_QUEUE=1 the sandbox then takes the chunk messages
 * that event queued, as the event source mapping would hand them to a warm sandbox, until the batch
 * has ended; with NO_TABLE_WRITES=1 scores skip DynamoDB. Prints {"ms", "peakRssMb"} on stdout
 * (Linux: /proc).
 */
import { readFileSync } from 'node:fs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { batchIdFor, createHandler, parseBatchMessage } from '@echo-ridge/batch';
import { createBatchRunStore, createDocumentClient } from '@echo-ridge/store';
import type { SQSEvent } from 'aws-lambda';
import { BATCH_FUNCTION } from '../src/batch-function.js';
import { createLambdaContext } from '../src/lambda-context.js';
import { startSqsPoller } from '../src/sqs-poller.js';

const env = process.env;
const region = env.AWS_REGION ?? 'us-east-1';
const event = JSON.parse(env.SQS_EVENT ?? '') as SQSEvent;
const discard = { add: () => Promise.resolve(), flush: () => Promise.resolve() };
const handler = createHandler(env, env.NO_TABLE_WRITES === '1' ? { openScoreWriter: () => discard } : {});
// A day rather than the stack's 5 minutes: with CHUNK_BYTES raised, one invocation scores a whole file.
const context = () => createLambdaContext({ ...BATCH_FUNCTION, region, timeoutMs: 86_400_000 });

const started = performance.now();
const response = await handler(event, context());
if (response.batchItemFailures.length > 0) throw new Error(`the invocation failed: ${JSON.stringify(response)}`);
if (env.DRAIN_QUEUE === '1') {
  const message = parseBatchMessage(event.Records[0]!.body);
  if (message.kind !== 'objects') throw new Error('DRAIN_QUEUE needs an S3 event first');
  const batchId = batchIdFor(message.objects[0]!);
  const runs = createBatchRunStore({ client: createDocumentClient({ region, endpoint: env.AWS_ENDPOINT_URL_DYNAMODB }), tableName: env.TABLE_NAME!, retentionDays: 1 });
  const poller = startSqsPoller({
    sqs: new SQSClient({ region, endpoint: env.AWS_ENDPOINT_URL_SQS }),
    queueUrl: env.QUEUE_URL!,
    queueArn: `arn:aws:sqs:${region}:000000000000:${BATCH_FUNCTION.queue}`,
    region,
    invoke: (chunkEvent) => handler(chunkEvent, context()),
    batchSize: BATCH_FUNCTION.batchSize,
    concurrency: 1,
  });
  for (;;) {
    const status = (await runs.get(batchId))?.status;
    if (status === 'completed' || status === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await poller.stop();
}
const ms = performance.now() - started;
// VmHWM, the process's resident high-water mark since exec. getrusage's maxRSS would not do: on Linux
// it keeps the peak of the forked parent from before exec, here the process that holds the emulators.
const peakKb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
process.stdout.write(`${JSON.stringify({ ms, peakRssMb: peakKb / 1024 })}\n`);
