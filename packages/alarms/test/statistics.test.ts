import { describe, expect, it } from '@jest/globals';
import { statistic, type Sample } from '../src/index.js';

const raw = (...values: number[]): Sample => ({ timestamp: 0, values });

// Amazon CloudWatch User Guide, "CloudWatch statistics definitions".
describe('statistics (docs: "CloudWatch statistics definitions")', () => {
  const samples = [raw(...Array.from({ length: 100 }, (_, index) => index + 1))];

  it('SampleCount, Sum, Average, Minimum and Maximum of the period', () => {
    expect(['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'].map((name) => statistic(samples, name))).toEqual([100, 5050, 50.5, 1, 100]);
  });

  it('p95: 95 percent of the data is lower than or equal to it; p99 is the largest value once the top 1 % is left out', () => {
    expect(statistic(samples, 'p95')).toBe(95);
    expect(statistic(samples, 'p99')).toBe(99);
    expect(statistic(samples, 'p50')).toBe(50);
    expect(statistic([raw(12, 7, 300)], 'p99')).toBe(300);
  });

  it('counts each of Values as often as Counts says', () => {
    expect(statistic([{ timestamp: 0, values: [10, 200], counts: [98, 2] }], 'p95')).toBe(10);
    expect(statistic([{ timestamp: 0, values: [10, 200], counts: [98, 2] }], 'p99')).toBe(200);
    expect(statistic([{ timestamp: 0, values: [10, 200], counts: [98, 2] }], 'Sum')).toBe(1380);
  });

  it('percentiles of a statistic set only when it stands for one repeated value ("Requirements to use percentiles")', () => {
    const set = (sampleCount: number, sum: number, minimum: number, maximum: number): Sample => ({ timestamp: 0, statistics: { sampleCount, sum, minimum, maximum } });
    expect(statistic([set(1, 7, 7, 7)], 'p99')).toBe(7);
    expect(statistic([set(4, 20, 5, 5)], 'p50')).toBe(5);
    expect(statistic([set(4, 20, 2, 8)], 'p50')).toBeUndefined();
    expect(statistic([set(4, 20, 2, 8)], 'Average')).toBe(5);
  });

  it('no percentile when any value is negative', () => {
    expect(statistic([raw(-1, 5, 9)], 'p50')).toBeUndefined();
    expect(statistic([raw(-1, 5, 9)], 'Minimum')).toBe(-1);
  });

  it('a period without data has no statistic', () => {
    expect(statistic([], 'Sum')).toBeUndefined();
  });
});

describe('running totals of the metric store', () => {
  it('give the same Sum and SampleCount as the samples themselves', async () => {
    const { MetricStore, metricKey } = await import('../src/index.js');
    const store = new MetricStore([
      { Namespace: 'N', MetricName: 'M', Dimensions: [], Timestamp: '2026-12-01T00:00:00Z', Value: 2 },
      { Namespace: 'N', MetricName: 'M', Dimensions: [], Timestamp: '2026-12-01T00:01:00Z', Values: [1, 3], Counts: [2, 1] },
      { Namespace: 'N', MetricName: 'M', Dimensions: [], Timestamp: '2026-12-01T00:02:00Z', StatisticValues: { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 4 } },
    ]);
    const key = metricKey('N', 'M', {});
    const start = Date.parse('2026-12-01T00:00:30Z');
    const end = Date.parse('2026-12-01T00:03:00Z');
    expect(store.countAndSum(key, start, end)).toEqual({ count: 7, sum: 15 });
    expect([statistic(store.samples(key, start, end), 'SampleCount'), statistic(store.samples(key, start, end), 'Sum')]).toEqual([7, 15]);
  });
});
