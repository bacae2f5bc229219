import { createHandler, type RefreshReport } from '@echo-ridge/context-refresh';
import { LOCAL_AWS } from './dynamodb-local.js';
import { LOCAL_POWERTOOLS } from './lambda-context.js';
import { createSandboxPool } from './sandbox-pool.js';

/** What the stack gives the refresh function (infra/lib/context.ts); one refresh at a time, as one schedule runs it. */
export const CONTEXT_REFRESH_FUNCTION = {
  functionName: 'echo-ridge-context-refresh',
  memoryLimitInMB: 512,
  timeoutMs: 120_000,
  maxConcurrency: 1,
} as const;

/** The stack's schedule runs the refresh daily. */
export const REFRESH_INTERVAL_MS = 24 * 3_600_000;

/** The environment the stack gives the refresh function, pointed at the emulators. */
export function contextRefreshEnv(target: { dynamoDbEndpoint: string; s3Endpoint: string; tableName: string; bucket: string }): Record<string, string> {
  return {
    TABLE_NAME: target.tableName,
    BUCKET_NAME: target.bucket,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ENDPOINT_URL_DYNAMODB: target.dynamoDbEndpoint,
    AWS_ENDPOINT_URL_S3: target.s3Endpoint,
    POWERTOOLS_SERVICE_NAME: 'context-refresh',
    ...LOCAL_POWERTOOLS,
  };
}

export interface ContextRefreshSchedule {
  /** Runs the refresh now, as `echo-ridge context refresh` does, and resolves to its report. */
  run(): Promise<RefreshReport>;
  stop(): Promise<void>;
}

/**
 * The daily EventBridge rule on this machine: the real refresh handler in a Lambda-like sandbox, run
 * once at start and then every `intervalMs`. A failed run is reported and waits for the next one, as
 * the current context stays in place.
 */
export function startContextRefreshSchedule(options: { env: Record<string, string>; intervalMs?: number; log: (line: string) => void }): ContextRefreshSchedule {
  const pool = createSandboxPool<unknown, RefreshReport>(() => createHandler(options.env), { ...CONTEXT_REFRESH_FUNCTION, region: LOCAL_AWS.region });
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    const report = pool.invoke({});
    running = report.catch(() => undefined);
    return report;
  };
  const scheduled = () => {
    run().then(
      (report) => options.log(`context refresh: ${report.outcome === 'published' ? `published ${report.version}` : `kept ${report.version}: ${report.reason}`}`),
      (error: unknown) => options.log(`context refresh failed: ${(error as Error).message}`),
    );
  };
  scheduled();
  const timer = setInterval(scheduled, options.intervalMs ?? REFRESH_INTERVAL_MS);
  return {
    run,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
