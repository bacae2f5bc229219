import { MetricStore, type Datapoint } from '@echo-ridge/alarms';
import { alarmStates, graphData, type AlarmStatus, type SeriesData } from './evaluation.js';
import type { MetricCollector } from './metric-collector.js';
import { readStackView, type StackView, type Widget } from './stack-view.js';

export type WidgetState = Exclude<Widget, { type: 'graph' }> | (Extract<Widget, { type: 'graph' }> & { data: SeriesData[] });

export interface DashboardState {
  /** Why there are no widgets and alarms yet (the stack is being synthesized), or why there never will be. */
  pending?: string;
  now: string;
  widgets: WidgetState[];
  alarms: AlarmStatus[];
  requestsPerKey: Record<string, number>;
}

/**
 * The stack's dashboard and alarms over the local metrics. The stack's template arrives once synthesized;
 * until then the state says so. States are computed when asked, over the datapoints translated to the
 * stack's names, again only when the collector has recorded something since.
 */
export class Observer {
  private view: StackView | undefined;
  private problem = 'reading the stack: synthesizing its template (a first synth takes a minute)';
  private translated: Datapoint[] = [];
  private revision = -1;
  private store: MetricStore | undefined;
  readonly requestsPerKey = new Map<string, number>();
  private readonly ready: Promise<StackView | undefined>;

  constructor(
    readonly collector: MetricCollector,
    template: Promise<unknown>,
  ) {
    this.ready = template.then(
      (value) => {
        this.view = readStackView(value);
        return this.view;
      },
      (error: unknown) => {
        this.problem = `the stack's template could not be read: ${(error as Error).message}`;
        return undefined;
      },
    );
  }

  /** The stack view once its template is read; undefined if it could not be. */
  whenReady(): Promise<StackView | undefined> {
    return this.ready;
  }

  private datapoints(view: StackView): { list: readonly Datapoint[]; store: MetricStore } {
    // The collector adds values to the datum of the current minute in place, so a change shows in its revision, not its length.
    if (this.revision !== this.collector.revision || !this.store) {
      this.translated = this.collector.datapoints().map((datum) => view.translate(datum));
      this.store = new MetricStore(this.translated);
      this.revision = this.collector.revision;
    }
    return { list: this.translated, store: this.store };
  }

  alarms(): AlarmStatus[] | undefined {
    const view = this.view;
    if (!view) return undefined;
    return alarmStates(view, this.datapoints(view).list, this.collector.now());
  }

  state(): DashboardState {
    const now = this.collector.now();
    const requestsPerKey = Object.fromEntries(this.requestsPerKey);
    const view = this.view;
    if (!view) return { pending: this.problem, now: new Date(now).toISOString(), widgets: [], alarms: [], requestsPerKey };
    const { list, store } = this.datapoints(view);
    return {
      now: new Date(now).toISOString(),
      widgets: view.widgets.map((widget) => (widget.type === 'graph' ? { ...widget, data: graphData(widget.series, store, now) } : widget)),
      alarms: alarmStates(view, list, now),
      requestsPerKey,
    };
  }
}
