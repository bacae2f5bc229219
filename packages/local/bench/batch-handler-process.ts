/**
 * One batch invocation in a process of its own, as a Lambda sandbox runs it, so that its peak RSS is
 * the handler's alone (the emulators live in the parent). The bench runs it bundled by esbuild as the
 * stack bundles the handler, not through tsx, whose TypeScript loader costs memory Lambda does not
 * spend. SQS_EVENT is the event; with
 * NO_TABLE_WRITES=1 scores skip DynamoDB. Prints {"ms", "peakRssMb"} on stdout (Linux: /proc).
 */
import { readFileSync } from 'node:fs';
import { createHandler } from '@echo-ridge/batch';
import type { SQSEvent } from 'aws-lambda';
import { BATCH_FUNCTION } from '../src/batch-function.js';
import { createLambdaContext } from '../src/lambda-context.js';

const event = JSON.parse(process.env.SQS_EVENT ?? '') as SQSEvent;
const discard = { add: () => Promise.resolve(), flush: () => Promise.resolve() };
const handler = createHandler(process.env, process.env.NO_TABLE_WRITES === '1' ? { openScoreWriter: () => discard } : {});
const started = performance.now();
// A day rather than the stack's 5 minutes: one invocation here scores a whole file that AWS would split.
const response = await handler(event, createLambdaContext({ ...BATCH_FUNCTION, region: process.env.AWS_REGION ?? 'us-east-1', timeoutMs: 86_400_000 }));
if (response.batchItemFailures.length > 0) throw new Error(`the invocation failed: ${JSON.stringify(response)}`);
const ms = performance.now() - started;
// VmHWM, the process's resident high-water mark since exec. getrusage's maxRSS would not do: on Linux
// it keeps the peak of the forked parent from before exec, here the process that holds the emulators.
const peakKb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
process.stdout.write(`${JSON.stringify({ ms, peakRssMb: peakKb / 1024 })}\n`);
