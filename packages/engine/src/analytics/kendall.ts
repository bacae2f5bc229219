import { assertPaired, type Correlation } from './correlation.js';
import { normalTwoSidedP } from './distributions.js';

/** scipy's method='auto': exact p-values without ties up to this many pairs (and beyond it when c ≤ 1). */
const EXACT_MAX_PAIRS = 33;

/** For runs of equal values of sizes c: Σ c(c−1)/2 (tied pairs), Σ c(c−1)(c−2) and Σ c(c−1)(2c+5), the variance terms. */
interface Ties {
  pairs: number;
  v0: number;
  v1: number;
}

function tiesOfSorted(sorted: ArrayLike<number>): Ties {
  const ties: Ties = { pairs: 0, v0: 0, v1: 0 };
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && sorted[end] === sorted[start]) end += 1;
    const c = end - start;
    ties.pairs += (c * (c - 1)) / 2;
    ties.v0 += c * (c - 1) * (c - 2);
    ties.v1 += c * (c - 1) * (2 * c + 5);
    start = end;
  }
  return ties;
}

/** Pairs i < j with values[i] > values[j], by merge sort in O(n log n). */
function countInversions(values: Float64Array): number {
  const n = values.length;
  let from = Float64Array.from(values);
  let to = new Float64Array(n);
  let inversions = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // Equal values go left first: a tie is not an inversion.
        if (from[j]! < from[i]!) {
          inversions += mid - i;
          to[k++] = from[j++]!;
        } else to[k++] = from[i++]!;
      }
      while (i < mid) to[k++] = from[i++]!;
      while (j < hi) to[k++] = from[j++]!;
    }
    [from, to] = [to, from];
  }
  return inversions;
}

/**
 * Exact two-sided p-value of c concordant pairs among n items without ties: twice the lower tail of the
 * number of inversions of a random permutation (Kendall, Rank Correlation Methods, 1970). The counts are
 * divided by j at step j so that they stay in range for any n.
 */
function exactTwoSidedP(n: number, concordant: number): number {
  const total = (n * (n - 1)) / 2;
  const c = Math.min(concordant, total - concordant);
  // Inversion counts 0..c of permutations of 2 items, times 2 (the two tails).
  const dist = new Float64Array(c + 1);
  dist.fill(1, 0, Math.min(2, c + 1));
  for (let j = 3; j <= n; j += 1) {
    let running = 0;
    for (let k = 0; k <= c; k += 1) {
      running += dist[k]!;
      dist[k] = running / j;
    }
    for (let k = c; k >= j; k -= 1) dist[k]! -= dist[k - j]!;
  }
  let p = 0;
  for (const mass of dist) p += mass;
  return Math.min(1, Math.max(0, p));
}

/** Kendall's tau-b with scipy.stats.kendalltau's two-sided p-value (method 'auto'). */
export function kendallTauB(x: readonly number[], y: readonly number[]): Correlation {
  assertPaired(x, y);
  const n = x.length;
  const order = x.map((_, i) => i).sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);
  const xs = order.map((i) => x[i]!);
  const ys = Float64Array.from(order, (i) => y[i]!);

  const xTies = tiesOfSorted(xs);
  let jointPairs = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && xs[end] === xs[start] && ys[end] === ys[start]) end += 1;
    jointPairs += ((end - start) * (end - start - 1)) / 2;
    start = end;
  }
  // Within a run of equal x the y are ascending, so x-ties never count as discordant.
  const discordant = countInversions(ys);
  const yTies = tiesOfSorted(Float64Array.from(ys).sort());

  const total = (n * (n - 1)) / 2;
  if (xTies.pairs === total || yTies.pairs === total) return { statistic: NaN, p_value: NaN };
  const concordantMinusDiscordant = total - xTies.pairs - yTies.pairs + jointPairs - 2 * discordant;
  const tau = Math.min(1, Math.max(-1, concordantMinusDiscordant / Math.sqrt(total - xTies.pairs) / Math.sqrt(total - yTies.pairs)));

  const noTies = xTies.pairs === 0 && yTies.pairs === 0;
  if (noTies && (n <= EXACT_MAX_PAIRS || Math.min(discordant, total - discordant) <= 1)) {
    return { statistic: tau, p_value: exactTwoSidedP(n, total - discordant) };
  }
  const m = n * (n - 1);
  const variance = (m * (2 * n + 5) - xTies.v1 - yTies.v1) / 18 + (2 * xTies.pairs * yTies.pairs) / m + (xTies.v0 * yTies.v0) / (9 * m * (n - 2));
  return { statistic: tau, p_value: normalTwoSidedP(concordantMinusDiscordant / Math.sqrt(variance)) };
}
