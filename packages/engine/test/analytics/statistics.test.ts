import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { pearson, spearman, type Correlation } from '../../src/analytics/correlation.js';
import { describeSample } from '../../src/analytics/descriptive.js';
import { kendallTauB } from '../../src/analytics/kendall.js';
import { kolmogorovSf } from '../../src/analytics/kolmogorov.js';
import { ksTwoSample } from '../../src/analytics/ks-test.js';

/** Values computed by scipy with ../fixtures/analytics/reference.py. */
interface Reference {
  descriptive: ({ name: string; values: number[] } & Record<'n' | 'mean' | 'std' | 'median' | 'min' | 'max' | 'skewness' | 'kurtosis', number | null>)[];
  correlation: { name: string; x: number[]; y: number[]; pearson: Expected; spearman: Expected; kendall: Expected }[];
  ks_2samp: { name: string; a: Sample; b: Sample; statistic: number; p_value: number }[];
  kstwo_sf: { n: number; x: number; sf: number }[];
}
interface Expected {
  statistic: number;
  p_value: number;
}
type Sample = number[] | { lattice: [number, number, number, number] };

const reference = JSON.parse(readFileSync(new URL('../fixtures/analytics/reference.json', import.meta.url), 'utf8')) as Reference;

/** Statistics to 1e-9 relative (absolute near zero). */
function expectStatistic(actual: number | null, expected: number | null): void {
  if (expected === null) return void expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

/** p-values to 1e-6 relative, so that tiny p-values are checked too, not just found to be near 0. */
function expectPValue(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * Math.abs(expected) + 1e-300);
}

function expectCorrelation(actual: Correlation, expected: Expected): void {
  expectStatistic(actual.statistic, expected.statistic);
  expectPValue(actual.p_value, expected.p_value);
}

/** Rebuilds a sample that reference.py stored as lattice parameters; the same IEEE operations give the same doubles. */
function materialize(sample: Sample): number[] {
  if (Array.isArray(sample)) return sample;
  const [count, multiplier, modulus, shift] = sample.lattice;
  return Array.from({ length: count }, (_, i) => Number((BigInt(i) * BigInt(multiplier)) % BigInt(modulus)) / modulus + shift);
}

describe('descriptive statistics against numpy/scipy', () => {
  it.each(reference.descriptive.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const actual = describeSample(c.values);
    expect(actual.n).toBe(c.n);
    for (const key of ['mean', 'std', 'median', 'min', 'max', 'skewness', 'kurtosis'] as const) expectStatistic(actual[key], c[key]);
  });

  it('reports nothing but n for an empty sample', () => {
    expect(describeSample([])).toEqual({ n: 0, mean: null, std: null, median: null, min: null, max: null, skewness: null, kurtosis: null });
  });
});

describe('correlations against scipy.stats', () => {
  const cases = reference.correlation.map((c) => [c.name, c] as const);
  it.each(cases)('pearsonr: %s', (_name, c) => expectCorrelation(pearson(c.x, c.y), c.pearson));
  it.each(cases)('spearmanr: %s', (_name, c) => expectCorrelation(spearman(c.x, c.y), c.spearman));
  it.each(cases)('kendalltau (tau-b): %s', (_name, c) => expectCorrelation(kendallTauB(c.x, c.y), c.kendall));

  it('is undefined (NaN) for a constant input, like scipy', () => {
    for (const f of [pearson, spearman, kendallTauB]) {
      const result = f([1, 2, 3], [5, 5, 5]);
      expect(result.statistic).toBeNaN();
      expect(result.p_value).toBeNaN();
    }
  });

  it('refuses unpaired or too short samples, naming the sizes', () => {
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow('paired samples differ in length (3 and 2)');
    expect(() => kendallTauB([1, 2], [1, 2])).toThrow('at least 3 pairs, got 2');
  });
});

describe('two-sample Kolmogorov–Smirnov test against scipy.stats.ks_2samp', () => {
  it.each(reference.ks_2samp.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const a = materialize(c.a);
    const b = materialize(c.b);
    const result = ksTwoSample(a, b);
    expectStatistic(result.statistic, c.statistic);
    expectPValue(result.p_value, c.p_value);
    expect(result.method).toBe(Math.max(a.length, b.length) > 10_000 ? 'asymptotic' : 'exact');
    // The test is symmetric in its samples.
    expect(ksTwoSample(b, a).p_value).toBe(result.p_value);
  });

  it('refuses an empty sample', () => {
    expect(() => ksTwoSample([], [1])).toThrow('two non-empty samples');
  });
});

describe('Kolmogorov distribution against scipy.stats.kstwo.sf', () => {
  it.each(reference.kstwo_sf.map((c) => [c.n, c.x, c.sf] as const))('n=%d, x=%d', (n, x, sf) => {
    expectPValue(kolmogorovSf(n, x), sf);
  });
});
