import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { methodNotAllowed, notFound } from './http/errors.js';
import { toProxyResult } from './http/reply.js';
import type { ApiContext } from './middleware/api-context.js';
import type { Setup } from './service.js';

/** The handler proper: runs the route resolveRequest matched, or answers 404/405. */
export function createDispatch(setup: Setup) {
  return async (event: APIGatewayProxyEvent, context: ApiContext): Promise<APIGatewayProxyResult> => {
    const { match, requestId, tenant } = context.api;
    if (match.kind === 'not_found') throw notFound(`There is nothing at ${event.path}: see the API routes in the README.`);
    if (match.kind === 'method_not_allowed') throw methodNotAllowed(event.httpMethod, event.path, match.allow);
    const reply = await match.route.handle({ event, params: match.params, tenant, lambdaContext: context }, setup);
    return toProxyResult(reply, requestId);
  };
}
