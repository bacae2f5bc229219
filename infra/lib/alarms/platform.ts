import { ComparisonOperator, MathExpression, Metric, Stats, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { BackupVault } from 'aws-cdk-lib/aws-backup';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { RUNBOOK } from '../runbook.js';
import type { ServiceFunction } from '../service-function.js';
import type { AlarmSet } from './alarm-set.js';

/** DynamoDB operations the store issues. */
const TABLE_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem', 'TransactWriteItems'] as const;

/** `FILL(a, 0) + FILL(b, 0) + …`: a sum that is 0, not missing, when nothing happened, so the alarm can clear. */
function filledSum(metrics: Record<string, Metric>, label: string): MathExpression {
  return new MathExpression({ expression: Object.keys(metrics).map((id) => `FILL(${id}, 0)`).join(' + '), usingMetrics: metrics, label });
}

/** What is watched on every function: failed invocations, throttles, memory. */
export function functionAlarms(set: AlarmSet, fn: ServiceFunction): void {
  const { functionErrors, functionThrottles, highMemoryUsage } = RUNBOOK;
  set.metric(`FunctionErrors-${fn.service}`, functionErrors, fn.function.metricErrors({ statistic: Stats.SUM }), `failed invocations of ${fn.serviceName}`, { severity: functionErrors.severity });
  set.metric(`FunctionThrottles-${fn.service}`, functionThrottles, fn.function.metricThrottles({ statistic: Stats.SUM }), `throttled invocations of ${fn.serviceName}`, {
    severity: functionThrottles.severity,
  });
  set.metric(`HighMemoryUsage-${fn.service}`, highMemoryUsage, fn.metricMemoryUtilization(), `${fn.service} max memory used in % of configured`, { severity: highMemoryUsage.severity });
}

/** What is watched on the table: the slowest operation's latency, throttles, DynamoDB's own errors. */
export function tableAlarms(set: AlarmSet, table: TableV2): MathExpression {
  const perOperation = (metricName: string, statistic: string) =>
    Object.fromEntries(TABLE_OPERATIONS.map((op) => [op.toLowerCase(), table.metric(metricName, { dimensionsMap: { TableName: table.tableName, Operation: op }, statistic })]));
  const tableLatency = new MathExpression({
    expression: `MAX([${TABLE_OPERATIONS.map((op) => op.toLowerCase()).join(', ')}])`,
    usingMetrics: perOperation('SuccessfulRequestLatency', Stats.percentile(95)),
    label: 'slowest DynamoDB operation p95 (ms)',
  });
  const { databaseSlowQueries, tableThrottles, tableSystemErrors } = RUNBOOK;
  set.metric('DatabaseSlowQueries', databaseSlowQueries, tableLatency, 'DynamoDB SuccessfulRequestLatency p95 of the slowest operation in ms', { severity: databaseSlowQueries.severity });
  const throttles = filledSum(
    {
      reads: table.metric('ReadThrottleEvents', { dimensionsMap: { TableName: table.tableName }, statistic: Stats.SUM }),
      writes: table.metric('WriteThrottleEvents', { dimensionsMap: { TableName: table.tableName }, statistic: Stats.SUM }),
    },
    'throttle events',
  );
  set.metric('TableThrottles', tableThrottles, throttles, 'DynamoDB read and write throttle events', { severity: tableThrottles.severity });
  set.metric('TableSystemErrors', tableSystemErrors, filledSum(perOperation('SystemErrors', Stats.SUM), 'system errors'), 'DynamoDB system errors of the table', {
    severity: tableSystemErrors.severity,
  });
  return tableLatency;
}

/** What is watched on the backups: jobs that did not complete, and a day without a completed one. */
export function backupAlarms(set: AlarmSet, vault: BackupVault): void {
  const job = (metricName: string) => new Metric({ namespace: 'AWS/Backup', metricName, dimensionsMap: { BackupVaultName: vault.backupVaultName }, statistic: Stats.SUM });
  const { backupJobFailed, backupMissing } = RUNBOOK;
  const failed = filledSum({ failed: job('NumberOfBackupJobsFailed'), aborted: job('NumberOfBackupJobsAborted'), expired: job('NumberOfBackupJobsExpired') }, 'backup jobs not completed');
  set.metric('BackupJobFailed', backupJobFailed, failed, 'backup jobs of the vault that failed, were aborted or expired', { severity: backupJobFailed.severity });
  set.metric('BackupMissing', backupMissing, filledSum({ completed: job('NumberOfBackupJobsCompleted') }, 'backup jobs completed'), 'completed backup jobs of the vault', {
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    severity: backupMissing.severity,
  });
}

/** A page that cannot be delivered is a ticket: the pager is what failed. */
export function topicAlarms(set: AlarmSet, page: Topic): IMetric {
  const failed = page.metricNumberOfNotificationsFailed({ statistic: Stats.SUM });
  set.metric('PageDeliveryFailed', RUNBOOK.pageDeliveryFailed, failed, 'notifications the page topic failed to deliver', { severity: RUNBOOK.pageDeliveryFailed.severity });
  return failed;
}
