import { createScorer, DEFAULT_WEIGHTS_PATH, loadWeights, WeightsError, type Scorer, type Weights } from '@echo-ridge/engine';
import { createDocumentClient, createStore, type Store } from '@echo-ridge/store';
import { loadConfig, type Config, type Env } from './config.js';
import type { Telemetry } from './telemetry.js';

/** Everything a route needs, built once per cold start. */
export interface Service extends Telemetry {
  config: Config;
  scorer: Scorer;
  verboseScorer: Scorer;
  store: Store;
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
  const scorerOptions = { weights: read.weights, mask: config.MASK_ON_INFEASIBLE };
  return {
    ok: true,
    service: {
      ...telemetry,
      config,
      scorer: createScorer(scorerOptions),
      verboseScorer: createScorer({ ...scorerOptions, verbose: true }),
      store: createStore({
        client: createDocumentClient({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL_DYNAMODB }),
        tableName: config.TABLE_NAME,
        retentionDays: config.RETENTION_DAYS,
      }),
    },
  };
}
