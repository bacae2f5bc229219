import type { Route } from '../router.js';
import type { Service, Setup } from '../service.js';
import { readBatch } from './batches.js';
import { checkHealth } from './health.js';
import { scoreBatch } from './score-batch.js';
import { scoreHybrid } from './score-hybrid.js';
import { scoreCompany } from './score.js';
import { readScores } from './scores.js';
import { readStats } from './stats.js';

/** The set-up failed: every route but /healthz answers 500, and /healthz says why. */
class ServiceMisconfiguredError extends Error {
  override readonly name = 'ServiceMisconfiguredError';
}

function service(setup: Setup): Service {
  if (!setup.ok) throw new ServiceMisconfiguredError(`the service is misconfigured: ${setup.problems.join('; ')}`);
  return setup.service;
}

/** Every route of the API (design: "HTTP API"), as the handler serves them and API Gateway exposes them. */
export const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/score', apiKeyRequired: true, handle: (request, setup) => scoreCompany(request, service(setup)) },
  { method: 'POST', path: '/score/batch', apiKeyRequired: true, handle: (request, setup) => scoreBatch(request, service(setup)) },
  { method: 'POST', path: '/score/hybrid', apiKeyRequired: true, handle: (request, setup) => scoreHybrid(request, service(setup)) },
  { method: 'GET', path: '/scores/{company_id}', apiKeyRequired: true, handle: (request, setup) => readScores(request, service(setup)) },
  { method: 'GET', path: '/batches/{batch_id}', apiKeyRequired: true, handle: (request, setup) => readBatch(request, service(setup)) },
  { method: 'GET', path: '/stats', apiKeyRequired: true, handle: (_, setup) => readStats(service(setup)) },
  { method: 'GET', path: '/healthz', apiKeyRequired: false, handle: (_, setup) => checkHealth(setup) },
];
