import { TenantIdSchema } from '@echo-ridge/store';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as v from 'valibot';
import { forbidden } from '../http/errors.js';
import type { Telemetry } from '../telemetry.js';
import type { ApiContext } from './api-context.js';

/**
 * The tenant of the caller, from the context the stack's authorizer (the local gateway alike) put on
 * the request after checking the key: every keyed route reads and writes only that tenant's data. A
 * keyed route reached without a tenant means the API is wired wrongly; it is refused and logged, never
 * served from some default tenant. Public routes have none.
 */
export function resolveTenant({ logger }: Telemetry): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> {
  return {
    before({ event, context }) {
      const { match } = context.api;
      // Unknown routes are keyed too (API Gateway's catch-all), but answer 404/405 without touching data.
      if (match.kind !== 'found' || !match.route.apiKeyRequired) return;
      const claimed: unknown = event.requestContext.authorizer?.tenant;
      const tenant = v.safeParse(TenantIdSchema, claimed);
      if (!tenant.success) {
        logger.error('a keyed route was reached without a valid tenant in the authorizer context', { tenant: String(claimed) });
        throw forbidden();
      }
      context.api.tenant = tenant.output;
      logger.appendKeys({ tenant: tenant.output });
    },
  };
}
