import { appendFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';

/** Handlers for the worker-sandbox tests, loaded in a worker thread as a function's handler file is. */

export const echo = (event: { value: unknown }, context: Context) =>
  Promise.resolve({ value: event.value, env: process.env.SANDBOX_TEST_VALUE, remainingMs: context.getRemainingTimeInMillis() });

export const fail = () => Promise.reject(new RangeError('the handler failed'));

/** Appends a tick to a file every 20 ms for ever: a timed-out invocation whose code must stop. */
export const tickForever = (event: { file: string }) =>
  new Promise(() => {
    setInterval(() => appendFileSync(event.file, '.'), 20);
  });
