import { InvalidCursorError, StoreUnavailableError } from '@echo-ridge/store';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { HttpError, internalError, invalidParameters, serviceUnavailable } from '../http/errors.js';
import { toProxyResult } from '../http/reply.js';
import type { Telemetry } from '../telemetry.js';
import type { ApiContext } from './api-context.js';

/**
 * Turns every thrown error into the documented error body. Only deliberate answers (HttpError) and
 * known conditions say what happened; anything else is a 500 whose details stay in the log.
 */
export function errorResponses({ logger }: Telemetry): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> {
  const toHttpError = (error: unknown): HttpError => {
    if (error instanceof HttpError) return error;
    if (error instanceof InvalidCursorError) return invalidParameters([{ path: 'cursor', message: error.message }]);
    if (error instanceof StoreUnavailableError) {
      logger.warn('score table unavailable', { error });
      return serviceUnavailable();
    }
    logger.error('request failed', { error });
    return internalError();
  };
  return {
    // Sets the response without returning it: a returned value would skip the other error handlers.
    onError(request) {
      const { statusCode, code, message, issues, headers } = toHttpError(request.error);
      const reply = { statusCode, body: { error: { code, message, ...(issues && { issues }) } }, ...(headers && { headers }) };
      request.response = toProxyResult(reply, request.context.api.requestId);
    },
  };
}
