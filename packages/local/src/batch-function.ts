/** What the stack gives the batch function and its queue (infra/lib/batch.ts). */
export const BATCH_FUNCTION = {
  functionName: 'echo-ridge-batch',
  memoryLimitInMB: 1536,
  timeoutMs: 5 * 60_000,
  batchSize: 1,
  maxConcurrency: 10,
  maxReceiveCount: 3,
  bucket: 'echo-ridge-data',
  queue: 'echo-ridge-batch',
  deadLetterQueue: 'echo-ridge-batch-dlq',
} as const;
