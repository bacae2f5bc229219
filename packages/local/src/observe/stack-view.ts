import { readAlarms, resolveValue, type AlarmDefinition, type Datapoint } from '@echo-ridge/alarms';
import * as v from 'valibot';

/** A horizontal line on a graph: a runbook threshold. */
export interface Annotation {
  value: number;
  label: string;
}

/** One line of a graph widget: a metric with its statistic, or a metric-math expression over other lines. */
export type WidgetSeries =
  | { id: string; label: string; visible: boolean; period: number; kind: 'metric'; namespace: string; metricName: string; dimensions: Record<string, string>; statistic: string }
  | { id: string; label: string; visible: boolean; period: number; kind: 'expression'; expression: string };

export type Widget =
  | { type: 'text'; markdown: string; width: number }
  | { type: 'graph'; title: string; width: number; series: WidgetSeries[]; annotations: Annotation[] }
  | { type: 'alarms'; title: string; width: number; alarms: string[] };

/** What the local dashboard reads from the stack's synthesized template: its alarms and its dashboard. */
export interface StackView {
  alarms: AlarmDefinition[];
  widgets: Widget[];
  /** How often the stack's canary runs, in ms. */
  canaryRateMs: number;
  /** The stack's names for the local runtime's names (see `translator`). */
  translate(datapoint: Datapoint): Datapoint;
  /** The name of a topic an alarm notifies, from its logical id (an ARN stays as it is). */
  topicName(target: string): string;
}

const ResourcesSchema = v.record(v.string(), v.object({ Type: v.string(), Properties: v.optional(v.record(v.string(), v.unknown()), {}) }));
const TemplateSchema = v.object({ Resources: ResourcesSchema });
type Resources = v.InferOutput<typeof ResourcesSchema>;

const MetricOptionsSchema = v.looseObject({ id: v.optional(v.string()), label: v.optional(v.string()), visible: v.optional(v.boolean()), period: v.optional(v.number()), stat: v.optional(v.string()) });
const BodySchema = v.object({
  widgets: v.array(
    v.object({
      type: v.string(),
      width: v.optional(v.number(), 6),
      properties: v.looseObject({
        markdown: v.optional(v.string()),
        title: v.optional(v.string()),
        period: v.optional(v.number()),
        stat: v.optional(v.string()),
        metrics: v.optional(v.array(v.array(v.unknown()))),
        alarms: v.optional(v.array(v.string())),
        annotations: v.optional(v.object({ horizontal: v.optional(v.array(v.looseObject({ value: v.number(), label: v.optional(v.string()) })), []) })),
      }),
    }),
  ),
});

/** CloudWatch's defaults for a graph widget without them. */
const DEFAULT_PERIOD = 300;
const DEFAULT_STAT = 'Average';

function graphSeries(entries: unknown[][], widgetPeriod: number, widgetStat: string): WidgetSeries[] {
  return entries.map((entry, index) => {
    const last = entry.at(-1);
    const hasOptions = typeof last === 'object' && last !== null;
    const options = v.parse(MetricOptionsSchema, hasOptions ? last : {});
    const id = options.id ?? `m${index + 1}`;
    const period = options.period ?? widgetPeriod;
    const visible = options.visible ?? true;
    if (typeof options.expression === 'string') return { id, label: options.label ?? options.expression, visible, period, kind: 'expression', expression: options.expression };
    const parts = (hasOptions ? entry.slice(0, -1) : entry).map(String);
    const [namespace = '', metricName = '', ...pairs] = parts;
    const dimensions: Record<string, string> = {};
    for (let at = 0; at + 1 < pairs.length; at += 2) dimensions[pairs[at]!] = pairs[at + 1]!;
    const statistic = options.stat ?? widgetStat;
    return { id, label: options.label ?? `${metricName} ${statistic}`, visible, period, kind: 'metric', namespace, metricName, dimensions, statistic };
  });
}

