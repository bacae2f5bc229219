import { ArnFormat, Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmRule,
  AlarmState,
  AlarmStatusWidget,
  ComparisonOperator,
  CompositeAlarm,
  Dashboard,
  GraphWidget,
  MathExpression,
  Stats,
  TextWidget,
  TreatMissingData,
  type AlarmBase,
  type HorizontalAnnotation,
  type IMetric,
  type Metric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Canary, Code, Runtime, Schedule, Test } from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import type { Api } from './api.js';
import type { Batch } from './batch.js';
import type { ContextRefresh } from './context.js';
import { acknowledgeControl } from './controls.js';
import { nagArn } from './nag.js';
import { RUNBOOK, type AlarmRule as RunbookRule, type Severity } from './runbook.js';
import { resourceName, type StageConfig } from './stage.js';
import type { Storage } from './storage.js';

/** DynamoDB operations the store issues; the slowest one's p95 is what the runbook watches. */
const TABLE_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem', 'TransactWriteItems'] as const;

/** The canary's check: `/healthz` must answer 2xx. Runs on the Synthetics Node.js runtime. */
const HEALTHZ_CANARY = `
const synthetics = require('Synthetics');
exports.handler = async () => {
  const url = new URL(process.env.HEALTHZ_URL);
  await synthetics.executeHttpStep('healthz', { hostname: url.hostname, path: url.pathname, method: 'GET', port: 443, protocol: 'https:' }, async (res) => {
    if (res.statusCode < 200 || res.statusCode > 299) throw new Error('healthz answered ' + res.statusCode);
  });
};
`;

export interface ObservabilityProps {
  readonly stage: StageConfig;
  readonly storage: Storage;
  readonly api: Api;
  readonly batch: Batch;
  readonly contextRefresh: ContextRefresh;
}

/**
 * The runbook's alarms, the canary behind ServiceDown, the paging and ticket topics they notify, and
 * a dashboard that draws every SLO line next to the metric it bounds.
 */
export class Observability extends Construct {
  /** Critical alarms: subscribe the on-call pager. */
  readonly pageTopic: Topic;
  /** Warnings: subscribe the team's ticket queue. */
  readonly ticketTopic: Topic;
  readonly canary: Canary;
  readonly dashboard: Dashboard;
  /** The API error and latency alarms: a deployment that sets one off is rolled back. */
  readonly rollbackAlarms: readonly Alarm[];

