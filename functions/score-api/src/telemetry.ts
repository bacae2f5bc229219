import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { API_VERSION } from '@echo-ridge/engine';
import { telemetrySettings, type Env } from './config.js';

export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/** The function's logger, metrics and tracer; every log line names the API version and this component. */
export function createTelemetry(env: Env): Telemetry {
  const settings = telemetrySettings(env);
  return {
    logger: new Logger({
      serviceName: settings.POWERTOOLS_SERVICE_NAME,
      logLevel: settings.LOG_LEVEL,
      persistentKeys: { version: API_VERSION, component: 'score-api' },
    }),
    metrics: new Metrics({ namespace: settings.POWERTOOLS_METRICS_NAMESPACE, serviceName: settings.POWERTOOLS_SERVICE_NAME }),
    // The only outgoing calls are AWS SDK calls, which are captured client by client (service.ts).
    tracer: new Tracer({ serviceName: settings.POWERTOOLS_SERVICE_NAME, enabled: settings.POWERTOOLS_TRACE_ENABLED, captureHTTPsRequests: false }),
  };
}

/** What a request is about. */
export interface Subject {
  company_id?: string;
  batch_id?: string;
}

/**
 * Names what the request is about on every later log line and as X-Ray annotations, which the trace
 * console can search (`annotation.company_id = "…"`).
 */
export function identify({ logger, tracer }: Telemetry, subject: Subject): void {
  logger.appendKeys({ ...subject });
  for (const [key, value] of Object.entries(subject) as [string, string | undefined][]) if (value !== undefined) tracer.putAnnotation(key, value);
}
