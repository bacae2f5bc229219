import { OPERATIONS, type OperationId } from '@echo-ridge/contract';
import { idempotent, type IdempotentRoute } from '../idempotency.js';
import type { Route, RouteRequest } from '../router.js';
import type { Service, Setup, TenantService } from '../service.js';
import { createBatchUpload } from './batch-uploads.js';
import { readBatch } from './batches.js';
import { checkHealth } from './health.js';
import { serveOpenApi } from './openapi.js';
import { keepBatch, replayBatch, scoreBatch } from './score-batch.js';
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

/** The writes the contract marks `idempotent`: they accept Idempotency-Key (idempotency.ts). */
type IdempotentId = { [K in OperationId]: (typeof OPERATIONS)[K] extends { idempotent: true } ? K : never }[OperationId];

/**
 * One function per route of the contract: a route without one, or one without a route, does not
 * compile, and neither does an idempotent write that is not made idempotent here.
 */
const IDEMPOTENT_HANDLERS: Record<IdempotentId, IdempotentRoute> = {
  scoreCompany: { run: scoreCompany },
  scoreBatch: { run: scoreBatch, keep: keepBatch, replay: replayBatch },
  createBatchUpload: { run: createBatchUpload },
};

const HANDLERS: Record<Exclude<OperationId, IdempotentId>, Route['handle']> = {
  scoreHybrid: (request, setup) => scoreHybrid(request, service(setup)),
  getScores: (request, setup) => readScores(request, tenantService(setup, request)),
  getBatch: (request, setup) => readBatch(request, tenantService(setup, request)),
  getStats: (request, setup) => readStats(tenantService(setup, request)),
  getHealth: (_, setup) => checkHealth(setup),
  getOpenApi: () => serveOpenApi(),
};

const isIdempotent = (operationId: OperationId): operationId is IdempotentId => operationId in IDEMPOTENT_HANDLERS;

function handlerOf(operationId: OperationId): Route['handle'] {
  if (!isIdempotent(operationId)) return HANDLERS[operationId];
  const handle = idempotent(operationId, IDEMPOTENT_HANDLERS[operationId]);
  return (request, setup) => handle(request, tenantService(setup, request));
}

/** Every route of the API as the handler serves them and API Gateway exposes them (the contract's route table). */
export const ROUTES: readonly Route[] = (Object.keys(OPERATIONS) as OperationId[]).map((operationId) => {
  const { method, path, apiKeyRequired } = OPERATIONS[operationId];
  return { method, path, apiKeyRequired, handle: handlerOf(operationId) };
});
