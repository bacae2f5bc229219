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
import { createSandboxPool } from './sandbox-pool.js';
import { ensureScoreTable } from './score-table.js';

/** The score function as the stack configures it. */
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
  const faults = options.faults ?? NO_FAULTS;
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
    });
    return {
      url: gateway.url,
      apiKey: keys.find((key) => key.tenant === DEV_TENANT)!,
      keysFile,
      keysCreated: created,
      keysMigrated: migrated,
      dynamoDb,
      batch,
      contextRefresh,
      async stop() {
        await gateway.close();
        await scoreProxy?.close();
        await contextRefresh?.stop();
        await batch?.stop();
        await dynamoDb.stop();
      },
    };
  } catch (error) {
    await scoreProxy?.close();
    await contextRefresh?.stop();
    await batch?.stop();
    await dynamoDb.stop();
    throw error;
  }
}
