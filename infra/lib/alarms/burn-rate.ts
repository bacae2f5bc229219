import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type CompositeAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Duration } from 'aws-cdk-lib';
import { acknowledgeControl } from '../controls.js';
import { RUNBOOK, type BurnRateRule } from '../runbook.js';
import { resourceName } from '../stage.js';
import type { ApiTraffic } from './api.js';
import { span, type AlarmSet } from './alarm-set.js';

const ERROR_BUDGET = Number((1 - RUNBOOK.availabilitySlo).toPrecision(6));

/**
 * The burn rate of customer requests over a window, 0 while the window holds too few requests for
 * `RUNBOOK.burnRateMinimumFailures` failures to reach the rule's factor.
 */
export function burnRate(traffic: ApiTraffic, rule: BurnRateRule, window: Duration): MathExpression {
  const minimum = Math.ceil(RUNBOOK.burnRateMinimumFailures / (rule.factor * ERROR_BUDGET));
  return new MathExpression({
    ...traffic.customerRatio((errors, requests) => `${errors} / ${requests} / ${ERROR_BUDGET}`, minimum, span(window)),
    period: window,
    label: `burn rate over ${span(window)}`,
  });
}

/**
 * The multi-window burn-rate alarms: each a composite of its long and short window, which notify
 * nobody themselves. Critical ones are returned for the API incident; warnings open a ticket.
 */
export function burnRateAlarms(set: AlarmSet, scope: ConstructLike, traffic: ApiTraffic): { critical: CompositeAlarm[] } {
  const critical: CompositeAlarm[] = [];
  for (const rule of RUNBOOK.burnRates) {
    const window = (kind: 'Long' | 'Short', length: Duration) => {
      const alarm = new Alarm(scope, `BurnRate${rule.name}${kind}`, {
        alarmName: resourceName(set.stage.name, `BurnRate${rule.name}-${span(length)}`),
        alarmDescription: `Error budget burn rate over ${length.toHumanString()} above ${rule.factor}; notifies only through BurnRate${rule.name}.`,
        metric: burnRate(traffic, rule, length),
        threshold: rule.factor,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      acknowledgeControl(alarm, 'cloudwatch_alarm_action_check', `One window of a burn-rate pair: it acts only through the composite BurnRate${rule.name}, which notifies when both windows burn.`);
      return alarm;
    };
    const windows = [window('Long', rule.longWindow), window('Short', rule.shortWindow)];
    const what =
      `The ${RUNBOOK.availabilitySlo * 100} % availability error budget burns over ${rule.factor}× too fast over both ` +
      `${rule.longWindow.toHumanString()} and ${rule.shortWindow.toHumanString()}.`;
    if (rule.severity === 'critical') critical.push(set.composite(`BurnRate${rule.name}`, windows, 'all', `${what} Pages through ApiIncident.`));
    else set.composite(`BurnRate${rule.name}`, windows, 'all', what, rule.severity);
  }
  return { critical };
}

type ConstructLike = ConstructorParameters<typeof Alarm>[0];
