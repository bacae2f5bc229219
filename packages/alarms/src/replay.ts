import { evaluationRange, nextState, type AlarmState } from './alarm-state.js';
import { parseRule, ruleAlarms, ruleHolds } from './composite-rule.js';
import { MetricStore, metricKey, type Datapoint } from './datapoints.js';
import { evaluateExpression, parseExpression, type Series } from './metric-math.js';
import { statistic } from './statistics.js';
import type { AlarmDefinition, CompositeAlarm, MetricAlarm } from './template.js';

export interface Transition {
  readonly timestamp: string;
  readonly state: AlarmState;
}

export interface AlarmReplay {
  readonly name: string;
  readonly type: 'metric' | 'composite';
  readonly transitions: Transition[];
  /** What the alarm notifies when it goes to ALARM (topic logical ids). */
  readonly notifies: readonly string[];
}

export interface ReplayOptions {
  /** First evaluation (ms); by default the first whole minute after the first datapoint. */
  readonly start?: number;
  /** Last evaluation (ms); by default the first whole minute after the last datapoint. */
  readonly end?: number;
}

const MINUTE = 60_000;

/**
 * Evaluates every alarm once a minute, as CloudWatch does for periods of a minute or more, from the
 * first datapoint to the last. An evaluation at time t looks at the periods that end at t; the
 * composites are then evaluated on the states that evaluation left.
 */
export function replay(alarms: readonly AlarmDefinition[], datapoints: readonly Datapoint[], options: ReplayOptions = {}): { alarms: AlarmReplay[] } {
  const store = new MetricStore(datapoints);
  const span = store.span();
  const start = options.start ?? (span ? Math.floor(span.first / MINUTE) * MINUTE + MINUTE : undefined);
  const end = options.end ?? (span ? Math.floor(span.last / MINUTE) * MINUTE + MINUTE : undefined);
  const metricAlarms = alarms.filter((alarm): alarm is MetricAlarm => alarm.type === 'metric').map((alarm) => new MetricAlarmEvaluator(alarm, store));
  const composites = alarms.filter((alarm): alarm is CompositeAlarm => alarm.type === 'composite').map((alarm) => ({ alarm, rule: parseRule(alarm.rule) }));
  const known = new Set(alarms.map((alarm) => alarm.name));
  for (const { alarm, rule } of composites) {
    for (const name of ruleAlarms(rule)) if (!known.has(name)) throw new Error(`composite ${alarm.name} refers to ${name}, which the template does not define`);
  }

  const states = new Map<string, AlarmState>(alarms.map((alarm) => [alarm.name, 'INSUFFICIENT_DATA']));
  const transitions = new Map<string, Transition[]>(alarms.map((alarm) => [alarm.name, []]));
  const set = (name: string, state: AlarmState, time: number) => {
    if (states.get(name) === state) return false;
    states.set(name, state);
    transitions.get(name)!.push({ timestamp: new Date(time).toISOString(), state });
    return true;
  };
  if (start !== undefined && end !== undefined) {
    for (let time = start; time <= end; time += MINUTE) {
      for (const evaluator of metricAlarms) set(evaluator.alarm.name, evaluator.evaluate(time, states.get(evaluator.alarm.name)!), time);
      // A composite may watch another composite: settle them all before the next minute.
      for (let round = 0; round <= composites.length; round++) {
        let changed = false;
        for (const { alarm, rule } of composites) changed = set(alarm.name, ruleHolds(rule, (name) => states.get(name)!) ? 'ALARM' : 'OK', time) || changed;
        if (!changed) break;
      }
    }
  }
  return { alarms: alarms.map((alarm) => ({ name: alarm.name, type: alarm.type, transitions: transitions.get(alarm.name)!, notifies: alarm.alarmActions })) };
}

/** One metric alarm: its metrics' statistics per period, its expressions, and the state rules. */
class MetricAlarmEvaluator {
  private readonly expressions = new Map<string, ReturnType<typeof parseExpression>>();
  /** Each metric's statistic by period start: consecutive evaluations share most of their periods. */
  private readonly periods = new Map<string, { key: string; values: Map<number, number | undefined> }>();
  /** "Alarms that evaluate metrics in the AWS/DynamoDB namespace always ignore missing data." */
  private readonly treatMissingData;

  constructor(
    readonly alarm: MetricAlarm,
    private readonly store: MetricStore,
  ) {
    for (const query of alarm.queries) {
      if (query.expression !== undefined) this.expressions.set(query.id, parseExpression(query.expression));
      if (query.metric) this.periods.set(query.id, { key: metricKey(query.metric.namespace, query.metric.metricName, query.metric.dimensions), values: new Map() });
    }
    const metrics = alarm.queries.flatMap((query) => (query.metric ? [query.metric] : []));
    this.treatMissingData = metrics.every((metric) => metric.namespace === 'AWS/DynamoDB') ? 'ignore' : alarm.treatMissingData;
  }

  private statistic(key: string, start: number, end: number, name: string): number | undefined {
    if (name !== 'Sum' && name !== 'SampleCount' && name !== 'Average') return statistic(this.store.samples(key, start, end), name);
    const { count, sum } = this.store.countAndSum(key, start, end);
    if (count === 0) return undefined;
    return name === 'Sum' ? sum : name === 'SampleCount' ? count : sum / count;
  }

  evaluate(time: number, current: AlarmState): AlarmState {
    const period = this.alarm.period * 1000;
    const range = evaluationRange(this.alarm.evaluationPeriods);
    const grid = Array.from({ length: range }, (_, index) => time - (range - index) * period);
    const computed = new Map<string, Series>();
    const seriesOf = (id: string): Series => {
      const known = computed.get(id);
      if (known) return known;
      const query = this.alarm.queries.find((candidate) => candidate.id === id);
      if (!query) throw new Error(`alarm ${this.alarm.name}: no metric or expression with id ${id}`);
      let result: Series;
      if (query.metric) {
        const cache = this.periods.get(id)!;
        const values = new Map<number, number>();
        for (const slot of grid) {
          if (!cache.values.has(slot)) cache.values.set(slot, this.statistic(cache.key, slot, slot + period, query.metric.statistic));
          const value = cache.values.get(slot);
          if (value !== undefined) values.set(slot, value);
        }
        for (const slot of cache.values.keys()) if (slot < grid[0]!) cache.values.delete(slot);
        result = values;
      } else {
        const value = evaluateExpression(this.expressions.get(id)!, { grid, series: seriesOf });
        if (value.kind !== 'series') throw new Error(`alarm ${this.alarm.name}: expression ${id} must give one time series`);
        result = value.series;
      }
      computed.set(id, result);
      return result;
    };
    const returned = this.alarm.queries.find((query) => query.returnData)!;
    const series = seriesOf(returned.id);
    return nextState(
      grid.map((slot) => series.get(slot)),
      { ...this.alarm, treatMissingData: this.treatMissingData },
      current,
    );
  }
}
