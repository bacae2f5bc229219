import type { Datapoint } from '@echo-ridge/alarms';
import * as v from 'valibot';

/**
 * The CloudWatch embedded metric format, as CloudWatch Logs reads it from a function's output
 * ("Specification: Embedded metric format", Amazon CloudWatch User Guide): one JSON object per log
 * line, `_aws.CloudWatchMetrics` naming the metrics and dimension sets, the values at the root.
 */
const DirectiveSchema = v.object({
  Namespace: v.string(),
  Dimensions: v.array(v.array(v.string())),
  Metrics: v.array(v.object({ Name: v.string(), Unit: v.optional(v.string()) })),
});
const EmfSchema = v.looseObject({ _aws: v.object({ Timestamp: v.number(), CloudWatchMetrics: v.array(DirectiveSchema) }) });

/**
 * The datapoints of one log line, stamped `at` (the collector's clock, so that a test's clock and
 * the functions' agree); none when the line is not EMF. Each metric is reported once per dimension set,
 * as CloudWatch does; a dimension or value CloudWatch would reject drops that metric, not the line.
 */
export function emfDatapoints(line: string, at: number): Datapoint[] {
  if (!line.startsWith('{') || !line.includes('"_aws"')) return [];
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return [];
  }
  const parsed = v.safeParse(EmfSchema, json);
  if (!parsed.success) return [];
  const root = parsed.output as Record<string, unknown>;
  const timestamp = new Date(at).toISOString();
  const datapoints: Datapoint[] = [];
  for (const directive of parsed.output._aws.CloudWatchMetrics) {
    for (const names of directive.Dimensions) {
      const values = names.map((name) => root[name]);
      if (!values.every((value): value is string => typeof value === 'string')) continue;
      const Dimensions = names.map((Name, index) => ({ Name, Value: values[index]! }));
      for (const metric of directive.Metrics) {
        const raw = root[metric.Name];
        const numbers = (Array.isArray(raw) ? raw : [raw]).filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
        if (numbers.length === 0) continue;
        datapoints.push({ Namespace: directive.Namespace, MetricName: metric.Name, Dimensions, Timestamp: timestamp, Values: numbers, ...(metric.Unit && { Unit: metric.Unit }) });
      }
    }
  }
  return datapoints;
}
