export { breaches, evaluationRange, nextState, type AlarmState, type StateRule } from './alarm-state.js';
export { parseRule, ruleAlarms, ruleHolds, type Rule } from './composite-rule.js';
export { DatapointSchema, MetricStore, metricKey, parseDatapoints, type Datapoint, type LineError } from './datapoints.js';
export { evaluateExpression, parseExpression, referencedIds, type MathContext, type Series, type Value } from './metric-math.js';
export { replay, type AlarmReplay, type ReplayOptions, type Transition } from './replay.js';
export { isSupportedStatistic, statistic, type Sample, type StatisticSet } from './statistics.js';
export { readAlarms, resolveValue, type AlarmDefinition, type Comparison, type CompositeAlarm, type MetricAlarm, type MetricQuery, type MetricStat, type TreatMissingData } from './template.js';
