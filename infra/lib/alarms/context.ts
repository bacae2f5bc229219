import { ComparisonOperator, MathExpression, Stats, type Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ContextRefresh } from '../context.js';
import { RUNBOOK } from '../runbook.js';
import type { AlarmSet } from './alarm-set.js';

/**
 * The daily context refresh's alarms. A refresh reports the context's age only when it runs to the
 * end, so a refresh that crashes or never runs is caught by the absence of any report, not by the age.
 */
export function contextAlarms(set: AlarmSet, contextRefresh: ContextRefresh): { contextAge: Metric; driftAlerts: Metric[] } {
  const handler = contextRefresh.handler;
  const contextAge = handler.metric('NormContextAgeHours', { statistic: Stats.MAXIMUM, label: 'context age (h)' });
  const aged = set.metric('ContextAge', RUNBOOK.contextAge, contextAge, 'age of the normalization context a refresh reported, in hours');
  // Every refresh that runs to the end reports ContextPublished, 1 or 0.
  const reports = new MathExpression({
    expression: 'FILL(reports, 0)',
    usingMetrics: { reports: handler.metric('ContextPublished', { statistic: Stats.SAMPLE_COUNT }) },
    label: 'refresh reports',
  });
  const silent = set.metric('ContextNotRefreshed', RUNBOOK.contextNotRefreshed, reports, 'hours in a row without a report of the context refresh', {
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
  });
  set.composite('ContextStale', [aged, silent], 'any', 'The normalization context ages: a refresh reported an old context (ContextAge), or none reported (ContextNotRefreshed).', RUNBOOK.contextStale.severity);

  const driftAlerts = (['critical', 'warning'] as const).map((severity) => {
    const metric = handler.metric('DriftAlerts', { statistic: Stats.SUM, dimensions: { severity }, label: `${severity} drift alerts` });
    set.metric(`DriftDetected-${severity}`, RUNBOOK.driftDetected, metric, `${severity} drift alerts of the daily refresh`, { severity });
    return metric;
  });
  return { contextAge, driftAlerts };
}
