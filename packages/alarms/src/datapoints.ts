import * as v from 'valibot';
import type { Sample } from './statistics.js';

/**
 * One line of a replay: a CloudWatch `PutMetricData` MetricDatum plus its `Namespace`. A datum has
 * exactly one of `Value`, `StatisticValues`, or `Values` (with optional `Counts`), as PutMetricData
 * requires.
 */
export const DatapointSchema = v.pipe(
  v.object({
    Namespace: v.pipe(v.string(), v.minLength(1)),
    MetricName: v.pipe(v.string(), v.minLength(1)),
    Dimensions: v.optional(v.array(v.object({ Name: v.string(), Value: v.string() })), []),
    Timestamp: v.pipe(v.string(), v.isoTimestamp('Timestamp must be an ISO 8601 date and time')),
    Value: v.optional(v.pipe(v.number(), v.finite())),
    StatisticValues: v.optional(
      v.object({ SampleCount: v.pipe(v.number(), v.minValue(1)), Sum: v.pipe(v.number(), v.finite()), Minimum: v.pipe(v.number(), v.finite()), Maximum: v.pipe(v.number(), v.finite()) }),
    ),
    Values: v.optional(v.array(v.pipe(v.number(), v.finite()))),
    Counts: v.optional(v.array(v.pipe(v.number(), v.minValue(0)))),
    Unit: v.optional(v.string()),
  }),
  v.check((datum) => [datum.Value, datum.StatisticValues, datum.Values].filter((field) => field !== undefined).length === 1, 'a datum has exactly one of Value, StatisticValues and Values'),
  v.check((datum) => datum.Counts === undefined || (datum.Values !== undefined && datum.Counts.length === datum.Values.length), 'Counts needs Values of the same length'),
);
export type Datapoint = v.InferOutput<typeof DatapointSchema>;

export interface LineError {
  readonly line: number;
  readonly message: string;
}

/** The datapoints of a JSONL text, and every line that is not one (blank lines are skipped). */
export function parseDatapoints(text: string): { datapoints: Datapoint[]; errors: LineError[] } {
  const datapoints: Datapoint[] = [];
  const errors: LineError[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      errors.push({ line: index + 1, message: `not JSON: ${(error as Error).message}` });
      return;
    }
    const result = v.safeParse(DatapointSchema, json);
    if (result.success) datapoints.push(result.output);
    else errors.push({ line: index + 1, message: result.issues.map((issue) => `${v.getDotPath(issue) ?? ''}${v.getDotPath(issue) ? ': ' : ''}${issue.message}`).join('; ') });
  });
  return { datapoints, errors };
}

/** A metric's identity: namespace, name and the exact set of dimensions, as CloudWatch tells metrics apart. */
export function metricKey(namespace: string, metricName: string, dimensions: Readonly<Record<string, string>>): string {
  const sorted = Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([namespace, metricName, sorted]);
}

/** The samples of every metric, each metric's in time order, for lookups by time range. */
export class MetricStore {
  private readonly byMetric = new Map<string, Sample[]>();

  constructor(datapoints: readonly Datapoint[]) {
    for (const datum of datapoints) {
      const key = metricKey(datum.Namespace, datum.MetricName, Object.fromEntries(datum.Dimensions.map((d) => [d.Name, d.Value])));
      const sample: Sample = {
        timestamp: Date.parse(datum.Timestamp),
        values: datum.Value !== undefined ? [datum.Value] : datum.Values,
        counts: datum.Counts,
        statistics: datum.StatisticValues && {
          sampleCount: datum.StatisticValues.SampleCount,
          sum: datum.StatisticValues.Sum,
          minimum: datum.StatisticValues.Minimum,
          maximum: datum.StatisticValues.Maximum,
        },
      };
      const list = this.byMetric.get(key) ?? [];
      list.push(sample);
      this.byMetric.set(key, list);
    }
    for (const list of this.byMetric.values()) list.sort((a, b) => a.timestamp - b.timestamp);
  }

  private readonly totals = new Map<string, { count: Float64Array; sum: Float64Array }>();

  /**
   * SampleCount and Sum of the samples with start ≤ timestamp < end, from running totals: long windows
   * (a burn rate over 24 hours, evaluated every minute) would otherwise add the same samples again and again.
   */
  countAndSum(key: string, start: number, end: number): { count: number; sum: number } {
    const list = this.byMetric.get(key) ?? [];
    let totals = this.totals.get(key);
    if (!totals) {
      totals = { count: new Float64Array(list.length + 1), sum: new Float64Array(list.length + 1) };
      list.forEach((sample, index) => {
        let count = sample.statistics?.sampleCount ?? 0;
        let sum = sample.statistics?.sum ?? 0;
        (sample.values ?? []).forEach((value, at) => {
          const weight = sample.counts?.[at] ?? 1;
          count += weight;
          sum += value * weight;
        });
        totals!.count[index + 1] = totals!.count[index]! + count;
        totals!.sum[index + 1] = totals!.sum[index]! + sum;
      });
      this.totals.set(key, totals);
    }
    const [from, to] = [lowerBound(list, start), lowerBound(list, end)];
    return { count: totals.count[to]! - totals.count[from]!, sum: totals.sum[to]! - totals.sum[from]! };
  }

  /** Samples of the metric with start ≤ timestamp < end. */
  samples(key: string, start: number, end: number): Sample[] {
    const list = this.byMetric.get(key);
    if (!list) return [];
    return list.slice(lowerBound(list, start), lowerBound(list, end));
  }

  /** The first and last timestamps of all samples. */
  span(): { first: number; last: number } | undefined {
    const times = [...this.byMetric.values()].flatMap((list) => [list[0]!.timestamp, list.at(-1)!.timestamp]);
    return times.length === 0 ? undefined : { first: Math.min(...times), last: Math.max(...times) };
  }
}

function lowerBound(list: readonly Sample[], time: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle]!.timestamp < time) low = middle + 1;
    else high = middle;
  }
  return low;
}
