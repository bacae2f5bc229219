import { createHandler } from './app.js';

/** The Lambda entry point (the stack's `handler`): SQS events in, batch item failures out. */
export const handler = createHandler(process.env);
