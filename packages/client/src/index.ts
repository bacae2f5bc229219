export { EchoRidgeClient, type ClientOptions } from './client.js';
export { ApiConnectionError, ApiError, ApiTimeoutError } from './errors.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
export { DEFAULT_CONCURRENCY, type ScoreManyItem, type ScoreManyOptions, type ScoreManyResult } from './score-many.js';
export type * from './types.js';
