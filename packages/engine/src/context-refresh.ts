import { detectDrift, type DriftReport } from './analytics/drift.js';
import { createContextFitter, DEFAULT_FIT_THRESHOLD, type NormContext } from './context.js';
import { validateCompany } from './schema.js';
import type { Weights } from './weights.js';

/** A refresh publishes only a context fitted on at least this many companies that meet the confidence threshold. */
export const MIN_REFRESH_COMPANIES = 100;

export interface RefreshInput {
  /** The new sample: stored company records, as parsed JSON. */
  sample: readonly unknown[];
  /** The context in use. */
  current: NormContext;
  /** The sample `current` was fitted on; null when it is not known (the bundled context, or one published by hand). */
  currentSample: readonly unknown[] | null;
  weights: Weights;
  /** The fit time of the new context. */
  now: Date;
  minCompanies?: number;
  confidenceThreshold?: number;
}

interface Outcome {
  /** Sampled companies that meet the confidence threshold: the size a fit would have. */
  eligible: number;
  /** The engine's drift checks between the current and the new sample; null when there is no current sample. */
  drift: DriftReport | null;
}

export type RefreshPlan = (Outcome & { action: 'publish'; context: NormContext }) | (Outcome & { action: 'keep'; reason: string });

/**
 * What a refresh does with a new sample: fit a context on it when enough of it is trustworthy, else
 * keep the current one and say why. Drift is checked either way: a sample too small to fit on can
 * still show that the inputs have moved.
 */
export function planRefresh(input: RefreshInput): RefreshPlan {
  const threshold = input.confidenceThreshold ?? DEFAULT_FIT_THRESHOLD;
  const minCompanies = input.minCompanies ?? MIN_REFRESH_COMPANIES;
  const fitter = createContextFitter({ confidenceThreshold: threshold });
  for (const record of input.sample) {
    const checked = validateCompany(record);
    if (checked.ok) fitter.add(checked.value);
  }
  const baseline = input.currentSample;
  // Both sides are scored with the context in use, so that only the inputs can differ.
  const drift =
    baseline !== null && baseline.length > 0 && input.sample.length > 0
      ? detectDrift({ baseline, current: input.sample, context: input.current, weights: input.weights })
      : null;
  const outcome = { eligible: fitter.count, drift };
  if (fitter.count < minCompanies) {
    return {
      ...outcome,
      action: 'keep',
      reason: `only ${fitter.count} sampled companies meet confidence threshold ${threshold}; a context is published from ${minCompanies}`,
    };
  }
  return { ...outcome, action: 'publish', context: fitter.finish({ now: input.now }) };
}
