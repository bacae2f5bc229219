import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { loadWeights } from '@echo-ridge/engine';
import { createContextStore, createDocumentClient, readReservoir } from '@echo-ridge/store';
import type { Context } from 'aws-lambda';
import { loadConfig, type Env } from './config.js';
import { refreshContext, type RefreshReport } from './refresh.js';
import { reportRefresh } from './telemetry.js';

/** The EventBridge schedule's event, or `{}` from `echo-ridge context refresh`: its content is not read. */
export type ContextRefreshHandler = (event: unknown, context: Context) => Promise<RefreshReport>;

/** Builds the refresh handler from an environment: Lambda's (handler.ts), or the local runtime's and tests'. */
export function createHandler(env: Env): ContextRefreshHandler {
  const config = loadConfig(env);
  const logger = new Logger({ serviceName: config.POWERTOOLS_SERVICE_NAME, logLevel: config.LOG_LEVEL, persistentKeys: { component: 'context-refresh' } });
  const metrics = new Metrics({ namespace: config.POWERTOOLS_METRICS_NAMESPACE, serviceName: config.POWERTOOLS_SERVICE_NAME });
  // The only outgoing calls are AWS SDK calls, each captured as a subsegment by its client.
  const tracer = new Tracer({ serviceName: config.POWERTOOLS_SERVICE_NAME, enabled: config.POWERTOOLS_TRACE_ENABLED, captureHTTPsRequests: false });
  const client = tracer.captureAWSv3Client(createDocumentClient({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL_DYNAMODB }));
  const table = { client, tableName: config.TABLE_NAME, now: () => new Date() };
  const s3 = tracer.captureAWSv3Client(new S3Client({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL_S3, forcePathStyle: config.AWS_ENDPOINT_URL_S3 !== undefined }));
  const dependencies = {
    contexts: createContextStore({ table, s3, bucket: config.BUCKET_NAME }),
    readReservoir: (days: readonly string[], k: number) => readReservoir(table, days, k),
    weights: loadWeights(config.WEIGHTS_CONFIG_PATH),
    sampleSize: config.SAMPLE_SIZE,
  };

  return middy<unknown, RefreshReport>()
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => {
      const report = await refreshContext(dependencies, table.now());
      reportRefresh(report, logger, metrics);
      return report;
    });
}
