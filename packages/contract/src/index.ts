export * from './errors.js';
export * from './idempotency.js';
export * from './routes.js';
export * from './schemas.js';
export * from './usage-plans.js';
