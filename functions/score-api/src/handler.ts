import { createHandler } from './app.js';

/** The Lambda entry point (the stack's `handler`). */
export const handler = createHandler(process.env);
