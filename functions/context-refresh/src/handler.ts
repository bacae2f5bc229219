import { createHandler } from './app.js';

/** The Lambda entry point (the stack's `handler`), invoked daily by an EventBridge schedule. */
export const handler = createHandler(process.env);
