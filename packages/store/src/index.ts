export * from './batches.js';
export * from './client.js';
export { MAX_PAGE_SIZE, type Page, type PageRequest } from './cursor.js';
export { ConflictError, InvalidCursorError, StoreUnavailableError } from './errors.js';
export { StoredScoreSchema, type NewScore, type StoredScore } from './scores.js';
export * from './store.js';
export * from './table.js';
