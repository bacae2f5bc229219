import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Env } from './config.js';
import { createDispatch } from './dispatch.js';
import type { ApiContext } from './middleware/api-context.js';
import { errorResponses } from './middleware/error-responses.js';
import { requestTelemetry } from './middleware/request-telemetry.js';
import { resolveRequest } from './middleware/resolve-request.js';
import { resolveTenant } from './middleware/resolve-tenant.js';
import { createRouter } from './router.js';
import { ROUTES } from './routes/index.js';
import { setUp } from './service.js';
import { createTelemetry } from './telemetry.js';

/**
 * Builds the score API handler from an environment. Lambda calls it once with process.env
 * (handler.ts); the local runtime and tests call it with their own.
 */
export type ScoreApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function createHandler(env: Env): ScoreApiHandler {
  const telemetry = createTelemetry(env);
  const setup = setUp(env, telemetry);
  if (!setup.ok) telemetry.logger.error('the configuration is invalid; only /healthz will answer', { problems: setup.problems });
  // Error handlers run in reverse order of use: errorResponses first, so telemetry sees the final status.
  // The trace's handler subsegment spans every other step; responses carry company data and stay out of it.
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext>()
    .use(captureLambdaHandler(telemetry.tracer, { captureResponse: false }))
    .use(injectLambdaContext(telemetry.logger, { resetKeys: true }))
    .use(logMetrics(telemetry.metrics, { captureColdStartMetric: true }))
    .use(resolveRequest(createRouter(ROUTES)))
    .use(requestTelemetry(telemetry))
    .use(errorResponses(telemetry))
    // After the error mapping is in place, so that a refused tenant is answered and logged like any error.
    .use(resolveTenant(telemetry))
    .handler(createDispatch(setup));
  // Lambda passes a plain Context; resolveRequest adds `api` before any other step reads it.
  return (event, context) => handler(event, context as ApiContext);
}
