export { createHandler, type ContextRefreshHandler } from './app.js';
export { refreshContext, RefreshReportSchema, type RefreshDependencies, type RefreshReport } from './refresh.js';
