import type { Comparison, TreatMissingData } from './template.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface StateRule {
  readonly threshold: number;
  readonly comparison: Comparison;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

/**
 * How many periods CloudWatch retrieves for one evaluation: "a higher number of data points than
 * Evaluation Periods"; the documented example retrieves 5 for 3, which is what this reproduces.
 */
export function evaluationRange(evaluationPeriods: number): number {
  return evaluationPeriods + 2;
}

export function breaches(value: number, rule: Pick<StateRule, 'threshold' | 'comparison'>): boolean {
  switch (rule.comparison) {
    case 'GreaterThanThreshold':
      return value > rule.threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= rule.threshold;
    case 'LessThanThreshold':
      return value < rule.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= rule.threshold;
  }
}

/**
 * The state one evaluation sets, from the values of the evaluation range (oldest first, undefined for
 * a missing period), as "How alarm state is evaluated when data is missing" (Amazon CloudWatch User
 * Guide, "Using Amazon CloudWatch alarms") describes it:
 * - with at least Evaluation Periods real values, the most recent of them decide, and how missing data
 *   is treated does not matter;
 * - with fewer, the missing ones are filled as `breaching` or `notBreaching` says, as few times as
 *   possible, every real value counting;
 * - `missing` and `ignore` fill nothing: a real value within the threshold sets OK, enough breaching
 *   ones set ALARM; otherwise `ignore` keeps the state, and `missing` sets ALARM only when the oldest
 *   value of the range breaches (the documentation's sixth example), else INSUFFICIENT_DATA.
 */
export function nextState(values: readonly (number | undefined)[], rule: StateRule, current: AlarmState): AlarmState {
  const { evaluationPeriods: n, datapointsToAlarm: m } = rule;
  const real = values.filter((value): value is number => value !== undefined);
  const breaching = (list: readonly number[]) => list.filter((value) => breaches(value, rule)).length;
  if (real.length >= n) return breaching(real.slice(-n)) >= m ? 'ALARM' : 'OK';
  const treat = rule.treatMissingData;
  if (treat === 'breaching' || treat === 'notBreaching') {
    const filled = n - real.length;
    return breaching(real) + (treat === 'breaching' ? filled : 0) >= m ? 'ALARM' : 'OK';
  }
  if (real.length === 0) return treat === 'ignore' ? current : 'INSUFFICIENT_DATA';
  const breached = breaching(real);
  if (breached >= m) return 'ALARM';
  if (breached < real.length) return 'OK';
  if (treat === 'ignore') return current;
  const oldest = values[0];
  return oldest !== undefined && breaches(oldest, rule) ? 'ALARM' : 'INSUFFICIENT_DATA';
}
