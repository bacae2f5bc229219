import { evaluateExpression, metricKey, parseExpression, replay, statistic, type AlarmState, type Datapoint, type MetricStore, type Series } from '@echo-ridge/alarms';
import type { StackView, WidgetSeries } from './stack-view.js';

export interface AlarmStatus {
  name: string;
  type: 'metric' | 'composite';
  state: AlarmState;
  /** When the alarm entered its state (ISO 8601); the first evaluation when it never changed. */
  since: string;
  /** The topics it notifies on ALARM, by name (`prod-echo-ridge-page` is the pager). */
  notifies: readonly string[];
}

export interface SeriesData {
  label: string;
  /** [period start (ms), value or null for a period without one], oldest first. */
  points: [number, number | null][];
}

const MINUTE = 60_000;
/** How far back the alarms are evaluated: the longest window the stack's alarms look at (a day of burn rate). */
const EVALUATION_HORIZON_MS = 24 * 3_600_000;

/**
 * Every alarm of the stack evaluated over the local datapoints, once a minute as CloudWatch does,
 * up to the last whole minute before `now`: its state and since when.
 */
export function alarmStates(view: StackView, datapoints: readonly Datapoint[], now: number): AlarmStatus[] {
  const end = Math.floor(now / MINUTE) * MINUTE;
  const first = datapoints.reduce((earliest, datum) => Math.min(earliest, Date.parse(datum.Timestamp)), end);
  const start = Math.max(Math.floor(first / MINUTE) * MINUTE + MINUTE, end - EVALUATION_HORIZON_MS);
  const result = replay(view.alarms, datapoints, { start, end });
  // Before the first whole minute (start > end) nothing was evaluated: the alarms have waited since the minute the data began.
  const unchangedSince = new Date(Math.min(start, end)).toISOString();
  return result.alarms.map((alarm) => {
    const last = alarm.transitions.at(-1);
    return { name: alarm.name, type: alarm.type, state: last?.state ?? 'INSUFFICIENT_DATA', since: last?.timestamp ?? unchangedSince, notifies: alarm.notifies.map((target) => view.topicName(target)) };
  });
}

/** How many periods a graph shows: an hour of them, and at least 12. */
const periodsShown = (period: number) => Math.max(12, Math.ceil(3_600_000 / (period * 1000)));

/**
 * The visible lines of a graph widget as CloudWatch draws them: each metric's statistic per period
 * (the current, unfinished period included, so that the chart moves), and each expression computed
 * with the alarms' metric math over the lines it names.
 */
export function graphData(series: readonly WidgetSeries[], store: MetricStore, now: number): SeriesData[] {
  const computed = new Map<string, Series>();
  const gridOf = (period: number) => {
    const length = period * 1000;
    const last = Math.floor(now / length) * length;
    return Array.from({ length: periodsShown(period) }, (_, index) => last - (periodsShown(period) - 1 - index) * length);
  };
  const seriesOf = (id: string): Series => {
    const known = computed.get(id);
    if (known) return known;
    const entry = series.find((candidate) => candidate.id === id);
    if (!entry) throw new Error(`the widget has no line with id ${id}`);
    const grid = gridOf(entry.period);
    let values: Map<number, number>;
    if (entry.kind === 'metric') {
      const key = metricKey(entry.namespace, entry.metricName, entry.dimensions);
      values = new Map();
      for (const slot of grid) {
        const value = statistic(store.samples(key, slot, slot + entry.period * 1000), entry.statistic);
        if (value !== undefined) values.set(slot, value);
      }
    } else {
      const value = evaluateExpression(parseExpression(entry.expression), { grid, series: seriesOf });
      values = new Map(value.kind === 'series' ? value.series : value.kind === 'scalar' ? grid.map((slot) => [slot, value.value]) : []);
    }
    computed.set(id, values);
    return values;
  };
  return series
    .filter((entry) => entry.visible)
    .map((entry) => {
      const values = seriesOf(entry.id);
      return { label: entry.label, points: gridOf(entry.period).map((slot): [number, number | null] => [slot, values.get(slot) ?? null]) };
    });
}
