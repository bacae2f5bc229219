import { ComparisonOperator, MathExpression, Metric, Stats, TreatMissingData, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterPattern, type LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Canary } from 'aws-cdk-lib/aws-synthetics';
import type { Api } from '../api.js';
import { RUNBOOK } from '../runbook.js';
import { METRICS_NAMESPACE } from '../service-function.js';
import type { AlarmSet } from './alarm-set.js';

/** Routes a customer waits on; `POST /score/batch` takes seconds by design and has no latency SLO. */
export const INTERACTIVE_ROUTES = [
  ['POST', '/score'],
  ['POST', '/score/hybrid'],
  ['GET', '/scores/{company_id}'],
  ['GET', '/batches/{batch_id}'],
  ['GET', '/stats'],
] as const;
type Route = readonly [method: string, resource: string];

/** The route the `/healthz` canary calls: its answers are not customer traffic. */
const CANARY_ROUTE: Route = ['GET', '/healthz'];

/** Metrics the access log yields that API Gateway does not publish. */
const ACCESS_LOG_NAMESPACE = `${METRICS_NAMESPACE}/ApiAccessLog`;

/** A metric id for a route: post_score_hybrid. */
const routeId = ([method, resource]: Route) => `${method}${resource}`.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/_$/, '');

/**
 * API Gateway's metrics of the stage, per route with detailed metrics on. Customer traffic is the
 * stage's minus the canary's, so that one failed canary run at night is not an error rate.
 */
export class ApiTraffic {
  constructor(private readonly api: Api) {}

  metric(metricName: string, statistic: string, route?: Route, label?: string): Metric {
    const restApi = this.api.restApi;
    const dimensionsMap: Record<string, string> = { ApiName: restApi.restApiName, Stage: restApi.deploymentStage.stageName };
    if (route) Object.assign(dimensionsMap, { Method: route[0], Resource: route[1] });
    return new Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap, statistic, label });
  }

  /** `IF(customer requests >= minimum, value, 0)` over customer requests and 5xx (or 4xx) answers; `suffix` keeps ids apart on one graph. */
  customerRatio(value: (errors: string, requests: string) => string, minimum: number, suffix = '', errorMetric = '5XXError'): { expression: string; usingMetrics: Record<string, Metric> } {
    const [errors, requests, canaryErrors, canaryRequests] = ['errors', 'requests', 'canary_errors', 'canary_requests'].map((id) => `${id}${suffix}`) as [string, string, string, string];
    const customerRequests = `(${requests} - ${canaryRequests})`;
    return {
      expression: `IF(${customerRequests} >= ${minimum}, ${value(`(${errors} - ${canaryErrors})`, customerRequests)}, 0)`,
      usingMetrics: {
        [errors]: this.metric(errorMetric, Stats.SUM),
        [requests]: this.metric('Count', Stats.SUM),
        [canaryErrors]: this.metric(errorMetric, Stats.SUM, CANARY_ROUTE),
        [canaryRequests]: this.metric('Count', Stats.SUM, CANARY_ROUTE),
      },
    };
  }

  /** The slowest interactive route's latency percentile, counting only routes with enough requests. */
  slowestRoute(statistic: 'p50' | 'p95' | 'p99', minimum: number): MathExpression {
    const terms = INTERACTIVE_ROUTES.map((route) => `IF(count_${routeId(route)} >= ${minimum}, ${statistic}_${routeId(route)}, 0)`);
    return new MathExpression({
      expression: `MAX([${terms.join(', ')}])`,
      usingMetrics: Object.fromEntries(
        INTERACTIVE_ROUTES.flatMap((route) => [
          [`count_${routeId(route)}`, this.metric('Count', Stats.SUM, route)],
          [`${statistic}_${routeId(route)}`, this.metric('Latency', statistic, route)],
        ]),
      ),
      label: `latency ${statistic} of the slowest interactive route (ms)`,
    });
  }
}

export interface ApiAlarms {
  readonly traffic: ApiTraffic;
  readonly errorRate: MathExpression;
  readonly serviceDown: Alarm;
  readonly highLatencyP99: Alarm;
  /** Errors of the version CodeDeploy is shifting traffic to. */
  readonly canaryErrors: Alarm;
  readonly blendLatency: Metric;
  readonly adapterFailureRate: MathExpression;
  readonly divergenceRate: MathExpression;
}

