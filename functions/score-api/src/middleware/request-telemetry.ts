import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Telemetry } from '../telemetry.js';
import type { ApiContext } from './api-context.js';

type ApiRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext>;

/**
 * One log line when a request starts and one when it ends (the runbook's fields), the request and
 * correlation ids on every response, and the request metrics. Runs after error mapping has produced
 * the response, so failed requests are logged and counted like any other.
 */
export function requestTelemetry({ logger, metrics }: Telemetry): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> {
  const finish = ({ context, response }: ApiRequest) => {
    const { requestId, correlationId, endpoint, method, receivedAt } = context.api;
    const statusCode = response?.statusCode ?? 500;
    const durationMs = Math.round((performance.now() - receivedAt) * 1000) / 1000;
    if (response) response.headers = { ...response.headers, 'x-request-id': requestId, 'x-correlation-id': correlationId };
    logger.info('request finished', { event_type: 'request_end', endpoint, method, status_code: statusCode, duration_ms: durationMs });
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    metrics.addMetric('RequestLatency', MetricUnit.Milliseconds, durationMs);
    // Zeros are published too, so that error-rate alarms divide by every request.
    metrics.addMetric('Errors4xx', MetricUnit.Count, statusCode >= 400 && statusCode < 500 ? 1 : 0);
    metrics.addMetric('Errors5xx', MetricUnit.Count, statusCode >= 500 ? 1 : 0);
  };
  return {
    before({ context }) {
      const { correlationId, endpoint, method } = context.api;
      logger.setCorrelationId(correlationId);
      logger.info('request started', { event_type: 'request_start', endpoint, method });
    },
    after: finish,
    onError: finish,
  };
}
