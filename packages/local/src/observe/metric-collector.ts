import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDatapoints, type Datapoint } from '@echo-ridge/alarms';

export interface MetricCollectorOptions {
  /** The clock every datapoint is stamped with; tests advance it to cross alarm periods. */
  now?: () => number;
  /** Keep the datapoints in this JSONL file (`pnpm start --persist`), read back at start. */
  file?: string;
}

/**
 * The metrics of the local runtime as CloudWatch would hold them: raw datapoints, each a PutMetricData
 * datum with its namespace (the lines `echo-ridge alarms replay` reads), in memory, and appended to a
 * file when one is given.
 */
export class MetricCollector {
  readonly now: () => number;
  private readonly points: Datapoint[] = [];
  private readonly file: string | undefined;
  private listeners: (() => void)[] = [];

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
      this.points.push(...parseDatapoints(text).datapoints);
    }
  }

  record(...datapoints: Datapoint[]): void {
    if (datapoints.length === 0) return;
    this.points.push(...datapoints);
    if (this.file) appendFileSync(this.file, datapoints.map((datum) => `${JSON.stringify(datum)}\n`).join(''));
    for (const listener of this.listeners) listener();
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

  /** Called after every new datapoint; returns the function that stops it. */
  onRecord(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }
}
