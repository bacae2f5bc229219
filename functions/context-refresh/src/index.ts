export { createHandler, type ContextRefreshHandler } from './app.js';
export { refreshContext, RefreshReportSchema, SAMPLE_WINDOW_DAYS, type RefreshDependencies, type RefreshReport } from './refresh.js';
