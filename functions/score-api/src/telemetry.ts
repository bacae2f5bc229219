import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { API_VERSION } from '@echo-ridge/engine';
import { telemetrySettings, type Env } from './config.js';

export interface Telemetry {
  logger: Logger;
  metrics: Metrics;
}

/** The function's logger and metrics; every log line names the API version and this component. */
export function createTelemetry(env: Env): Telemetry {
  const settings = telemetrySettings(env);
  return {
    logger: new Logger({
      serviceName: settings.POWERTOOLS_SERVICE_NAME,
      logLevel: settings.LOG_LEVEL,
      persistentKeys: { version: API_VERSION, component: 'score-api' },
    }),
    metrics: new Metrics({ namespace: settings.POWERTOOLS_METRICS_NAMESPACE, serviceName: settings.POWERTOOLS_SERVICE_NAME }),
  };
}
