import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDatapoints, type Datapoint } from '@echo-ridge/alarms';

export interface MetricCollectorOptions {
  /** The clock every datapoint is stamped with; tests advance it to cross alarm periods. */
  now?: () => number;
  /** Keep the datapoints in this JSONL file (`pnpm start --persist`), read back at start. */
  file?: string;
}

/** CloudWatch's standard resolution: every alarm and graph of the stack reads periods of whole minutes. */
const MINUTE_MS = 60_000;

/** One series' datum of one minute, gathering its values as they come. */
interface MinuteOfSeries {
  minute: number;
  datum: Datapoint & { Values: number[]; Counts: number[] };
  /** Where each distinct value is in `Values`. */
  positions: Map<number, number>;
}

/**
 * The metrics of the local runtime as CloudWatch would hold them: in memory, each series' values of a
 * minute in one datum (distinct values with their counts, as PutMetricData's Values and Counts), and
 * every datum as it came appended to a file when one is given (the lines `echo-ridge alarms replay`
 * reads). Kept one object per value, a runtime under load held a few KB per request for good (about
 * 90 MB over a 20,000-request benchmark, with major GC pauses growing with it); a minute of one
 * series is now one datum whatever the rate, and a repeated value (a Count's 1) one number.
 */
export class MetricCollector {
  readonly now: () => number;
  private readonly points: Datapoint[] = [];
  private readonly file: string | undefined;
  /** The latest minute of each series, which new values of that minute join. */
  private readonly latest = new Map<string, MinuteOfSeries>();
  private changes = 0;

  constructor(options: MetricCollectorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.file = options.file;
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      let text = '';
      try {
        text = readFileSync(this.file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      // A line cut short by a crash is skipped; every whole one counts.
      for (const datum of parseDatapoints(text).datapoints) this.add(datum);
    }
  }

  record(...datapoints: Datapoint[]): void {
    if (datapoints.length === 0) return;
    for (const datum of datapoints) this.add(datum);
    this.changes += 1;
    if (this.file) appendFileSync(this.file, datapoints.map((datum) => `${JSON.stringify(datum)}\n`).join(''));
  }

  /** Grows with every record: a reader that keeps something made of the datapoints remakes it when this changed. */
  get revision(): number {
    return this.changes;
  }

  private add(datum: Datapoint): void {
    const values = datum.Value === undefined ? datum.Values : [datum.Value];
    // A statistic set cannot be split into values: it is kept as it came.
    if (values === undefined) {
      this.points.push(datum);
      return;
    }
    const minute = Math.floor(Date.parse(datum.Timestamp) / MINUTE_MS) * MINUTE_MS;
    const series = JSON.stringify([datum.Namespace, datum.MetricName, datum.Dimensions, datum.Unit ?? null]);
    let current = this.latest.get(series);
    if (current?.minute !== minute) {
      const { Namespace, MetricName, Dimensions, Unit } = datum;
      current = { minute, datum: { Namespace, MetricName, Dimensions, Timestamp: new Date(minute).toISOString(), Values: [], Counts: [], ...(Unit && { Unit }) }, positions: new Map() };
      this.latest.set(series, current);
      this.points.push(current.datum);
    }
    values.forEach((value, index) => {
      const count = datum.Counts?.[index] ?? 1;
      const position = current.positions.get(value);
      if (position === undefined) {
        current.positions.set(value, current.datum.Values.length);
        current.datum.Values.push(value);
        current.datum.Counts.push(count);
      } else {
        current.datum.Counts[position]! += count;
      }
    });
  }

  /** One value of a metric now. */
  put(namespace: string, metricName: string, dimensions: Readonly<Record<string, string>>, value: number, unit?: string): void {
    this.record({
      Namespace: namespace,
      MetricName: metricName,
      Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      Timestamp: new Date(this.now()).toISOString(),
      Value: value,
      ...(unit && { Unit: unit }),
    });
  }

  datapoints(): readonly Datapoint[] {
    return this.points;
  }
}
