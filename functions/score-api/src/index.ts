export { createHandler, type ScoreApiHandler } from './app.js';
export { createRouter, type Route, type RouteMatch, type Router } from './router.js';
export { ROUTES } from './routes/index.js';
export { HEALTH_CHECK_TTL_MS } from './routes/health.js';
