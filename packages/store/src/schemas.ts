/**
 * The package's `./schemas` export: the shapes of stored records that the HTTP contract shows, from
 * modules that load no AWS SDK, so that an API client can use them without carrying the SDK along.
 */
export { BatchRecordSchema, type BatchRecord } from './batch-record.js';
export { ContextVersionSchema } from './context-version.js';
export { MAX_PAGE_SIZE } from './cursor.js';
export { BatchSourceSchema, FileBatchSchema, type BatchSource, type FileBatch } from './file-batches.js';
export { BatchNameSchema } from './batch-inputs.js';
export { DEV_TENANT, TenantIdSchema, type TenantId } from './tenant.js';
export { API_KEY_PREFIX, IDEMPOTENCY_SUFFIX, TENANT_PREFIX } from './keys.js';
