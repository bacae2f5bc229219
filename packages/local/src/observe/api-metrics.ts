import type { MetricCollector } from './metric-collector.js';

/** What the gateway knows of one request once it answered. */
export interface RequestObservation {
  method: string;
  /** The resource template the request reached (`/scores/{company_id}`), as API Gateway's Resource dimension. */
  resource: string;
  statusCode: number;
  /** From the request's arrival to the answer, in ms. */
  latencyMs: number;
  /** The function's share of it; absent when the gateway answered without invoking it (403, 429, 413). */
  integrationLatencyMs?: number;
  /** The name of the API key the request was admitted with. */
  apiKeyName?: string;
}

/** The local API's name in its metrics; the dashboard maps it to the stack's API (stack-view.ts). */
export const LOCAL_API_NAME = 'echo-ridge-api';

/**
 * The REST API metrics API Gateway publishes for a request ("Amazon API Gateway dimensions and
 * metrics"): Count, 4XXError and 5XXError (1 or 0, so that Average is a rate), Latency and
 * IntegrationLatency, once per stage and once per method and resource. Requests per key are counted
 * for the local page, which CloudWatch has no metric for.
 */
export function recordRequest(collector: MetricCollector, stage: string, request: RequestObservation, perKey: Map<string, number>): void {
  const byStage = { ApiName: LOCAL_API_NAME, Stage: stage };
  const byResource = { ...byStage, Method: request.method, Resource: request.resource };
  for (const dimensions of [byStage, byResource]) {
    collector.put('AWS/ApiGateway', 'Count', dimensions, 1, 'Count');
    collector.put('AWS/ApiGateway', '4XXError', dimensions, request.statusCode >= 400 && request.statusCode < 500 ? 1 : 0, 'Count');
    collector.put('AWS/ApiGateway', '5XXError', dimensions, request.statusCode >= 500 ? 1 : 0, 'Count');
    collector.put('AWS/ApiGateway', 'Latency', dimensions, request.latencyMs, 'Milliseconds');
    if (request.integrationLatencyMs !== undefined) collector.put('AWS/ApiGateway', 'IntegrationLatency', dimensions, request.integrationLatencyMs, 'Milliseconds');
  }
  if (request.apiKeyName !== undefined) perKey.set(request.apiKeyName, (perKey.get(request.apiKeyName) ?? 0) + 1);
}
