import { Validations } from 'aws-cdk-lib';
import type { Alarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Canary, Code, Runtime, Schedule, Test } from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import { AlarmSet } from './alarms/alarm-set.js';
import { apiAlarms } from './alarms/api.js';
import { batchAlarms } from './alarms/batch.js';
import { burnRateAlarms } from './alarms/burn-rate.js';
import { contextAlarms } from './alarms/context.js';
import { backupAlarms, functionAlarms, tableAlarms, topicAlarms } from './alarms/platform.js';
import type { Api } from './api.js';
import type { Backup } from './backup.js';
import type { Batch } from './batch.js';
import type { ContextRefresh } from './context.js';
import { sloDashboard } from './dashboard.js';
import { acknowledgeControl } from './controls.js';
import { nagArn } from './nag.js';
import { RUNBOOK } from './runbook.js';
import { resourceName, type StageConfig } from './stage.js';
import type { Storage } from './storage.js';
import { createAlarmTopics } from './topics.js';

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
  readonly backup: Backup;
  readonly api: Api;
  readonly batch: Batch;
  readonly contextRefresh: ContextRefresh;
}

/**
 * The runbook's alarms (declared by signal under alarms/), the canary behind ServiceDown, the paging
 * and ticket topics, and the SLO dashboard. An API incident pages once, through ApiIncident, whichever
 * of its signals fires first.
 */
export class Observability extends Construct {
  /** Critical alarms of a stage that pages: subscribe the on-call pager. */
  readonly pageTopic: Topic;
  /** Warnings (and staging's critical alarms): subscribe the team's ticket queue. */
  readonly ticketTopic: Topic;
  readonly canary: Canary;
  readonly dashboard: Dashboard;
  /** Errors of the new version while CodeDeploy shifts traffic to it: the deployment rolls back. */
  readonly rollbackAlarms: readonly Alarm[];

  private readonly stage: StageConfig;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { stage, storage, backup, api, batch, contextRefresh } = props;
    this.stage = stage;
    const topics = createAlarmTopics(this, stage);
    this.pageTopic = topics.page;
    this.ticketTopic = topics.ticket;
    const set = new AlarmSet(this, stage, topics);

    this.canary = this.healthzCanary(storage, api);
    const apiSignals = apiAlarms(set, api, this.canary);
    const burnRates = burnRateAlarms(set, this, apiSignals.traffic);
    set.composite(
      'ApiIncident',
      [apiSignals.serviceDown, apiSignals.highLatencyP99, ...burnRates.critical],
      'any',
      `The API is down, slow or burning its error budget: ServiceDown, HighLatencyP99 or ${burnRates.critical.map((alarm) => alarm.node.id).join(', ')}.`,
      RUNBOOK.apiIncident.severity,
    );
    this.rollbackAlarms = [apiSignals.canaryErrors];

    const functions = [api.handler, batch.handler, contextRefresh.handler];
    for (const fn of functions) functionAlarms(set, fn);
    const tableLatency = tableAlarms(set, storage.table);
    backupAlarms(set, backup.vault);
    topicAlarms(set, topics.page);
    const batchSignals = batchAlarms(set, batch);
    const context = contextAlarms(set, contextRefresh);

    this.dashboard = sloDashboard(this, { stage, api, batch, canary: this.canary, functions, apiAlarms: apiSignals, batchSignals, context, tableLatency, alarms: set.notifying });
  }

  private healthzCanary(storage: Storage, api: Api): Canary {
    const artifacts = new Bucket(this, 'CanaryArtifacts', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: storage.accessLogs,
      serverAccessLogsPrefix: 'canary/',
      versioned: true,
      lifecycleRules: [{ expiration: RUNBOOK.retention.canaryArtifacts, noncurrentVersionExpiration: RUNBOOK.retention.noncurrentVersions }],
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