/** The API's alarms: errors, latency, liveness, client errors and throttling, the deploy canary, hybrid scoring. */
export function apiAlarms(set: AlarmSet, api: Api, canary: Canary): ApiAlarms {
  const traffic = new ApiTraffic(api);
  const errorRate = new MathExpression({ ...traffic.customerRatio((errors, requests) => `100 * ${errors} / ${requests}`, RUNBOOK.highErrorRate.minimumSamples ?? 0), label: '5xx rate (%)' });
  set.metric('HighErrorRate', RUNBOOK.highErrorRate, errorRate, 'API 5xx responses in % of customer requests', { severity: RUNBOOK.highErrorRate.severity });

  const highLatencyP99 = set.metric('HighLatencyP99', RUNBOOK.highLatency.p99, traffic.slowestRoute('p99', RUNBOOK.highLatency.p99.minimumSamples ?? 0), 'API latency p99 of the slowest interactive route in ms');
  const { p95 } = RUNBOOK.highLatency;
  set.metric('HighLatencyP95', p95, traffic.slowestRoute('p95', p95.minimumSamples ?? 0), 'API latency p95 of the slowest interactive route in ms', { severity: p95.severity });

  const serviceDown = set.metric('ServiceDown', RUNBOOK.serviceDown, canary.metricSuccessPercent({ statistic: Stats.AVERAGE }), '/healthz canary success in %', {
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    // A canary that stopped reporting is as bad as one that fails.
    treatMissingData: TreatMissingData.BREACHING,
  });

  const { clientErrors, throttled, quotaExceeded } = RUNBOOK;
  const clientErrorRate = new MathExpression({
    ...traffic.customerRatio((errors, requests) => `100 * ${errors} / ${requests}`, clientErrors.minimumSamples ?? 0, '4xx', '4XXError'),
    label: '4xx rate (%)',
  });
  set.metric('ClientErrorSpike', clientErrors, clientErrorRate, 'API 4xx responses in % of customer requests', { severity: clientErrors.severity });

  // API Gateway counts 429s among its 4xx only; the access log tells them, and used-up quotas, apart.
  const accessLogs = api.node.findChild('AccessLogs') as LogGroup;
  const fromAccessLog = (metricName: string, pattern: ReturnType<typeof FilterPattern.stringValue>) => {
    accessLogs.addMetricFilter(metricName, { filterPattern: pattern, metricNamespace: ACCESS_LOG_NAMESPACE, metricName, metricValue: '1' });
    return new Metric({ namespace: ACCESS_LOG_NAMESPACE, metricName, statistic: Stats.SUM });
  };
  const throttledRequests = fromAccessLog('Throttled', FilterPattern.stringValue('$.status', '=', '429'));
  const throttleRate = new MathExpression({
    expression: `IF(requests >= ${throttled.minimumSamples ?? 0}, 100 * throttled / requests, 0)`,
    usingMetrics: { throttled: throttledRequests, requests: traffic.metric('Count', Stats.SUM) },
    label: '429 rate (%)',
  });
  set.metric('ThrottleSpike', throttled, throttleRate, 'API requests refused with 429 in % of requests', { severity: throttled.severity });
  const quotaRefusals = fromAccessLog('QuotaExceeded', FilterPattern.stringValue('$.errorType', '=', 'QUOTA_EXCEEDED'));
  set.metric('QuotaExceeded', quotaExceeded, quotaRefusals, 'requests refused because a key used up its monthly quota', { severity: quotaExceeded.severity });

  const alias = api.alias;
  const newVersionErrors = new Metric({
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
    dimensionsMap: { FunctionName: api.handler.function.functionName, Resource: `${api.handler.function.functionName}:${alias.aliasName}`, ExecutedVersion: alias.version.version },
    statistic: Stats.SUM,
  });
  const canaryErrors = set.metric('CanaryErrors', RUNBOOK.canaryErrors, newVersionErrors, 'failed invocations of the version the live alias is shifting to');

  // A blend is recorded once per adapted record and a failure once per record that could not be adapted.
  const blends = api.handler.metric('BlendLatency', { statistic: Stats.SAMPLE_COUNT });
  const { adapterFailureRate: adapter, divergenceFlags, blendLatency: blendRule } = RUNBOOK;
  const adapterFailureRate = new MathExpression({
    expression: `IF(failures + blends >= ${adapter.minimumSamples ?? 0}, 100 * failures / (failures + blends), 0)`,
    usingMetrics: { failures: api.handler.metric('AdapterFailures', { statistic: Stats.SUM }), blends },
    label: 'adapter failures (%)',
  });
  const divergenceRate = new MathExpression({
    expression: `IF(blends >= ${divergenceFlags.minimumSamples ?? 0}, 100 * flags / blends, 0)`,
    usingMetrics: { flags: api.handler.metric('DivergenceFlags', { statistic: Stats.SUM }), blends },
    label: 'divergence flags (% of blends)',
  });
  const blendLatency = api.handler.metric('BlendLatency', { statistic: Stats.percentile(95), label: 'blend latency p95 (ms)' });
  set.metric('AdapterFailureRate', adapter, adapterFailureRate, 'adapter failures in % of records sent to /score/hybrid', { severity: adapter.severity });
  set.metric('DivergenceFlags', divergenceFlags, divergenceRate, 'blends flagged as divergent in % of blends', { severity: divergenceFlags.severity });
  set.metric('BlendLatency', blendRule, blendLatency, 'blend latency p95 in ms', { severity: blendRule.severity });

  return { traffic, errorRate, serviceDown, highLatencyP99, canaryErrors, blendLatency, adapterFailureRate, divergenceRate };
}
