import { ComparisonOperator, MathExpression, Stats, type Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Batch } from '../batch.js';
import { RUNBOOK } from '../runbook.js';
import type { AlarmSet } from './alarm-set.js';

export interface BatchSignals {
  readonly dlqDepth: Metric;
  readonly waiting: Metric;
  readonly processed: Metric;
  readonly scored: Metric;
}

/**
 * Batch scoring's alarms. A large file is healthy while its chunk messages wait, so the queue alarms
 * on progress rather than on age: messages waiting and none processed is a stuck consumer; the
 * dead-letter queue alarms on every new arrival, not once; and the throughput SLO is judged only
 * while work waits, as an idle queue scores nothing by design.
 */
export function batchAlarms(set: AlarmSet, batch: Batch): BatchSignals {
  const dlqDepth = batch.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, label: 'DLQ messages' });
  // Minimum: a message waited for the whole period; messages in flight are not counted as visible.
  const waiting = batch.queue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MINIMUM, label: 'messages waiting' });
  const processed = batch.queue.metricNumberOfMessagesDeleted({ statistic: Stats.SUM, label: 'messages processed' });
  const scored = batch.handler.metric('CompaniesScored', { statistic: Stats.SUM, label: 'companies scored' });

  const { dlqGrowing, batchBacklog, batchThroughput } = RUNBOOK;
  const arrivals = new MathExpression({ expression: 'DIFF(depth)', usingMetrics: { depth: dlqDepth }, label: 'new DLQ messages' });
  set.metric('DlqGrowing', dlqGrowing, arrivals, 'new messages in the batch dead-letter queue', { severity: dlqGrowing.severity });

  const stuck = new MathExpression({
    expression: 'IF(waiting > 0 AND FILL(processed, 0) == 0, 1, 0)',
    usingMetrics: { waiting, processed },
    label: 'messages waiting, none processed (1 = stuck)',
  });
  set.metric('BatchBacklog', batchBacklog, stuck, 'minutes with batch messages waiting and none processed', { severity: batchBacklog.severity });

  const minutes = batchThroughput.period.toMinutes();
  const throughput = new MathExpression({
    expression: `IF(waiting > 0, FILL(scored, 0) / ${minutes})`,
    usingMetrics: { waiting, scored },
    label: 'companies scored per minute while messages wait',
  });
  set.metric('BatchThroughputLow', batchThroughput, throughput, 'companies scored per minute while batch messages wait', {
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    severity: batchThroughput.severity,
  });
  return { dlqDepth, waiting, processed, scored };
}
