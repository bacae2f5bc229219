import {
  Alarm,
  AlarmRule,
  AlarmState,
  ComparisonOperator,
  CompositeAlarm,
  TreatMissingData,
  type AlarmBase,
  type IAlarm,
  type MathExpression,
  type Metric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import { acknowledgeControl } from '../controls.js';
import type { AlarmCondition, Severity } from '../runbook.js';
import { resourceName, type StageConfig } from '../stage.js';
import type { AlarmTopics } from '../topics.js';

export interface MetricAlarmOptions {
  readonly comparisonOperator?: ComparisonOperator;
  /** By default no data is no evidence of a problem. */
  readonly treatMissingData?: TreatMissingData;
  /** Who hears of it; none when it only feeds a composite or CodeDeploy. */
  readonly severity?: Severity;
}

/**
 * Every alarm of a stage, made one way: named `<stage>-echo-ridge-<name>` (the runbook entry), its
 * thresholds from RUNBOOK, its description ending in the runbook entry, and its notifications by
 * severity. Alarms are created in one scope with their names as ids, so that splitting the code that
 * declares them never renames (and so replaces) a deployed alarm.
 */
export class AlarmSet {
  /** Every alarm that notifies someone, for the dashboard's status widget. */
  readonly notifying: AlarmBase[] = [];

  constructor(
    private readonly scope: Construct,
    readonly stage: StageConfig,
    readonly topics: AlarmTopics,
  ) {}

  /** A metric alarm: fires after `datapointsToAlarm` of `evaluationPeriods` breaching periods. */
  metric(name: string, condition: AlarmCondition, metric: Metric | MathExpression, what: string, options: MetricAlarmOptions = {}): Alarm {
    const comparisonOperator = options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_THRESHOLD;
    const below = comparisonOperator === ComparisonOperator.LESS_THAN_THRESHOLD;
    const datapoints = condition.datapointsToAlarm ?? condition.evaluationPeriods;
    const periods = datapoints === condition.evaluationPeriods ? `${condition.evaluationPeriods}` : `${datapoints} of ${condition.evaluationPeriods}`;
    const alarm = new Alarm(this.scope, name, {
      alarmName: resourceName(this.stage.name, name),
      alarmDescription: `${what} ${below ? 'below' : 'above'} ${condition.threshold} for ${periods} × ${condition.period.toHumanString()}. ${this.reader(name, options.severity)}`,
      metric: metric.with({ period: condition.period }),
      threshold: condition.threshold,
      evaluationPeriods: condition.evaluationPeriods,
      datapointsToAlarm: datapoints,
      comparisonOperator,
      treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    this.notify(alarm, options.severity);
    return alarm;
  }

  /** A composite alarm that is in ALARM while any (or all) of `alarms` are. */
  composite(name: string, alarms: readonly IAlarm[], mode: 'any' | 'all', what: string, severity?: Severity): CompositeAlarm {
    const rules = alarms.map((alarm) => AlarmRule.fromAlarm(alarm, AlarmState.ALARM));
    const alarm = new CompositeAlarm(this.scope, name, {
      compositeAlarmName: resourceName(this.stage.name, name),
      alarmDescription: `${what} ${this.reader(name, severity)}`,
      alarmRule: mode === 'any' ? AlarmRule.anyOf(...rules) : AlarmRule.allOf(...rules),
    });
    this.notify(alarm, severity);
    return alarm;
  }

  private reader(name: string, severity: Severity | undefined): string {
    return severity === undefined ? `Notifies nobody itself. Runbook: ${name}.` : `Runbook: ${name}.`;
  }

  /**
   * Critical alarms page, warnings open a ticket; both say when they clear. A stage that pages nobody
   * (staging) sends its critical alarms to the ticket topic.
   */
  private notify(alarm: AlarmBase, severity: Severity | undefined): void {
    if (severity === undefined) {
      acknowledgeControl(
        alarm,
        'cloudwatch_alarm_action_check',
        'It acts through the composite alarm it feeds (or CodeDeploy, which watches it during a deployment), so that one incident notifies once.',
      );
      return;
    }
    const action = new SnsAction(severity === 'critical' && this.stage.pagesOnCall ? this.topics.page : this.topics.ticket);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.notifying.push(alarm);
  }
}

/** A window or period as alarm names and metric ids spell it: 5m, 1h. */
export function span(window: { toMinutes(): number; toHours(): number }): string {
  return window.toMinutes() % 60 === 0 ? `${window.toHours()}h` : `${window.toMinutes()}m`;
}
