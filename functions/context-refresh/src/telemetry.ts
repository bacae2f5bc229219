import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { SEVERITIES } from '@echo-ridge/engine';
import type { RefreshReport } from './refresh.js';

/**
 * Logs and metrics of one refresh. ContextStale alarms on NormContextAgeHours and on ContextPublished arriving at all, DriftDetected on
 * DriftAlerts by severity (infra/lib/alarms/context.ts); a refresh that keeps the current context
 * says why in the log and in the `reason` dimension of ContextNotPublished.
 */
export function reportRefresh(report: RefreshReport, logger: Logger, metrics: Metrics): void {
  metrics.addMetric('SampledCompanies', MetricUnit.Count, report.eligible);
  metrics.addMetric('ContextPublished', MetricUnit.Count, report.outcome === 'published' ? 1 : 0);
  if (report.age_hours !== null) metrics.addMetric('NormContextAgeHours', MetricUnit.NoUnit, report.age_hours);
  if (report.outcome !== 'published') {
    const refused = metrics.singleMetric();
    refused.addDimension('reason', report.outcome);
    refused.addMetric('ContextNotPublished', MetricUnit.Count, 1);
  }
  if (report.drift_alerts !== null) {
    for (const severity of SEVERITIES) {
      const drift = metrics.singleMetric();
      drift.addDimension('severity', severity);
      drift.addMetric('DriftAlerts', MetricUnit.Count, report.drift_alerts.filter((alert) => alert.severity === severity).length);
    }
  }

  const { drift_alerts, ...summary } = report;
  // A kept context is the normal state of a stage with little traffic, and the ContextStale alarm is
  // what says when it matters: INFO, so that a WARN in the log stays worth reading.
  logger.info(report.outcome === 'published' ? 'context published' : 'context kept', summary);
  if (drift_alerts === null) logger.info('drift not checked: the current context was not fitted on a stored sample');
  for (const alert of drift_alerts ?? []) logger[alert.severity === 'critical' ? 'error' : 'warn']('drift alert', { alert });
}
