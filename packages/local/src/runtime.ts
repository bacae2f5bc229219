// First: it sets what the X-Ray SDK reads when the functions' modules below load it.
import './xray-manual-mode.js';
import { resolve } from 'node:path';
import { createHandler } from '@echo-ridge/score-api';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DEV_TENANT } from '@echo-ridge/store';
import { loadApiKeys, type ApiKey } from './api-keys.js';
import { fileKeyRing } from './key-ring.js';
import { LOCAL_AWS, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { scoreApiResources } from './api-resources.js';
import { startBatchRuntime, type BatchRuntime, type BatchRuntimeOptions } from './batch-runtime.js';
import { contextRefreshEnv, startContextRefreshSchedule, type ContextRefreshSchedule } from './context-refresh-runtime.js';
import { startGateway } from './gateway.js';
import { endpointEnv, startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { randomFaults } from './fault-policy.js';
import { faultsOn, NO_FAULTS, type FaultSpec } from './fault-spec.js';
import { LOCAL_POWERTOOLS } from './lambda-context.js';
import { recordRequest } from './observe/api-metrics.js';
import { runCanary } from './observe/canary.js';
import { startDashboardServer, type DashboardServer } from './observe/dashboard-server.js';
import { emfDatapoints } from './observe/emf.js';
import { MetricCollector } from './observe/metric-collector.js';
import { Observer } from './observe/observer.js';
import { recordDeleted, sampleQueue } from './observe/queue-metrics.js';
import { recentBatches } from './observe/recent-batches.js';
import { tapStdout } from './observe/stdout-tap.js';
import { BATCH_FUNCTION } from './batch-function.js';
import { s3Client } from './fauxqs.js';
import { createSandboxPool } from './sandbox-pool.js';
import { ensureScoreTable } from './score-table.js';

/**
 * The score function as the stack configures it (name, memory, timeout). The stack reserves it no
 * concurrency, so on AWS it scales out; here at most ten sandboxes are alive and further invocations
 * wait for one, because every sandbox runs on this process's one thread and a burst of cold starts
 * there would stall every request in flight, where Lambda starts them on cores of their own.
 */
export const SCORE_FUNCTION = {
  functionName: 'echo-ridge-score-api',
  memoryLimitInMB: 1024,
  timeoutMs: 15_000,
  maxConcurrency: 10,
} as const;

/** The stage name in the API's URL on AWS (`/v1/...`); locally it appears only in the event. */
const API_STAGE = 'v1';

export const DEFAULT_PORT = 3000;
export const DEFAULT_TABLE_NAME = 'echo-ridge-scores';
export const DEFAULT_KEYS_FILE = '.local/api-keys.json';

export interface RuntimeOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Keep the data in this directory (DynamoDB Local's under it, fauxqs's in `fauxqs/`); in memory when absent. */
  persistDir?: string;
  keysFile?: string;
  /** Added to (or overriding) the function's environment. */
  functionEnv?: Record<string, string>;
  /** Where the gateway reports failed invocations, as CloudWatch would show them. */
  log?: (message: string) => void;
  /** The batch side: the inbox and outbox folders (none unless given), the batch function's environment. */
  batch?: Pick<BatchRuntimeOptions, 'inbox' | 'functionEnv' | 'retryAfterSeconds' | 'log'>;
  /** `--faults`: failures injected on the functions' calls to the emulators, and batch invocations killed; none when absent. */
  faults?: FaultSpec;
  /** The context refresh: added to (or overriding) its environment, and where its outcome is reported. */
  contextRefresh?: { functionEnv?: Record<string, string>; log?: (message: string) => void };
  /** Collect the metrics CloudWatch would hold and serve the stack's dashboard over them (observe/). */
  observe?: ObserveOptions;
}

export interface ObserveOptions {
  /** The stage's synthesized template, whose dashboard and alarms the page shows (observe/stack-template.ts). */
  template: Promise<unknown>;
  /** The clock of the metrics and of the alarm evaluations; tests advance one to cross alarm periods. */
  now?: () => number;
  /** The dashboard's port; 0 (the default) picks a free one. */
  port?: number;
  /** How often the queues are sampled (ms); CloudWatch's SQS metrics are per minute, 10 s keeps the page lively. */
  queueSampleMs?: number;
}

export interface Observability {
  /** The dashboard page; `alarms.json` under it. */
  url: string;
  collector: MetricCollector;
  observer: Observer;
  /** One canary run now (the schedule runs it at the stack canary's rate). */
  runCanary(): Promise<boolean>;
  /** One sample of the batch queue and its DLQ now. */
  sampleQueues(): Promise<void>;
}

export interface Runtime {
  url: string;
  apiKey: ApiKey;
  keysFile: string;
  /** True when this start added a new dev key to the keys file. */
  keysCreated: boolean;
  /** Keys of a file written before tenants, moved to the dev tenant by this start. */
  keysMigrated: string[];
  dynamoDb: DynamoDbLocal;
  /** fauxqs, the batch queue and the inbox (batch-runtime.ts). */
  batch: BatchRuntime;
  /** The daily refresh, run at start; `run` refreshes on demand. */
  contextRefresh: ContextRefreshSchedule;
  /** With the `observe` option: the metrics and the dashboard. */
  observability?: Observability;
  stop(): Promise<void>;
}

/**
 * The whole service on this machine: DynamoDB Local with the stack's table, the real score handler
 * behind the API Gateway emulation, and the batch pipeline on fauxqs. `stop` ends everything it started.
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const keysFile = resolve(options.keysFile ?? DEFAULT_KEYS_FILE);
  const { keys, created, migrated } = await loadApiKeys(keysFile);
  const dynamoDb = await startDynamoDbLocal({ dbPath: options.persistDir });
  let batch: BatchRuntime | undefined;
  let contextRefresh: ContextRefreshSchedule | undefined;
  let scoreProxy: FaultProxy | undefined;
  let dashboard: DashboardServer | undefined;
  const faults = options.faults ?? NO_FAULTS;
  // The template is awaited by the observer; a synth that fails early must not be an unhandled rejection meanwhile.
  options.observe?.template.catch(() => undefined);
  const collector = options.observe && new MetricCollector({ now: options.observe.now, file: options.persistDir === undefined ? undefined : resolve(options.persistDir, 'metrics.jsonl') });
  // Tapped before any function starts, so that no EMF line is missed.
  const untap = collector ? tapStdout((line) => collector.record(...emfDatapoints(line, collector.now()))) : () => undefined;
  const timers: NodeJS.Timeout[] = [];
  const observer = collector && new Observer(collector, options.observe!.template);
  let stopped = false;
  const stopObserving = async () => {
    stopped = true;
    untap();
    for (const timer of timers) clearInterval(timer);
    await dashboard?.close();
  };
  try {
    await ensureScoreTable(dynamoDb.endpoint, DEFAULT_TABLE_NAME);
    // What the Lambda runtime puts in the process environment, where the SDK and Powertools read it:
    // the emulator's credentials replace any real ones, so that nothing this process sends reaches AWS.
    process.env.AWS_ACCESS_KEY_ID = LOCAL_AWS.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = LOCAL_AWS.credentials.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    batch = await startBatchRuntime({
      dynamoDbEndpoint: dynamoDb.endpoint,
      tableName: DEFAULT_TABLE_NAME,
      persistDir: options.persistDir === undefined ? undefined : resolve(options.persistDir, 'fauxqs'),
      ...(faultsOn(faults) && { faults: randomFaults(faults) }),
      ...(collector && { onMessagesDeleted: (count: number) => recordDeleted(collector, BATCH_FUNCTION.queue, count) }),
      ...options.batch,
    });
    const emulators = { dynamodb: dynamoDb.endpoint, s3: batch.fauxqs.endpoint, sqs: batch.fauxqs.endpoint };
    if (faultsOn(faults)) {
      // The score function's calls meet the same faults; `crash` is for batch invocations only.
      const calls = randomFaults({ ...faults, crash: 0 }).invocation();
      scoreProxy = await startFaultProxy({ targets: emulators, judge: (request) => calls.judge(request) });
    }
    const functionEnv = {
      TABLE_NAME: DEFAULT_TABLE_NAME,
      BUCKET_NAME: batch.bucket,
      AWS_REGION: LOCAL_AWS.region,
      ...endpointEnv(scoreProxy?.endpoints ?? emulators),
      // Every input goes to the reservoir, so that a few hundred companies scored here are enough for a refresh.
      SAMPLE_RATE: '1',
      POWERTOOLS_SERVICE_NAME: 'score-api',
      ...LOCAL_POWERTOOLS,
      ...options.functionEnv,
    };
    const pool = createSandboxPool<APIGatewayProxyEvent, APIGatewayProxyResult>(() => createHandler(functionEnv), {
      ...SCORE_FUNCTION,
      region: LOCAL_AWS.region,
    });
    contextRefresh = startContextRefreshSchedule({
      env: {
        ...contextRefreshEnv({ dynamoDbEndpoint: dynamoDb.endpoint, s3Endpoint: batch.fauxqs.endpoint, tableName: DEFAULT_TABLE_NAME, bucket: batch.bucket }),
        ...options.contextRefresh?.functionEnv,
      },
      log: options.contextRefresh?.log ?? ((message) => process.stderr.write(`${message}\n`)),
    });
    const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
    const gateway = await startGateway({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? DEFAULT_PORT,
      stage: API_STAGE,
      keys: fileKeyRing(keysFile, keys, log),
      resolve: scoreApiResources(),
      invoke: (event) => pool.invoke(event),
      log,
      ...(collector && observer && { observe: (request) => recordRequest(collector, API_STAGE, request, observer.requestsPerKey) }),
    });
    let observability: Observability | undefined;
    if (collector && observer) {
      const s3 = s3Client(batch.fauxqs.endpoint);
      const { runs, bucket } = batch;
      dashboard = await startDashboardServer({ host: options.host ?? '127.0.0.1', port: options.observe!.port ?? 0, observer, batches: () => recentBatches(s3, bucket, runs) });
      const endpoint = batch.fauxqs.endpoint;
      const sampleQueues = async () => {
        await Promise.all([BATCH_FUNCTION.queue, BATCH_FUNCTION.deadLetterQueue].map((queue) => sampleQueue(collector, endpoint, queue)));
      };
      const canary = () => runCanary(collector, gateway.url);
      const sample = () => void sampleQueues().catch((error: unknown) => log(`queue metrics: ${(error as Error).message}`));
      timers.push(setInterval(sample, options.observe!.queueSampleMs ?? 10_000).unref());
      void observer.whenReady().then((view) => {
        if (!view || stopped) return;
        // The canary runs on the stack canary's own schedule, as soon as the stack says what it is.
        timers.push(setInterval(() => void canary(), view.canaryRateMs).unref());
        void canary();
      });
      observability = { url: dashboard.url, collector, observer, runCanary: canary, sampleQueues };
    }
    return {
      url: gateway.url,
      apiKey: keys.find((key) => key.tenant === DEV_TENANT)!,
      keysFile,
      keysCreated: created,
      keysMigrated: migrated,
      dynamoDb,
      batch,
      contextRefresh,
      observability,
      async stop() {
        await stopObserving();
        await gateway.close();
        await scoreProxy?.close();
        await contextRefresh?.stop();
        await batch?.stop();
        await dynamoDb.stop();
      },
    };
  } catch (error) {
    await stopObserving();
    await scoreProxy?.close();
    await contextRefresh?.stop();
    await batch?.stop();
    await dynamoDb.stop();
    throw error;
  }
}
