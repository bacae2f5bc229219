export { createHandler, type BatchHandler, type PipelineOverrides } from './app.js';
export { batchIdFor } from './batch-id.js';
export { DEFAULT_CHUNK_BYTES, FIRST_SEARCH_BYTES, planChunks } from './chunk-plan.js';
export { LEASE_MARGIN_MS } from './lease.js';
export { parseBatchMessage } from './messages.js';
