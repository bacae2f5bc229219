import { kolmogorovSf } from './kolmogorov.js';

/** Result of the two-sided two-sample Kolmogorov–Smirnov test. */
export interface KsResult {
  /** Largest distance between the two empirical CDFs. */
  statistic: number;
  p_value: number;
  method: 'exact' | 'asymptotic';
}

/** scipy's method='auto' computes exactly while neither sample exceeds this size. */
const EXACT_MAX_SIZE = 10_000;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** numpy's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** sup |F1 − F2| over all observed values, both ECDFs taken right-continuous so that ties count once. */
function ecdfDistance(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  let j = 0;
  let above = 0;
  let below = 0;
  while (i < a.length || j < b.length) {
    const value = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i]! <= value) i += 1;
    while (j < b.length && b[j]! <= value) j += 1;
    const diff = i / a.length - j / b.length;
    above = Math.max(above, diff);
    below = Math.max(below, -diff);
  }
  return Math.max(above, Math.min(1, below));
}

/** P(D ≥ h/n) for two samples of n: the lattice paths leaving the band |x − y| < h (alternating reflection sum, Horner form). */
function equalSizesP(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k -= 1) {
    let term = 1;
    for (let j = 0; j < h; j += 1) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * P(D ≥ h/lcm) for samples of m and n: the share of lattice paths from (0,0) to (m,n) that leave the band
 * |x/m − y/n| < h/lcm, accumulated column by column directly as a proportion (Hodges 1958; recursion for
 * 1 − p from Viehmann, arXiv:2102.08037), which stays in [0, 1] where path counts would overflow.
 */
function unequalSizesP(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minJ = 0;
  let maxJ = Math.min(Math.ceil(h / mg), n + 1);
  let currentLength = maxJ - minJ;
  const column = new Float64Array(Math.min(2 * maxJ + 2, n + 1)).fill(1);
  column.fill(0, minJ, maxJ);
  for (let i = 1; i <= m; i += 1) {
    const lastMinJ = minJ;
    const lastLength = currentLength;
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxJ <= minJ) return 1;
    let value = minJ === 0 ? 0 : 1;
    for (let jj = 0; jj < maxJ - minJ; jj += 1) {
      const j = jj + minJ;
      value = (column[jj + minJ - lastMinJ]! * i + value * j) / (i + j);
      column[jj] = value;
    }
    currentLength = maxJ - minJ;
    if (lastLength > currentLength) column.fill(1, currentLength, lastLength);
  }
  return column[maxJ - minJ - 1]!;
}

/**
 * The statistic snapped to the lattice of attainable values k/lcm (removing rounding noise), and its exact
 * p-value, or null where rounding made the computation leave [0, 1].
 */
function exactTest(n1: number, n2: number, d: number): { statistic: number; p: number | null } {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, p: 1 };
  const p = n1 === n2 ? equalSizesP(n1, h) : unequalSizesP(n1, n2, g, h);
  return { statistic, p: Number.isFinite(p) && p >= 0 && p <= 1 ? p : null };
}

/**
 * Two-sided two-sample Kolmogorov–Smirnov test, as scipy.stats.ks_2samp(method='auto'): the exact
 * distribution while both samples have at most 10 000 values, otherwise the one-sample distribution at the
 * effective size m·n/(m+n).
 */
export function ksTwoSample(sample1: readonly number[], sample2: readonly number[]): KsResult {
  if (sample1.length === 0 || sample2.length === 0) throw new RangeError('the Kolmogorov–Smirnov test needs two non-empty samples');
  const a = [...sample1].sort((x, y) => x - y);
  const b = [...sample2].sort((x, y) => x - y);
  let d = ecdfDistance(a, b);
  if (Math.max(a.length, b.length) <= EXACT_MAX_SIZE) {
    const exact = exactTest(a.length, b.length, d);
    if (exact.p !== null) return { statistic: exact.statistic, p_value: exact.p, method: 'exact' };
    d = exact.statistic;
  }
  const effectiveSize = (a.length * b.length) / (a.length + b.length);
  return { statistic: d, p_value: kolmogorovSf(roundHalfEven(effectiveSize), d), method: 'asymptotic' };
}
