export { createHandler, type BatchHandler, type PipelineOverrides } from './app.js';
export { batchIdFor } from './batch-id.js';
export { planChunks } from './chunk-plan.js';
export { parseBatchMessage } from './messages.js';
