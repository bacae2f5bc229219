/**
 * Descriptive statistics of one sample, with the conventions of numpy/scipy defaults: population
 * (divide-by-n) moments, biased Fisher–Pearson skewness and biased excess kurtosis.
 */
export interface Description {
  n: number;
  mean: number | null;
  /** Population standard deviation. */
  std: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
  /** m3 / m2^1.5; null for fewer than one value or a constant sample, whose shape is undefined. */
  skewness: number | null;
  /** m4 / m2² − 3; null like skewness. */
  kurtosis: number | null;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const x of values) sum += x;
  return sum / values.length;
}

/** The middle value, or the mean of the two middle values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Central moment of the given order around `center`. */
function centralMoment(values: readonly number[], center: number, order: number): number {
  let sum = 0;
  for (const x of values) sum += (x - center) ** order;
  return sum / values.length;
}

export function describeSample(values: readonly number[]): Description {
  const n = values.length;
  if (n === 0) return { n, mean: null, std: null, median: null, min: null, max: null, skewness: null, kurtosis: null };
  const m = mean(values);
  const m2 = centralMoment(values, m, 2);
  // A loop, not Math.min(...values): spreading a month of records overflows the call stack.
  let min = Infinity;
  let max = -Infinity;
  for (const x of values) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  // Rounding leaves a constant sample a tiny non-zero m2, which would make the shape statistics noise.
  const constant = min === max;
  return {
    n,
    mean: m,
    std: Math.sqrt(m2),
    median: median(values),
    min,
    max,
    skewness: constant ? null : centralMoment(values, m, 3) / m2 ** 1.5,
    kurtosis: constant ? null : centralMoment(values, m, 4) / m2 ** 2 - 3,
  };
}