/** The widgets of the template's dashboard (CloudWatch's dashboard body structure), in their order. */
function dashboardWidgets(resources: Resources): Widget[] {
  const dashboards = Object.values(resources).filter((resource) => resource.Type === 'AWS::CloudWatch::Dashboard');
  if (dashboards.length !== 1) throw new Error(`the template has ${dashboards.length} dashboards, where the local page shows exactly one`);
  const body = v.parse(BodySchema, JSON.parse(resolveValue(dashboards[0]!.Properties.DashboardBody, resources)));
  return body.widgets.flatMap((widget): Widget[] => {
    const p = widget.properties;
    if (widget.type === 'text') return [{ type: 'text', markdown: p.markdown ?? '', width: widget.width }];
    if (widget.type === 'alarm') return [{ type: 'alarms', title: p.title ?? 'Alarms', width: widget.width, alarms: (p.alarms ?? []).map((arn) => arn.split(':alarm:').at(-1)!) }];
    if (widget.type === 'metric' && p.metrics) {
      const annotations = (p.annotations?.horizontal ?? []).map((line) => ({ value: line.value, label: line.label ?? String(line.value) }));
      return [{ type: 'graph', title: p.title ?? '', width: widget.width, series: graphSeries(p.metrics, p.period ?? DEFAULT_PERIOD, p.stat ?? DEFAULT_STAT), annotations }];
    }
    return [];
  });
}

/**
 * Every physical name the template gives a resource a metric can be about (its `…Name` properties;
 * alarms and dashboards watch metrics, no metric is about them), and the service name of every
 * function's metrics.
 */
function stackNames(resources: Resources): Set<string> {
  const names = new Set<string>();
  for (const resource of Object.values(resources)) {
    if (resource.Type.startsWith('AWS::CloudWatch::')) continue;
    for (const [property, value] of Object.entries(resource.Properties)) if (property.endsWith('Name') && typeof value === 'string') names.add(value);
    const variables = (resource.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    if (typeof variables?.POWERTOOLS_SERVICE_NAME === 'string') names.add(variables.POWERTOOLS_SERVICE_NAME);
  }
  return names;
}

/**
 * The local runtime names its resources as the stack does without the stage and stack prefix
 * (`echo-ridge-batch` for `prod-echo-ridge-batch`, service `score-api` for `prod-echo-ridge-score-api`):
 * a local dimension value stands for the one name of the template that ends in `-<value>`, and for
 * itself when none or several do.
 */
function translator(resources: Resources): (datapoint: Datapoint) => Datapoint {
  const names = [...stackNames(resources)];
  const known = new Map<string, string>();
  const stackName = (value: string) => {
    let name = known.get(value);
    if (name === undefined) {
      // Paths (a log group's `/aws/lambda/<function>`) name where something is kept, not what it is.
      const matches = names.filter((candidate) => candidate.endsWith(`-${value}`) && !candidate.includes('/'));
      name = matches.length === 1 ? matches[0]! : value;
      known.set(value, name);
    }
    return name;
  };
  return (datapoint) => ({ ...datapoint, Dimensions: datapoint.Dimensions.map((dimension) => ({ Name: dimension.Name, Value: stackName(dimension.Value) })) });
}

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(1 hour)` in ms. */
function rateMs(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!match) throw new Error(`the canary's schedule "${expression}" is not a rate the local canary can follow`);
  return Number(match[1]) * (match[2]!.startsWith('minute') ? 60_000 : 3_600_000);
}

export function readStackView(template: unknown): StackView {
  const { Resources: resources } = v.parse(TemplateSchema, template);
  const canaries = Object.values(resources).filter((resource) => resource.Type === 'AWS::Synthetics::Canary');
  if (canaries.length !== 1) throw new Error(`the template has ${canaries.length} canaries, where the local canary stands for exactly one`);
  const schedule = canaries[0]!.Properties.Schedule as { Expression?: unknown } | undefined;
  return {
    alarms: readAlarms(template),
    widgets: dashboardWidgets(resources),
    canaryRateMs: rateMs(String(schedule?.Expression)),
    translate: translator(resources),
    topicName: (target) => {
      const name = resources[target]?.Properties.TopicName;
      return typeof name === 'string' ? name : target;
    },
  };
}
