import * as v from 'valibot';

/**
 * The alarms of a synthesized CloudFormation template, read as CloudWatch would receive them. Values
 * that are CloudFormation references resolve to the physical name the template gives the resource
 * (its `StageName`, `Name`, `TableName`, …), else to the resource's logical id.
 */
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';
export type Comparison = 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';

export interface MetricStat {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly period: number;
  readonly statistic: string;
}

/** One entry of an alarm's `Metrics`: a metric with its statistic, or an expression over other entries. */
export interface MetricQuery {
  readonly id: string;
  readonly returnData: boolean;
  readonly metric?: MetricStat;
  readonly expression?: string;
}

interface AlarmBase {
  readonly logicalId: string;
  readonly name: string;
  /** Topic logical ids (or ARNs as written) notified on a transition to ALARM. */
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
}

export interface MetricAlarm extends AlarmBase {
  readonly type: 'metric';
  readonly queries: readonly MetricQuery[];
  /** Seconds; one for every metric of the alarm. */
  readonly period: number;
  readonly threshold: number;
  readonly comparison: Comparison;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

export interface CompositeAlarm extends AlarmBase {
  readonly type: 'composite';
  /** The rule with every alarm named by its alarm name. */
  readonly rule: string;
}

export type AlarmDefinition = MetricAlarm | CompositeAlarm;

/** The properties that name a resource, in the order design.md gives them. */
const NAME_PROPERTIES = ['StageName', 'Name', 'TableName', 'QueueName', 'FunctionName', 'TopicName', 'BackupVaultName', 'AlarmName'] as const;

const ResourcesSchema = v.record(v.string(), v.object({ Type: v.string(), Properties: v.optional(v.record(v.string(), v.unknown()), {}) }));
const TemplateSchema = v.object({ Resources: ResourcesSchema });
type Resources = v.InferOutput<typeof ResourcesSchema>;

const DimensionSchema = v.object({ Name: v.string(), Value: v.unknown() });
const MetricStatSchema = v.object({
  Metric: v.object({ Namespace: v.string(), MetricName: v.string(), Dimensions: v.optional(v.array(DimensionSchema), []) }),
  Period: v.number(),
  Stat: v.string(),
});
const MetricAlarmSchema = v.object({
  AlarmName: v.unknown(),
  Threshold: v.number(),
  ComparisonOperator: v.picklist(['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold']),
  EvaluationPeriods: v.number(),
  DatapointsToAlarm: v.optional(v.number()),
  TreatMissingData: v.optional(v.picklist(['missing', 'ignore', 'breaching', 'notBreaching']), 'missing'),
  AlarmActions: v.optional(v.array(v.unknown()), []),
  OKActions: v.optional(v.array(v.unknown()), []),
  Namespace: v.optional(v.string()),
  MetricName: v.optional(v.string()),
  Dimensions: v.optional(v.array(DimensionSchema), []),
  Period: v.optional(v.number()),
  Statistic: v.optional(v.string()),
  ExtendedStatistic: v.optional(v.string()),
  Metrics: v.optional(
    v.array(v.object({ Id: v.string(), ReturnData: v.optional(v.boolean(), true), Expression: v.optional(v.string()), MetricStat: v.optional(MetricStatSchema), Period: v.optional(v.number()) })),
  ),
});
const CompositeAlarmSchema = v.object({
  AlarmName: v.unknown(),
  AlarmRule: v.unknown(),
  AlarmActions: v.optional(v.array(v.unknown()), []),
  OKActions: v.optional(v.array(v.unknown()), []),
});

/** A template value as a string: literals as they are, references by the physical name or logical id. */
export function resolveValue(value: unknown, resources: Resources): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref' && typeof argument === 'string') return physicalName(argument, resources);
    if (entries.length === 1 && key === 'Fn::GetAtt' && Array.isArray(argument) && typeof argument[0] === 'string') return physicalName(argument[0], resources);
    if (entries.length === 1 && key === 'Fn::Join' && Array.isArray(argument) && typeof argument[0] === 'string' && Array.isArray(argument[1])) {
      return (argument[1] as unknown[]).map((part) => resolveValue(part, resources)).join(argument[0]);
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

function physicalName(logicalId: string, resources: Resources): string {
  const properties = resources[logicalId]?.Properties ?? {};
  for (const property of NAME_PROPERTIES) {
    const name = properties[property];
    if (typeof name === 'string') return name;
  }
  return logicalId;
}

/** The logical id an action refers to, or the action as written (an ARN). */
function actionTarget(action: unknown, resources: Resources): string {
  if (typeof action === 'object' && action !== null && 'Ref' in action && typeof action.Ref === 'string' && action.Ref in resources) return action.Ref;
  return resolveValue(action, resources);
}

/** Every CloudWatch alarm and composite alarm of the template. */
export function readAlarms(template: unknown): AlarmDefinition[] {
  const { Resources: resources } = v.parse(TemplateSchema, template);
  const alarms: AlarmDefinition[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::CloudWatch::Alarm') alarms.push(metricAlarm(logicalId, v.parse(MetricAlarmSchema, resource.Properties), resources));
    if (resource.Type === 'AWS::CloudWatch::CompositeAlarm') {
      const props = v.parse(CompositeAlarmSchema, resource.Properties);
      alarms.push({
        type: 'composite',
        logicalId,
        name: resolveValue(props.AlarmName, resources),
        // The rule names its alarms by ARN (`Fn::GetAtt: [id, Arn]`), which resolves to the alarm's name.
        rule: resolveValue(props.AlarmRule, resources),
        alarmActions: props.AlarmActions.map((action) => actionTarget(action, resources)),
        okActions: props.OKActions.map((action) => actionTarget(action, resources)),
      });
    }
  }
  return alarms;
}

function metricAlarm(logicalId: string, props: v.InferOutput<typeof MetricAlarmSchema>, resources: Resources): MetricAlarm {
  const dimensions = (list: { Name: string; Value: unknown }[]) => Object.fromEntries(list.map((d) => [d.Name, resolveValue(d.Value, resources)]));
  const name = resolveValue(props.AlarmName, resources);
  let queries: MetricQuery[];
  if (props.Metrics) {
    queries = props.Metrics.map((entry) => ({
      id: entry.Id,
      returnData: entry.ReturnData,
      expression: entry.Expression,
      metric: entry.MetricStat && {
        namespace: entry.MetricStat.Metric.Namespace,
        metricName: entry.MetricStat.Metric.MetricName,
        dimensions: dimensions(entry.MetricStat.Metric.Dimensions),
        period: entry.MetricStat.Period,
        statistic: entry.MetricStat.Stat,
      },
    }));
  } else {
    const statistic = props.Statistic ?? props.ExtendedStatistic;
    if (!props.Namespace || !props.MetricName || !props.Period || !statistic) throw new Error(`alarm ${name} has neither a metric nor Metrics`);
    queries = [{ id: 'm1', returnData: true, metric: { namespace: props.Namespace, metricName: props.MetricName, dimensions: dimensions(props.Dimensions), period: props.Period, statistic } }];
  }
  const periods = new Set(queries.flatMap((query) => (query.metric ? [query.metric.period] : [])));
  const [period] = periods;
  if (periods.size !== 1 || period === undefined) throw new Error(`alarm ${name}: every metric of an alarm has one and the same period`);
  if (queries.filter((query) => query.returnData).length !== 1) throw new Error(`alarm ${name}: exactly one entry of Metrics returns data`);
  return {
    type: 'metric',
    logicalId,
    name,
    queries,
    period,
    threshold: props.Threshold,
    comparison: props.ComparisonOperator,
    evaluationPeriods: props.EvaluationPeriods,
    datapointsToAlarm: props.DatapointsToAlarm ?? props.EvaluationPeriods,
    treatMissingData: props.TreatMissingData,
    alarmActions: props.AlarmActions.map((action) => actionTarget(action, resources)),
    okActions: props.OKActions.map((action) => actionTarget(action, resources)),
  };
}
