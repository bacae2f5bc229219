/**
 * One invocation of the batch handler in a process of its own, so that a test can kill it mid-file
 * as Lambda ends a function at its deadline. SQS_EVENT is the event; REMAINING_MS the time its
 * context says is left, which sets the lease the invocation takes.
 */
import { createHandler } from '@echo-ridge/batch';
import type { SQSEvent } from 'aws-lambda';
import { createLambdaContext } from '../../src/lambda-context.js';
import { BATCH_FUNCTION } from '../../src/batch-function.js';

const event = JSON.parse(process.env.SQS_EVENT ?? '') as SQSEvent;
const context = createLambdaContext({ ...BATCH_FUNCTION, region: process.env.AWS_REGION ?? 'us-east-1', timeoutMs: Number(process.env.REMAINING_MS) });
await createHandler(process.env)(event, context);
