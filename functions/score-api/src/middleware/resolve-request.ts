import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { header } from '../http/headers.js';
import type { Router } from '../router.js';
import type { ApiContext } from './api-context.js';

/** A caller's correlation id is logged verbatim, so only plain tokens are honoured. */
const CORRELATION_ID = /^[\w.:-]{1,128}$/;

/**
 * Works out once what every later step needs: the request id API Gateway assigned, the correlation id
 * (the caller's `x-correlation-id`, else the request id) and the route.
 */
export function resolveRequest(router: Router): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> {
  return {
    before({ event, context }) {
      const requestId = event.requestContext.requestId;
      const callerId = header(event, 'x-correlation-id');
      const match = router.match(event.httpMethod, event.path);
      context.api = {
        requestId,
        correlationId: callerId !== undefined && CORRELATION_ID.test(callerId) ? callerId : requestId,
        method: event.httpMethod,
        endpoint: match.kind === 'found' ? match.route.path : event.path,
        match,
        receivedAt: performance.now(),
      };
    },
  };
}
