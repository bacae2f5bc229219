/**
 * CloudWatch statistics over the samples of one period, as "CloudWatch statistics definitions" (Amazon
 * CloudWatch User Guide) defines them. A datum carries raw values with counts, or a statistic set.
 */
export interface StatisticSet {
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
}

/** One PutMetricData datum as stored: raw values (each with a count), or a statistic set. */
export interface Sample {
  readonly timestamp: number;
  readonly values?: readonly number[];
  readonly counts?: readonly number[];
  readonly statistics?: StatisticSet;
}

const PERCENTILE = /^p(\d{1,2}(?:\.\d+)?|100)$/i;

/** Whether CloudWatch knows the statistic name; percentiles are `p0`–`p100`. */
export function isSupportedStatistic(statistic: string): boolean {
  return ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'].includes(statistic) || PERCENTILE.test(statistic);
}

/**
 * The statistic of the samples, or undefined when the period has no data or the statistic cannot be
 * computed from it (a percentile of statistic sets that are not single values, or of negative values).
 */
export function statistic(samples: readonly Sample[], name: string): number | undefined {
  if (samples.length === 0) return undefined;
  let count = 0;
  let sum = 0;
  let minimum = Infinity;
  let maximum = -Infinity;
  for (const sample of samples) {
    for (const [value, weight] of raw(sample)) {
      count += weight;
      sum += value * weight;
      minimum = Math.min(minimum, value);
      maximum = Math.max(maximum, value);
    }
    if (sample.statistics) {
      count += sample.statistics.sampleCount;
      sum += sample.statistics.sum;
      minimum = Math.min(minimum, sample.statistics.minimum);
      maximum = Math.max(maximum, sample.statistics.maximum);
    }
  }
  if (count === 0) return undefined;
  switch (name) {
    case 'SampleCount':
      return count;
    case 'Sum':
      return sum;
    case 'Average':
      return sum / count;
    case 'Minimum':
      return minimum;
    case 'Maximum':
      return maximum;
  }
  const match = PERCENTILE.exec(name);
  if (!match) throw new Error(`unsupported statistic ${name}`);
  return percentile(samples, Number(match[1]));
}

/** Values with their counts; a statistic set that stands for one repeated value counts as raw data. */
function raw(sample: Sample): [number, number][] {
  return (sample.values ?? []).map((value, index) => [value, sample.counts?.[index] ?? 1]);
}

/**
 * "p95 means that 95 percent of the data within the period is lower than this value": the nearest
 * rank, i.e. the largest value once the top (100 − p) % are left out. CloudWatch needs raw values: a
 * statistic set only counts when its minimum equals its maximum and its sum is minimum × count, and no
 * percentile exists when any value is negative.
 */
function percentile(samples: readonly Sample[], p: number): number | undefined {
  const weighted: [number, number][] = [];
  for (const sample of samples) {
    weighted.push(...raw(sample));
    const set = sample.statistics;
    if (set) {
      if (set.minimum !== set.maximum || set.sum !== set.minimum * set.sampleCount) return undefined;
      weighted.push([set.minimum, set.sampleCount]);
    }
  }
  if (weighted.some(([value]) => value < 0)) return undefined;
  weighted.sort((a, b) => a[0] - b[0]);
  const total = weighted.reduce((sum, [, count]) => sum + count, 0);
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [value, count] of weighted) {
    seen += count;
    if (seen >= rank) return value;
  }
  return weighted.at(-1)?.[0];
}
