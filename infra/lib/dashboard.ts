import { Aws, Duration } from 'aws-cdk-lib';
import { AlarmStatusWidget, Dashboard, GraphWidget, Stats, TextWidget, type AlarmBase, type HorizontalAnnotation, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Canary } from 'aws-cdk-lib/aws-synthetics';
import type { Construct } from 'constructs';
import type { ApiAlarms } from './alarms/api.js';
import type { BatchSignals } from './alarms/batch.js';
import { burnRate } from './alarms/burn-rate.js';
import type { Api } from './api.js';
import type { Batch } from './batch.js';
import { RUNBOOK } from './runbook.js';
import type { ServiceFunction } from './service-function.js';
import { resourceName, type StageConfig } from './stage.js';

export interface DashboardProps {
  readonly stage: StageConfig;
  readonly api: Api;
  readonly batch: Batch;
  readonly canary: Canary;
  readonly functions: readonly ServiceFunction[];
  readonly apiAlarms: ApiAlarms;
  readonly batchSignals: BatchSignals;
  readonly context: { contextAge: IMetric; driftAlerts: IMetric[] };
  readonly tableLatency: IMetric;
  readonly alarms: readonly AlarmBase[];
}

/** The SLO dashboard: every runbook threshold drawn as a line next to the metric it bounds, and the state of every alarm that notifies. */
export function sloDashboard(scope: Construct, props: DashboardProps): Dashboard {
  const { stage, api, batch, canary, apiAlarms: signals, batchSignals } = props;
  const { traffic } = signals;
  return new Dashboard(scope, 'Dashboard', {
    dashboardName: resourceName(stage.name, 'slo'),
    defaultInterval: Duration.hours(6),
    widgets: [
      [
        new TextWidget({
          markdown:
            `# Echo Ridge ${stage.name}\nSLOs: availability ${RUNBOOK.availabilitySlo * 100} %, ` +
            `p95 < ${RUNBOOK.highLatency.p95.threshold} ms, p99 < ${RUNBOOK.highLatency.p99.threshold} ms on interactive routes. Horizontal lines are runbook thresholds.`,
          width: 24,
          height: 2,
        }),
      ],
      [
        graph(
          'API latency (ms)',
          [traffic.slowestRoute('p50', 0), traffic.slowestRoute('p95', 0), traffic.slowestRoute('p99', 0), traffic.metric('Latency', 'p99', ['POST', '/score/batch'], 'POST /score/batch p99')],
          [line(RUNBOOK.highLatency.p95.threshold, 'p95 SLO'), line(RUNBOOK.highLatency.p99.threshold, 'p99 SLO')],
        ),
        graph('API 5xx rate (%)', [signals.errorRate], [line(RUNBOOK.highErrorRate.threshold, 'HighErrorRate')]),
        // The long windows: the short ones only confirm that a burn is still going on.
        graph(
          'Error budget burn rate',
          RUNBOOK.burnRates.map((rule) => burnRate(traffic, rule, rule.longWindow)),
          RUNBOOK.burnRates.map((rule) => line(rule.factor, `${rule.name} ${rule.factor}×`)),
        ),
      ],
      [
        graph('Requests', [
          traffic.metric('Count', Stats.SUM, undefined, 'API Gateway requests'),
          traffic.metric('4XXError', Stats.SUM, undefined, 'API Gateway 4xx'),
          api.handler.metric('Requests', { statistic: Stats.SUM }),
          api.handler.metric('Errors5xx', { statistic: Stats.SUM }),
        ]),
        graph('Healthz canary success (%)', [canary.metricSuccessPercent()], [line(RUNBOOK.serviceDown.threshold, 'ServiceDown below')]),
        graph('Handler latency (ms)', [api.handler.metric('RequestLatency', { statistic: Stats.percentile(99) }), signals.blendLatency], [line(RUNBOOK.blendLatency.threshold, 'BlendLatency')]),
      ],
      [
        graph(
          'Batch throughput',
          [
            batch.handler.metric('BatchThroughput', { statistic: Stats.AVERAGE, label: 'companies/min per batch' }),
            batchSignals.scored,
            batch.handler.metric('BatchLinesFailed', { statistic: Stats.SUM }),
          ],
          [line(RUNBOOK.batchThroughput.threshold, 'BatchThroughputLow (/min)')],
        ),
        graph('Batch duration (ms)', [batch.handler.metric('BatchDurationMs', { statistic: Stats.percentile(95) })]),
        graph('Batch queue', [batchSignals.waiting, batchSignals.processed, batchSignals.dlqDepth], [line(RUNBOOK.dlqGrowing.threshold, 'DlqGrowing above')]),
      ],
      [
        graph('Adapter and divergence (%)', [signals.adapterFailureRate, signals.divergenceRate], [
          line(RUNBOOK.adapterFailureRate.threshold, 'AdapterFailureRate'),
          line(RUNBOOK.divergenceFlags.threshold, 'DivergenceFlags'),
        ]),
        graph('Normalization context', [props.context.contextAge, ...props.context.driftAlerts], [line(RUNBOOK.contextAge.threshold, 'ContextAge (h)')]),
        graph('Memory and DynamoDB', [...props.functions.map((fn) => fn.metricMemoryUtilization()), props.tableLatency], [
          line(RUNBOOK.highMemoryUsage.threshold, 'HighMemoryUsage (%)'),
          line(RUNBOOK.databaseSlowQueries.threshold, 'DatabaseSlowQueries (ms)'),
        ]),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 8 })],
    ],
  });
}

function graph(title: string, metrics: IMetric[], annotations: HorizontalAnnotation[] = []): GraphWidget {
  return new GraphWidget({ title, left: metrics, leftAnnotations: annotations, width: 8, height: 6 });
}

function line(value: number, label: string): HorizontalAnnotation {
  return { value, label };
}

/** The console address of a dashboard, for the stack outputs. */
export function dashboardUrl(dashboard: Dashboard): string {
  return `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboard.dashboardName}`;
}
