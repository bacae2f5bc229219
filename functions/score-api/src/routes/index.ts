import { OPERATIONS, type OperationId } from '@echo-ridge/contract';
import type { Route } from '../router.js';
import type { Service, Setup } from '../service.js';
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

/** One function per route of the contract: a route without one, or one without a route, does not compile. */
const HANDLERS: Record<OperationId, Route['handle']> = {
  scoreCompany: (request, setup) => scoreCompany(request, service(setup)),
  scoreBatch: (request, setup) => scoreBatch(request, service(setup)),
  scoreHybrid: (request, setup) => scoreHybrid(request, service(setup)),
  getScores: (request, setup) => readScores(request, service(setup)),
  getBatch: (request, setup) => readBatch(request, service(setup)),
  getStats: (_, setup) => readStats(service(setup)),
  getHealth: (_, setup) => checkHealth(setup),
  getOpenApi: () => serveOpenApi(),
};

/** Every route of the API as the handler serves them and API Gateway exposes them (the contract's route table). */
export const ROUTES: readonly Route[] = (Object.keys(OPERATIONS) as OperationId[]).map((operationId) => {
  const { method, path, apiKeyRequired } = OPERATIONS[operationId];
  return { method, path, apiKeyRequired, handle: HANDLERS[operationId] };
});
