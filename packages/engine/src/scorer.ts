import type { NormContext } from './context.js';
import { defaultContext } from './default-context.js';
import { buildPayload, type PayloadOptions } from './payload.js';
import type { ScorePayload } from './payload-schema.js';
import type { Company } from './schema.js';
import { loadWeights, type Weights } from './weights.js';

export interface ScorerOptions extends Partial<PayloadOptions> {
  /** Defaults to the context fitted on the shipped sample cohort. */
  context?: NormContext;
  /** Defaults to `loadWeights()`: WEIGHTS_CONFIG_PATH, else the repository's weights.yaml. */
  weights?: Weights;
}

export interface Scorer {
  readonly context: NormContext;
  readonly weights: Weights;
  readonly options: PayloadOptions;
  score(company: Company): ScorePayload;
}

/** Binds a context, weights and options once, so the per-company call does no set-up work. */
export function createScorer(options: ScorerOptions = {}): Scorer {
  const context = options.context ?? defaultContext;
  const weights = options.weights ?? loadWeights();
  const payloadOptions: PayloadOptions = {
    mask: options.mask ?? true,
    verbose: options.verbose ?? false,
    deterministic: options.deterministic ?? false,
  };
  return {
    context,
    weights,
    options: payloadOptions,
    score: (company) => buildPayload(company, context, weights, payloadOptions),
  };
}
