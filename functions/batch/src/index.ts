export { createHandler, type BatchHandler, type PipelineOverrides } from './app.js';
export { batchIdFor } from './batch-id.js';
export { DEFAULT_CHUNK_BYTES, FIRST_SEARCH_BYTES, planChunks } from './chunk-plan.js';
export { leasesLapsedAfterMs } from './lease.js';
export { parseBatchMessage } from './messages.js';