  private readonly stage: StageConfig;
  private readonly alarms: AlarmBase[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { stage, storage, api, batch, contextRefresh } = props;
    this.stage = stage;

    // CloudWatch can only publish to an encrypted topic whose customer-managed key lets it in.
    const topicKey = new Key(this, 'TopicKey', {
      description: `${stage.name} Echo Ridge alarm topics`,
      enableKeyRotation: true,
      removalPolicy: stage.removalPolicy,
    });
    topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.pageTopic = new Topic(this, 'Page', { topicName: resourceName(stage.name, 'page'), masterKey: topicKey, enforceSSL: true });
    this.ticketTopic = new Topic(this, 'Ticket', { topicName: resourceName(stage.name, 'ticket'), masterKey: topicKey, enforceSSL: true });
    const alarmArns = Stack.of(this).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    for (const topic of [this.pageTopic, this.ticketTopic]) {
      // A topic policy replaces SNS's default one, which is what lets the account's alarms publish.
      topic.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: { ArnLike: { 'aws:SourceArn': alarmArns } },
        }),
      );
    }

    const apiStage = api.restApi.deploymentStage;
    const requests = apiStage.metricCount({ statistic: Stats.SUM });
    const serverErrors = apiStage.metricServerError({ statistic: Stats.SUM });
    const errorRate = new MathExpression({ expression: '100 * errors / requests', usingMetrics: { errors: serverErrors, requests }, label: '5xx rate (%)' });
    const errorBudget = Number((1 - RUNBOOK.availabilitySlo).toPrecision(6));
    // The dashboard draws several windows in one graph, so each window's metrics get ids of their own.
    const burnRate = (window: Duration) => {
      const [errors, total] = [`errors${span(window)}`, `requests${span(window)}`];
      return new MathExpression({
        expression: `${errors} / ${total} / ${errorBudget}`,
        usingMetrics: { [errors]: serverErrors, [total]: requests },
        period: window,
        label: `burn rate over ${span(window)}`,
      });
    };
    const latency = (statistic: 'p50' | 'p95' | 'p99') => apiStage.metricLatency({ statistic, label: `latency ${statistic}` });

    // --- API SLOs ---
    const highErrorRate = this.alarm('HighErrorRate', RUNBOOK.highErrorRate, errorRate, 'API 5xx responses in % of requests');
    const highLatencyP99 = this.alarm('HighLatencyP99', RUNBOOK.highLatency.p99, latency('p99'), 'API latency p99 in ms');
    const highLatencyP95 = this.alarm('HighLatencyP95', RUNBOOK.highLatency.p95, latency('p95'), 'API latency p95 in ms');
    this.rollbackAlarms = [highErrorRate, highLatencyP99, highLatencyP95];

    for (const rule of RUNBOOK.burnRates) {
      const window = (kind: 'Long' | 'Short', length: Duration) => {
        const alarm = new Alarm(this, `BurnRate${rule.name}${kind}`, {
          alarmName: resourceName(stage.name, `BurnRate${rule.name}-${span(length)}`),
          alarmDescription: `Error budget burn rate over ${length.toHumanString()} above ${rule.factor}; notifies only through BurnRate${rule.name}.`,
          metric: burnRate(length),
          threshold: rule.factor,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        });
        acknowledgeControl(alarm, 'cloudwatch_alarm_action_check', `One window of a burn-rate pair: it acts only through the composite BurnRate${rule.name}, which notifies when both windows burn.`);
        return alarm;
      };
      const long = window('Long', rule.longWindow);
      const short = window('Short', rule.shortWindow);
      const composite = new CompositeAlarm(this, `BurnRate${rule.name}`, {
        compositeAlarmName: resourceName(stage.name, `BurnRate${rule.name}`),
        alarmDescription:
          `The ${RUNBOOK.availabilitySlo * 100} % availability error budget burns over ${rule.factor}× too fast over both ` +
          `${rule.longWindow.toHumanString()} and ${rule.shortWindow.toHumanString()}. Runbook: BurnRate${rule.name}.`,
        alarmRule: AlarmRule.allOf(AlarmRule.fromAlarm(long, AlarmState.ALARM), AlarmRule.fromAlarm(short, AlarmState.ALARM)),
      });
      this.notify(composite, rule.severity);
    }

    this.canary = this.healthzCanary(storage, api);
    this.alarm('ServiceDown', RUNBOOK.serviceDown, this.canary.metricSuccessPercent({ statistic: Stats.AVERAGE }), '/healthz canary success in %', {
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      // A canary that stopped reporting is as bad as one that fails.
      treatMissingData: TreatMissingData.BREACHING,
    });

    // --- resources ---
    const functions = [api.handler, batch.handler, contextRefresh.handler];
    for (const fn of functions) {
      this.alarm(`HighMemoryUsage-${fn.service}`, RUNBOOK.highMemoryUsage, fn.metricMemoryUtilization(), `${fn.service} max memory used in % of configured`);
    }
    const tableLatency = new MathExpression({
      expression: `MAX([${TABLE_OPERATIONS.map((op) => op.toLowerCase()).join(', ')}])`,
      usingMetrics: Object.fromEntries(
        TABLE_OPERATIONS.map((op) => [
          op.toLowerCase(),
          storage.table.metricSuccessfulRequestLatency({ dimensionsMap: { TableName: storage.table.tableName, Operation: op }, statistic: Stats.percentile(95) }),
        ]),
      ),
      label: 'slowest DynamoDB operation p95 (ms)',
    });
    this.alarm('DatabaseSlowQueries', RUNBOOK.databaseSlowQueries, tableLatency, 'DynamoDB SuccessfulRequestLatency p95 of the slowest operation in ms');

    // --- batch ---
    const dlqDepth = batch.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, label: 'DLQ messages' });
    const oldestMessage = batch.queue.metricApproximateAgeOfOldestMessage({ statistic: Stats.MAXIMUM, label: 'oldest message age (s)' });
    this.alarm('DlqNotEmpty', RUNBOOK.dlqNotEmpty, dlqDepth, 'batch messages parked in the dead-letter queue');
    this.alarm('BatchBacklog', RUNBOOK.batchBacklog, oldestMessage, 'age of the oldest batch message in seconds');

    // --- hybrid scoring: a blend is recorded once per adapted record, so its sample count is the number adapted ---
    const blends = api.handler.metric('BlendLatency', { statistic: Stats.SAMPLE_COUNT });
    const adapterFailures = api.handler.metric('AdapterFailures', { statistic: Stats.SUM });
    const adapterFailureRate = new MathExpression({
      expression: '100 * failures / (failures + blends)',
      usingMetrics: { failures: adapterFailures, blends },
      label: 'adapter failures (%)',
    });
    const divergenceRate = new MathExpression({
      expression: '100 * flags / blends',
      usingMetrics: { flags: api.handler.metric('DivergenceFlags', { statistic: Stats.SUM }), blends },
      label: 'divergence flags (% of blends)',
    });
    const blendLatency = api.handler.metric('BlendLatency', { statistic: Stats.percentile(95), label: 'blend latency p95 (ms)' });
    this.alarm('AdapterFailureRate', RUNBOOK.adapterFailureRate, adapterFailureRate, 'adapter failures in % of adapted records');
    this.alarm('DivergenceFlags', RUNBOOK.divergenceFlags, divergenceRate, 'blends flagged as divergent in % of blends');
    this.alarm('BlendLatency', RUNBOOK.blendLatency, blendLatency, 'blend latency p95 in ms');

    // --- normalization context: the daily refresh's metrics ---
    const contextAge = contextRefresh.handler.metric('NormContextAgeHours', { statistic: Stats.MAXIMUM, label: 'context age (h)' });
    const driftAlerts = (['critical', 'warning'] as const).map((severity) => ({
      severity,
      metric: contextRefresh.handler.metric('DriftAlerts', { statistic: Stats.SUM, dimensions: { severity }, label: `${severity} drift alerts` }),
    }));
    this.alarm('ContextStale', RUNBOOK.contextAge, contextAge, 'age of the normalization context in hours');
    for (const { severity, metric } of driftAlerts) {
      this.alarm(`DriftDetected-${severity}`, { ...RUNBOOK.driftDetected, severity }, metric, `${severity} drift alerts of the daily refresh`);
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: resourceName(stage.name, 'slo'),
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new TextWidget({
            markdown:
              `# Echo Ridge ${stage.name}\nSLOs: availability ${RUNBOOK.availabilitySlo * 100} %, ` +
              `p95 < ${RUNBOOK.highLatency.p95.threshold} ms, p99 < ${RUNBOOK.highLatency.p99.threshold} ms. Horizontal lines are runbook thresholds.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          graph('API latency (ms)', [latency('p50'), latency('p95'), latency('p99')], [line(RUNBOOK.highLatency.p95.threshold, 'p95 SLO'), line(RUNBOOK.highLatency.p99.threshold, 'p99 SLO')]),
          graph('API 5xx rate (%)', [errorRate], [line(RUNBOOK.highErrorRate.threshold, 'HighErrorRate')]),
          // The long windows: the short ones only confirm that a burn is still going on.
          graph(
            'Error budget burn rate',
            RUNBOOK.burnRates.map((rule) => burnRate(rule.longWindow)),
            RUNBOOK.burnRates.map((rule) => line(rule.factor, `${rule.name} ${rule.factor}×`)),
          ),
        ],
        [
          graph('Requests', [requests.with({ label: 'API Gateway requests' }), api.handler.metric('Requests', { statistic: Stats.SUM }), api.handler.metric('Errors4xx', { statistic: Stats.SUM }), api.handler.metric('Errors5xx', { statistic: Stats.SUM })]),
          graph('Healthz canary success (%)', [this.canary.metricSuccessPercent()], [line(RUNBOOK.serviceDown.threshold, 'ServiceDown below')]),
          graph('Handler latency (ms)', [api.handler.metric('RequestLatency', { statistic: Stats.percentile(99) }), blendLatency], [line(RUNBOOK.blendLatency.threshold, 'BlendLatency')]),
        ],
        [
          graph('Batch throughput', [
            batch.handler.metric('BatchThroughput', { statistic: Stats.AVERAGE, label: 'companies/min' }),
            batch.handler.metric('CompaniesScored', { statistic: Stats.SUM }),
            batch.handler.metric('BatchLinesFailed', { statistic: Stats.SUM }),
          ]),
          graph('Batch duration (ms)', [batch.handler.metric('BatchDurationMs', { statistic: Stats.percentile(95) })]),
          graph('Batch queue', [batch.queue.metricApproximateNumberOfMessagesVisible({ label: 'queue depth' }), dlqDepth, oldestMessage], [
            line(RUNBOOK.batchBacklog.threshold, 'BatchBacklog (s)'),
            line(RUNBOOK.dlqNotEmpty.threshold, 'DlqNotEmpty above'),
          ]),
        ],
        [
          graph('Adapter and divergence (%)', [adapterFailureRate, divergenceRate], [line(RUNBOOK.adapterFailureRate.threshold, 'AdapterFailureRate'), line(RUNBOOK.divergenceFlags.threshold, 'DivergenceFlags')]),
          graph('Normalization context', [contextAge, ...driftAlerts.map(({ metric }) => metric)], [line(RUNBOOK.contextAge.threshold, 'ContextStale (h)')]),
          graph('Memory and DynamoDB', [...functions.map((fn) => fn.metricMemoryUtilization()), tableLatency], [
            line(RUNBOOK.highMemoryUsage.threshold, 'HighMemoryUsage (%)'),
            line(RUNBOOK.databaseSlowQueries.threshold, 'DatabaseSlowQueries (ms)'),
          ]),
        ],
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 })],
      ],
    });
  }

  /** A runbook alarm: fires after `evaluationPeriods` breaching periods in a row and notifies by severity. */
  private alarm(
    name: string,
    rule: RunbookRule,
    metric: Metric | MathExpression,
    what: string,
    options: { comparisonOperator?: ComparisonOperator; treatMissingData?: TreatMissingData } = {},
  ): Alarm {
    const comparisonOperator = options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_THRESHOLD;
    const alarm = new Alarm(this, name, {
      alarmName: resourceName(this.stage.name, name),
      alarmDescription:
        `${what} ${comparisonOperator === ComparisonOperator.LESS_THAN_THRESHOLD ? 'below' : 'above'} ${rule.threshold} ` +
        `for ${rule.evaluationPeriods} × ${rule.period.toHumanString()}. Runbook: ${name}.`,
      metric: metric.with({ period: rule.period }),
      threshold: rule.threshold,
      evaluationPeriods: rule.evaluationPeriods,
      datapointsToAlarm: rule.evaluationPeriods,
      comparisonOperator,
      // No traffic is no evidence of a problem; ServiceDown watches for silence.
      treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    this.notify(alarm, rule.severity);
    return alarm;
  }

  /** Critical alarms page, warnings open a ticket; both say when they clear. */
  private notify(alarm: AlarmBase, severity: Severity): void {
    const action = new SnsAction(severity === 'critical' ? this.pageTopic : this.ticketTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }

  private healthzCanary(storage: Storage, api: Api): Canary {
    const artifacts = new Bucket(this, 'CanaryArtifacts', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: storage.accessLogs,
      serverAccessLogsPrefix: 'canary/',
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: this.stage.removalPolicy,
    });
    const canary = new Canary(this, 'Healthz', {
      canaryName: resourceName(this.stage.name, 'healthz'),
      runtime: Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0,
      test: Test.custom({ code: Code.fromInline(HEALTHZ_CANARY), handler: 'index.handler' }),
      schedule: Schedule.rate(RUNBOOK.serviceDown.canaryRate),
      environmentVariables: { HEALTHZ_URL: api.restApi.urlForPath('/healthz') },
      artifactsBucketLocation: { bucket: artifacts },
      provisionedResourceCleanup: true,
    });
    acknowledgeControl(artifacts, 's3_bucket_default_encryption_kms_check', 'Canary run reports and screenshots of the public /healthz route: nothing in them is confidential, and S3-managed keys encrypt them at rest.');
    acknowledgeControl(artifacts, 's3_event_notifications_enabled_check', 'Nothing acts on a canary artifact: the ServiceDown alarm reads the canary\'s metrics, and artifacts are read when investigating.');
    acknowledgeControl(artifacts, 's3_bucket_object_lock_enabled_check', 'Run artifacts expire after 30 days; they are diagnostics of the canary, not audit records.');
    // The role CDK gives a canary is what the Synthetics runtime needs to report a run.
    Validations.of(canary).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 's3:ListAllMyBuckets has no resource scope, and cloudwatch:PutMetricData is limited to the CloudWatchSynthetics namespace by condition.' },
      { id: `AwsSolutions-IAM5[Resource::${nagArn(artifacts)}/*]`, reason: 'Run artifacts are written under keys Synthetics chooses, in the canary\'s own bucket.' },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/cwsyn-*]',
        reason: 'Synthetics names the log group of the canary function when it creates it; the pattern covers canary log groups only.',
      },
    );
    return canary;
  }
}

function graph(title: string, metrics: IMetric[], annotations: HorizontalAnnotation[] = []): GraphWidget {
  return new GraphWidget({ title, left: metrics, leftAnnotations: annotations, width: 8, height: 6 });
}

/** A window as alarm names and metric ids spell it: 5m, 1h. */
function span(window: Duration): string {
  return window.toMinutes() % 60 === 0 ? `${window.toHours()}h` : `${window.toMinutes()}m`;
}

function line(value: number, label: string): HorizontalAnnotation {
  return { value, label };
}

/** The console address of a dashboard, for the stack outputs. */
export function dashboardUrl(dashboard: Dashboard): string {
  return `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${dashboard.dashboardName}`;
}

