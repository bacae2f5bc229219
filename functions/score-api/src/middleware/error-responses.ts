import { InvalidCursorError, StoreUnavailableError } from '@echo-ridge/store';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError } from '../http/errors.js';
import { toProxyResult, type Reply } from '../http/reply.js';
import type { Body, ErrorBodySchema } from '../schemas.js';
import type { Telemetry } from '../telemetry.js';
import type { ApiContext } from './api-context.js';

const errorReply = (statusCode: number, error: Body<typeof ErrorBodySchema>['error'], headers?: Record<string, string>): Reply => ({
  statusCode,
  body: { error },
  ...(headers && { headers }),
});

/**
 * Turns every thrown error into the documented error body. Only deliberate answers (HttpError) and
 * known conditions say what happened; anything else is a 500 whose details stay in the log.
 */
export function errorResponses({ logger }: Telemetry): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> {
  const toReply = (error: unknown): Reply => {
    if (error instanceof HttpError) {
      const { statusCode, code, message, issues, headers } = error;
      return errorReply(statusCode, { code, message, ...(issues && { issues }) }, headers);
    }
    if (error instanceof InvalidCursorError) {
      return errorReply(400, {
        code: 'INVALID_PARAMETER',
        message: 'The query string is invalid: fix the parameters listed in issues.',
        issues: [{ path: 'cursor', message: error.message }],
      });
    }
    if (error instanceof StoreUnavailableError) {
      logger.warn('score table unavailable', { error });
      return errorReply(503, { code: 'SERVICE_UNAVAILABLE', message: 'The score store is not answering right now: retry in a moment.' }, { 'retry-after': '1' });
    }
    logger.error('request failed', { error });
    return errorReply(500, { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side. It has been logged; quote the request_id if you report it.' });
  };
  return {
    // Sets the response without returning it: a returned value would skip the other error handlers.
    onError(request) {
      request.response = toProxyResult(toReply(request.error), request.context.api.requestId);
    },
  };
}
