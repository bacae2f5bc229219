import { mean } from './descriptive.js';
import { correlationTwoSidedP } from './distributions.js';

/** A correlation coefficient and its two-sided p-value; both NaN when undefined (a constant input), as in scipy. */
export interface Correlation {
  statistic: number;
  p_value: number;
}

/** Fewer pairs leave no degree of freedom for the test. */
export const MIN_CORRELATION_PAIRS = 3;

export function assertPaired(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new RangeError(`paired samples differ in length (${x.length} and ${y.length})`);
  if (x.length < MIN_CORRELATION_PAIRS) throw new RangeError(`a correlation test needs at least ${MIN_CORRELATION_PAIRS} pairs, got ${x.length}`);
}

export const isConstant = (values: readonly number[]): boolean => values.every((v) => v === values[0]);

/** The centred vector scaled to unit length; dividing by the largest deviation first keeps squares from overflowing. */
function unitDeviations(values: readonly number[]): number[] {
  const m = mean(values);
  const centred = values.map((v) => v - m);
  let scale = 0;
  for (const v of centred) scale = Math.max(scale, Math.abs(v));
  let sumSquares = 0;
  for (const v of centred) sumSquares += (v / scale) ** 2;
  const norm = scale * Math.sqrt(sumSquares);
  return centred.map((v) => v / norm);
}

function pearsonCoefficient(x: readonly number[], y: readonly number[]): number {
  const ux = unitDeviations(x);
  const uy = unitDeviations(y);
  let r = 0;
  for (let i = 0; i < ux.length; i += 1) r += ux[i]! * uy[i]!;
  return Math.min(1, Math.max(-1, r));
}

/** Pearson product-moment correlation, two-sided test (scipy.stats.pearsonr). */
export function pearson(x: readonly number[], y: readonly number[]): Correlation {
  assertPaired(x, y);
  if (isConstant(x) || isConstant(y)) return { statistic: NaN, p_value: NaN };
  const r = pearsonCoefficient(x, y);
  return { statistic: r, p_value: correlationTwoSidedP(r, x.length) };
}

/** Ranks from 1, ties sharing the mean of the ranks they span (scipy.stats.rankdata 'average'). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end += 1;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k += 1) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman's rank correlation, two-sided t-test (scipy.stats.spearmanr). */
export function spearman(x: readonly number[], y: readonly number[]): Correlation {
  assertPaired(x, y);
  if (isConstant(x) || isConstant(y)) return { statistic: NaN, p_value: NaN };
  const rho = pearsonCoefficient(averageRanks(x), averageRanks(y));
  return { statistic: rho, p_value: correlationTwoSidedP(rho, x.length) };
}
