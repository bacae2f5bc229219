import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_WEIGHTS_PATH, loadWeights, WeightsError, type Weights } from '@echo-ridge/engine';
import { createContextSource, createContextStore, createDynamoDbClient, documentClientOf, createSampler, createScorerSource, createStore, type Sampler, type ScorerSource, type Store, type TenantStore } from '@echo-ridge/store';
import { loadConfig, type Config, type Env } from './config.js';
import { createIdempotencyRecords, type IdempotencyRecords } from './idempotency.js';
import type { Telemetry } from './telemetry.js';

/** Everything a route needs, built once per cold start. */
export interface Service extends Telemetry {
  config: Config;
  /** Scorers of the current context, or of an older one for re-scoring. */
  scoring: ScorerSource;
  store: Store;
  /** Keeps a share of the scored inputs for the daily context refresh. */
  sampler: Sampler;
  /** The data bucket's client (config.BUCKET_NAME): contexts, and presigned URLs of batch files. */
  s3: S3Client;
  /** Where the writes that accept Idempotency-Key keep their records (idempotency.ts). */
  idempotencyRecords: IdempotencyRecords;
}

/** What a keyed route works with: the service, its store narrowed to the caller's tenant. */
export interface TenantService extends Omit<Service, 'store'> {
  store: TenantStore;
}

/** A failed set-up keeps its problems, so that /healthz can name them while every other route fails. */
export type Setup = { ok: true; service: Service } | { ok: false; problems: string[] };

/** The weights file is configuration too: a broken one is a problem to report, not a crash. */
function readWeights(path: string): { ok: true; weights: Weights } | { ok: false; problems: string[] } {
  try {
    return { ok: true, weights: loadWeights(path) };
  } catch (error) {
    if (error instanceof WeightsError) return { ok: false, problems: [error.message] };
    throw error;
  }
}

export function setUp(env: Env, telemetry: Telemetry): Setup {
  const loaded = loadConfig(env);
  if (!loaded.ok) return loaded;
  const { config } = loaded;
  const read = readWeights(config.WEIGHTS_CONFIG_PATH ?? DEFAULT_WEIGHTS_PATH);
  if (!read.ok) return read;
  // Captured clients: every DynamoDB and S3 call is a subsegment of the request's trace.
  const { tracer } = telemetry;
  // The document client shares the captured client's middleware, so its calls are traced too; Powertools Idempotency takes the plain client.
  const dynamoDb = tracer.captureAWSv3Client(createDynamoDbClient({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL_DYNAMODB }));
  const client = documentClientOf(dynamoDb);
  const table = { client, tableName: config.TABLE_NAME, now: () => new Date() };
  const s3 = tracer.captureAWSv3Client(new S3Client({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL_S3, forcePathStyle: config.AWS_ENDPOINT_URL_S3 !== undefined }));
  const contexts = createContextSource({
    contexts: createContextStore({ table, s3, bucket: config.BUCKET_NAME }),
    pollMs: config.CONTEXT_POLL_SECONDS * 1000,
    onStale: (error) => telemetry.logger.warn('scoring with the cached normalization context: the current one could not be read', { error: error as Error }),
  });
  return {
    ok: true,
    service: {
      ...telemetry,
      config,
      scoring: createScorerSource(contexts, { weights: read.weights, mask: config.MASK_ON_INFEASIBLE }),
      store: createStore({ ...table, retentionDays: config.RETENTION_DAYS }),
      sampler: createSampler(table, config.SAMPLE_RATE),
      s3,
      idempotencyRecords: createIdempotencyRecords(dynamoDb, config.TABLE_NAME),
    },
  };
}
