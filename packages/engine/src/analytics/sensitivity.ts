import { SUBSCORE_NAMES, type SubscoreName } from '../subscores.js';
import type { ComponentWeights } from '../weights.js';
import { kendallTauB } from './kendall.js';
import { scoresUnder, type LabeledSet } from './labeled.js';

/** Each weight is moved up and down by this share, then all are renormalised. */
export const PERTURBATION = 0.1;
/** A weight moved down never falls below this, so a perturbation cannot switch a subscore off. */
export const PERTURBED_WEIGHT_FLOOR = 0.01;

export const STABILITY_RATINGS = ['highly_stable', 'stable', 'moderately_stable', 'unstable'] as const;
export type StabilityRating = (typeof STABILITY_RATINGS)[number];
/** Upper bounds of the first three ratings; anything larger is unstable. */
const RATING_BOUNDS = [0.02, 0.05, 0.1] as const;

export function rateSensitivity(sensitivity: number): StabilityRating {
  const index = RATING_BOUNDS.findIndex((bound) => sensitivity < bound);
  return STABILITY_RATINGS[index === -1 ? RATING_BOUNDS.length : index]!;
}

export interface WeightSensitivity {
  weight: SubscoreName;
  value: number;
  /** Kendall tau with this weight ×1.1 and ×0.9 (renormalised). */
  tau_up: number;
  tau_down: number;
  /** The larger absolute change of tau of the two moves. */
  sensitivity: number;
  rating: StabilityRating;
}

export interface SensitivityReport {
  sample_size: number;
  kendall_tau: number;
  weights: WeightSensitivity[];
  /** The largest sensitivity of any weight, and its rating. */
  sensitivity: number;
  rating: StabilityRating;
}

/** The weights with one of them scaled by `factor` (floored), all renormalised to sum 1. */
export function perturbWeight(weights: ComponentWeights, name: SubscoreName, factor: number): ComponentWeights {
  const moved = { ...weights, [name]: Math.max(PERTURBED_WEIGHT_FLOOR, weights[name] * factor) };
  const sum = SUBSCORE_NAMES.reduce((total, n) => total + moved[n], 0);
  return Object.fromEntries(SUBSCORE_NAMES.map((n) => [n, moved[n] / sum])) as ComponentWeights;
}

/** How much the ranking agreement with the labels (Kendall tau-b) moves when each weight moves by 10%. */
export function weightSensitivity(set: LabeledSet, weights: ComponentWeights): SensitivityReport {
  const tau = (w: ComponentWeights): number => kendallTauB(scoresUnder(set, w), set.truths).statistic;
  const base = tau(weights);
  const perWeight = SUBSCORE_NAMES.map((name): WeightSensitivity => {
    const up = tau(perturbWeight(weights, name, 1 + PERTURBATION));
    const down = tau(perturbWeight(weights, name, 1 - PERTURBATION));
    const sensitivity = Math.max(Math.abs(up - base), Math.abs(down - base));
    return { weight: name, value: weights[name], tau_up: up, tau_down: down, sensitivity, rating: rateSensitivity(sensitivity) };
  });
  const sensitivity = Math.max(...perWeight.map((w) => w.sensitivity));
  return { sample_size: set.truths.length, kendall_tau: base, weights: perWeight, sensitivity, rating: rateSensitivity(sensitivity) };
}
