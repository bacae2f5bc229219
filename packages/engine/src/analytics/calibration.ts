import { SUBSCORE_NAMES } from '../subscores.js';
import type { ComponentWeights, Weights } from '../weights.js';
import { bootstrapTau, DEFAULT_BOOTSTRAP, type BootstrapOptions } from './bootstrap.js';
import { kendallTauB } from './kendall.js';
import { scoresUnder, type LabeledSet } from './labeled.js';
import { calibrationMetrics, type CalibrationMetrics } from './metrics.js';
import { DEFAULT_SEARCH, maximizeWeights, roundWeights, type SearchOptions } from './optimizer.js';
import type { CalibrationEvidence } from './weights-proposal.js';

/** The proposed weights' own Kendall test must reach this significance for a change to be proposed. */
export const SIGNIFICANCE_LEVEL = 0.05;

/** How the scores under `weights` agree with the labels. */
export function evaluateWeights(set: LabeledSet, weights: ComponentWeights): CalibrationMetrics {
  return calibrationMetrics(scoresUnder(set, weights), set.truths);
}

export interface Optimization {
  current: { weights: ComponentWeights; metrics: CalibrationMetrics };
  /** Rounded to 4 decimals as they would be written; the metrics are those of the rounded weights. */
  proposed: { weights: ComponentWeights; metrics: CalibrationMetrics };
  gain: {
    kendall_tau: number;
    confidence_interval: [number, number];
    confidence_level: number;
    resamples: number;
  };
  /** Bootstrap interval of the proposed weights' Kendall tau: the evidence block's confidence_interval. */
  proposed_tau_interval: [number, number];
  search: SearchOptions & { evaluations: number };
  bootstrap: BootstrapOptions;
  /** Why no change is proposed, or null when the proposal stands. */
  refusal: string | null;
}

const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;

function refusalReason(optimization: Omit<Optimization, 'refusal'>): string | null {
  const { gain, current, proposed } = optimization;
  const [low, high] = gain.confidence_interval;
  const level = `${Math.round(gain.confidence_level * 100)}%`;
  if (!(gain.kendall_tau > 0)) {
    return `no weights within the constraints rank the labelled companies better than the current ones (Kendall tau ${current.metrics.kendall.statistic.toFixed(4)})`;
  }
  if (!(low > 0)) {
    return `the gain in Kendall tau (${signed(gain.kendall_tau)}) is not significant: its ${level} bootstrap interval [${signed(low)}, ${signed(high)}] does not exclude 0; label more companies and calibrate again`;
  }
  if (!(proposed.metrics.kendall.p_value < SIGNIFICANCE_LEVEL)) {
    return `the proposed weights' agreement with the labels is itself not significant (Kendall tau ${proposed.metrics.kendall.statistic.toFixed(4)}, p = ${proposed.metrics.kendall.p_value.toPrecision(3)} ≥ ${SIGNIFICANCE_LEVEL})`;
  }
  return null;
}

/**
 * Searches the weights that best rank the labelled companies (Kendall tau) within the file's constraints,
 * and judges whether the gain over the current weights is real. The bootstrap interval treats the proposed
 * weights as fixed, so it does not account for their having been chosen on the same labels: validate a
 * proposal on fresh labels before adopting it.
 */
export function optimizeCalibration(
  set: LabeledSet,
  weights: Weights,
  options: { search?: SearchOptions; bootstrap?: BootstrapOptions } = {},
): Optimization {
  const search = options.search ?? DEFAULT_SEARCH;
  const bootstrap = options.bootstrap ?? DEFAULT_BOOTSTRAP;
  const bounds = { min: weights.constraints.min_component_weight, max: weights.constraints.max_component_weight };
  const current = weights.weights;
  const found = maximizeWeights((w) => kendallTauB(scoresUnder(set, w), set.truths).statistic, current, bounds, search);
  const proposedWeights = roundWeights(found.weights, bounds);
  const currentMetrics = evaluateWeights(set, current);
  const proposedMetrics = evaluateWeights(set, proposedWeights);
  const intervals = bootstrapTau(set, current, proposedWeights, bootstrap);
  const optimization = {
    current: { weights: current, metrics: currentMetrics },
    proposed: { weights: proposedWeights, metrics: proposedMetrics },
    gain: {
      kendall_tau: proposedMetrics.kendall.statistic - currentMetrics.kendall.statistic,
      confidence_interval: intervals.gain,
      confidence_level: bootstrap.confidence,
      resamples: intervals.resamples,
    },
    proposed_tau_interval: intervals.proposed,
    search: { ...search, evaluations: found.evaluations },
    bootstrap,
  };
  return { ...optimization, refusal: refusalReason(optimization) };
}

/** One line for the change log: what moved and on what evidence. */
export function describeChange(optimization: Optimization): string {
  const { current, proposed, gain } = optimization;
  const moves = SUBSCORE_NAMES.filter((name) => current.weights[name] !== proposed.weights[name]).map(
    (name) => `${name} ${current.weights[name]} → ${proposed.weights[name]}`,
  );
  const [low, high] = gain.confidence_interval;
  return (
    `Calibrated on ${proposed.metrics.n} labelled companies: Kendall tau ${current.metrics.kendall.statistic.toFixed(4)} → ${proposed.metrics.kendall.statistic.toFixed(4)} ` +
    `(${signed(gain.kendall_tau)}, ${Math.round(gain.confidence_level * 100)}% bootstrap interval [${signed(low)}, ${signed(high)}]); ${moves.join(', ')}.`
  );
}

/** The evidence block of a proposed weights file: the proposed weights' agreement with the labels. */
export function calibrationEvidence(optimization: Optimization, validationDate: string): CalibrationEvidence {
  const { metrics } = optimization.proposed;
  return {
    sample_size: metrics.n,
    kendall_tau: metrics.kendall.statistic,
    spearman_rho: metrics.spearman.statistic,
    pearson_r: metrics.pearson.statistic,
    p_value: metrics.kendall.p_value,
    confidence_interval: optimization.proposed_tau_interval,
    validation_date: validationDate,
  };
}
