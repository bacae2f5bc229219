import type { ComponentWeights } from '../weights.js';
import { kendallTauB } from './kendall.js';
import { scoresUnder, selectLabeled, type LabeledSet } from './labeled.js';
import { createRandom } from './random.js';

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** Two-sided coverage of the percentile intervals. */
  confidence: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 1000, seed: 1, confidence: 0.95 };

/** The q-quantile of sorted values, interpolating linearly between order statistics (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

export interface TauIntervals {
  /** Percentile interval of tau(proposed) − tau(current). */
  gain: [number, number];
  /** Percentile interval of tau(proposed). */
  proposed: [number, number];
  /** Resamples with a defined tau on both sides (a resample of equal labels has none). */
  resamples: number;
}

/**
 * Seeded percentile bootstrap over companies of Kendall tau under two weight sets. Both are scored on the
 * same resample, so the gain interval reflects their paired difference, not two independent spreads.
 */
export function bootstrapTau(set: LabeledSet, current: ComponentWeights, proposed: ComponentWeights, options: BootstrapOptions = DEFAULT_BOOTSTRAP): TauIntervals {
  const random = createRandom(options.seed);
  const n = set.truths.length;
  const gains: number[] = [];
  const proposedTaus: number[] = [];
  for (let b = 0; b < options.resamples; b += 1) {
    const sample = selectLabeled(set, Array.from({ length: n }, () => random.int(n)));
    const tauProposed = kendallTauB(scoresUnder(sample, proposed), sample.truths).statistic;
    const tauCurrent = kendallTauB(scoresUnder(sample, current), sample.truths).statistic;
    if (Number.isNaN(tauProposed) || Number.isNaN(tauCurrent)) continue;
    gains.push(tauProposed - tauCurrent);
    proposedTaus.push(tauProposed);
  }
  const tail = (1 - options.confidence) / 2;
  const interval = (values: number[]): [number, number] => {
    const sorted = values.sort((a, b) => a - b);
    return [quantile(sorted, tail), quantile(sorted, 1 - tail)];
  };
  return { gain: interval(gains), proposed: interval(proposedTaus), resamples: gains.length };
}
