import { OPERATIONS, type OperationId } from '@echo-ridge/contract';
import type { Route, RouteRequest } from '../router.js';
import type { Service, Setup, TenantService } from '../service.js';
import { createBatchUpload } from './batch-uploads.js';
import { readBatch } from './batches.js';
import { checkHealth } from './health.js';
import { serveOpenApi } from './openapi.js';
import { scoreBatch } from './score-batch.js';
import { scoreHybrid } from './score-hybrid.js';
import { scoreCompany } from './score.js';
import { readScores } from './scores.js';
import { readStats } from './stats.js';

/** The set-up failed: every route but /healthz and /openapi.json answers 500, and /healthz says why. */
class ServiceMisconfiguredError extends Error {
  override readonly name = 'ServiceMisconfiguredError';
}

function service(setup: Setup): Service {
  if (!setup.ok) throw new ServiceMisconfiguredError(`the service is misconfigured: ${setup.problems.join('; ')}`);
  return setup.service;
}

/** The service of a keyed route, its store narrowed to the tenant resolveTenant found. */
function tenantService(setup: Setup, { tenant }: RouteRequest): TenantService {
  const { store, ...rest } = service(setup);
  if (tenant === undefined) throw new Error('a keyed route ran without a tenant: resolveTenant must run before the routes');
  return { ...rest, store: store.tenant(tenant) };
}

/** One function per route of the contract: a route without one, or one without a route, does not compile. */
const HANDLERS: Record<OperationId, Route['handle']> = {
  scoreCompany: (request, setup) => scoreCompany(request, tenantService(setup, request)),
  scoreBatch: (request, setup) => scoreBatch(request, tenantService(setup, request)),
  scoreHybrid: (request, setup) => scoreHybrid(request, service(setup)),
  getScores: (request, setup) => readScores(request, tenantService(setup, request)),
  createBatchUpload: (request, setup) => createBatchUpload(request, tenantService(setup, request)),
  getBatch: (request, setup) => readBatch(request, tenantService(setup, request)),
  getStats: (request, setup) => readStats(tenantService(setup, request)),
  getHealth: (_, setup) => checkHealth(setup),
  getOpenApi: () => serveOpenApi(),
};

/** Every route of the API as the handler serves them and API Gateway exposes them (the contract's route table). */
export const ROUTES: readonly Route[] = (Object.keys(OPERATIONS) as OperationId[]).map((operationId) => {
  const { method, path, apiKeyRequired } = OPERATIONS[operationId];
  return { method, path, apiKeyRequired, handle: HANDLERS[operationId] };
});
