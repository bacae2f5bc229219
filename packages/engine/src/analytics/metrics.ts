import { pearson, spearman, type Correlation } from './correlation.js';
import { median } from './descriptive.js';
import { kendallTauB } from './kendall.js';

/** Cut-offs at which precision is reported; a cut-off above n is reported once, as n. */
export const PRECISION_CUTOFFS = [5, 10, 20, 50] as const;

export interface CalibrationMetrics {
  n: number;
  pearson: Correlation;
  spearman: Correlation;
  kendall: Correlation;
  /** Relevant = ground truth at or above its median. */
  precision_at_k: { k: number; precision: number }[];
  mean_absolute_error: number;
}

/**
 * Share of relevant companies among the k best scored, for each cut-off. Equal scores keep input order, so
 * the figure is reproducible.
 */
export function precisionAtK(scores: readonly number[], truths: readonly number[], cutoffs: readonly number[] = PRECISION_CUTOFFS): { k: number; precision: number }[] {
  const threshold = median(truths);
  const ranked = scores.map((score, i) => ({ score, relevant: truths[i]! >= threshold })).sort((a, b) => b.score - a.score);
  const ks = [...new Set(cutoffs.map((k) => Math.min(k, scores.length)))];
  return ks.map((k) => ({ k, precision: ranked.slice(0, k).filter((entry) => entry.relevant).length / k }));
}

/** How well scores agree with labelled outcomes, in rank (tau, rho, precision@k), linear (r) and absolute (MAE) terms. */
export function calibrationMetrics(scores: readonly number[], truths: readonly number[]): CalibrationMetrics {
  let absoluteError = 0;
  scores.forEach((score, i) => (absoluteError += Math.abs(score - truths[i]!)));
  return {
    n: scores.length,
    pearson: pearson(scores, truths),
    spearman: spearman(scores, truths),
    kendall: kendallTauB(scores, truths),
    precision_at_k: precisionAtK(scores, truths),
    mean_absolute_error: absoluteError / scores.length,
  };
}
