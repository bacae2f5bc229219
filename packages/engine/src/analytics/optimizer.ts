import { SUBSCORE_NAMES } from '../subscores.js';
import type { ComponentWeights } from '../weights.js';
import { AnalyticsInputError } from './errors.js';
import { createRandom, type Random } from './random.js';

/** The box every weight must stay in (weights.yaml's min/max_component_weight); the weights also sum to 1. */
export interface WeightBounds {
  min: number;
  max: number;
}

export interface SearchOptions {
  seed: number;
  /** Random starting points besides the current weights. */
  restarts: number;
  /** Proposals per start. */
  steps: number;
}

export const DEFAULT_SEARCH: SearchOptions = { seed: 1, restarts: 8, steps: 300 };

/** First proposal spread, and the spread at which a start stops refining. */
const INITIAL_STEP = 0.05;
const FINAL_STEP = 0.001;
/** Rejected proposals in a row after which the spread halves. */
const PATIENCE = 20;
const BISECTION_ROUNDS = 200;

function assertFeasible(bounds: WeightBounds): void {
  const count = SUBSCORE_NAMES.length;
  if (!(bounds.min >= 0 && bounds.min <= bounds.max && bounds.min * count <= 1 && bounds.max * count >= 1)) {
    throw new AnalyticsInputError(
      `no ${count} weights summing to 1 fit min_component_weight ${bounds.min} and max_component_weight ${bounds.max}; the bounds need min·${count} ≤ 1 ≤ max·${count}`,
    );
  }
}

/**
 * The point of {w : min ≤ wᵢ ≤ max, Σw = 1} nearest to `raw` (Euclidean): wᵢ = clamp(rawᵢ − τ) with the
 * shift τ found by bisection, since Σ clamp(rawᵢ − τ) falls monotonically in τ.
 */
export function projectWeights(raw: readonly number[], bounds: WeightBounds): number[] {
  const clampAt = (tau: number): number[] => raw.map((x) => Math.min(bounds.max, Math.max(bounds.min, x - tau)));
  const total = (tau: number): number => clampAt(tau).reduce((sum, w) => sum + w, 0);
  let low = Math.min(...raw) - bounds.max;
  let high = Math.max(...raw) - bounds.min;
  for (let round = 0; round < BISECTION_ROUNDS && high - low > 0; round += 1) {
    const mid = (low + high) / 2;
    if (total(mid) > 1) low = mid;
    else high = mid;
  }
  return clampAt((low + high) / 2);
}

const toVector = (w: ComponentWeights): number[] => SUBSCORE_NAMES.map((name) => w[name]);
const toWeights = (vector: readonly number[]): ComponentWeights => Object.fromEntries(SUBSCORE_NAMES.map((name, i) => [name, vector[i]!])) as ComponentWeights;

/** A point drawn uniformly from the simplex (flat Dirichlet), then brought into the bounds. */
function randomStart(random: Random, bounds: WeightBounds): number[] {
  const draws = SUBSCORE_NAMES.map(() => -Math.log(1 - random.next()));
  const sum = draws.reduce((total, x) => total + x, 0);
  return projectWeights(draws.map((x) => x / sum), bounds);
}

export interface SearchResult {
  weights: ComponentWeights;
  value: number;
  evaluations: number;
}

/**
 * Maximises `objective` over the weights allowed by `bounds`: a seeded random-restart hill climb with
 * Gaussian proposals projected back into the constraints, the spread halving when progress stalls. Kendall
 * tau is piecewise constant in the weights, so no gradient exists to follow. Only a strict improvement
 * replaces the best point, and the current weights are the first start: on a tie they are kept.
 */
export function maximizeWeights(objective: (weights: ComponentWeights) => number, start: ComponentWeights, bounds: WeightBounds, options: SearchOptions = DEFAULT_SEARCH): SearchResult {
  assertFeasible(bounds);
  const random = createRandom(options.seed);
  let evaluations = 0;
  const evaluate = (vector: readonly number[]): number => {
    evaluations += 1;
    const value = objective(toWeights(vector));
    // An undefined objective (NaN) must never look like an improvement.
    return Number.isNaN(value) ? -Infinity : value;
  };

  const starts = [toVector(start), ...Array.from({ length: options.restarts }, () => randomStart(random, bounds))];
  let best = { vector: starts[0]!, value: -Infinity };
  for (const first of starts) {
    let point = { vector: first, value: evaluate(first) };
    let step = INITIAL_STEP;
    let rejected = 0;
    for (let i = 0; i < options.steps && step >= FINAL_STEP; i += 1) {
      const vector = projectWeights(point.vector.map((x) => x + step * random.normal()), bounds);
      const value = evaluate(vector);
      if (value > point.value) {
        point = { vector, value };
        rejected = 0;
      } else if (++rejected >= PATIENCE) {
        step /= 2;
        rejected = 0;
      }
    }
    if (point.value > best.value) best = point;
  }
  return { weights: toWeights(best.vector), value: best.value, evaluations };
}

/**
 * Weights rounded to `decimals` for the operators' file, still summing to exactly 1 in those units and
 * inside the bounds: the units lost or gained by rounding go to the weights rounded furthest.
 */
export function roundWeights(weights: ComponentWeights, bounds: WeightBounds, decimals = 4): ComponentWeights {
  const unit = 10 ** decimals;
  const scaled = SUBSCORE_NAMES.map((name) => weights[name] * unit);
  const units = scaled.map(Math.round);
  const lowest = Math.ceil(bounds.min * unit - 1e-9);
  const highest = Math.floor(bounds.max * unit + 1e-9);
  let residual = unit - units.reduce((sum, u) => sum + u, 0);
  // Largest rounding loss first when units are missing, largest gain first when there are too many.
  const order = SUBSCORE_NAMES.map((_, i) => i).sort((a, b) => Math.sign(residual) * ((scaled[b]! - units[b]!) - (scaled[a]! - units[a]!)));
  // Terminates: weights inside the bounds summing to 1 always leave some weight room to move.
  for (let k = 0; residual !== 0; k += 1) {
    const i = order[k % order.length]!;
    const next = units[i]! + Math.sign(residual);
    if (next < lowest || next > highest) continue;
    units[i] = next;
    residual -= Math.sign(residual);
  }
  return toWeights(units.map((u) => u / unit));
}
