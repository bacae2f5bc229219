import { createHandler } from './app.js';

/** The Lambda entry point (the stack's `handler`), invoked by API Gateway on an authorizer cache miss. */
export const handler = createHandler(process.env);
