import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES } from '../lib/stage.js';
import { resourceById, synthesize } from './synth.js';

interface AlarmProps {
  AlarmName: string;
  AlarmActions?: { Ref: string }[];
  OKActions?: { Ref: string }[];
  Metrics?: { Id: string; Expression?: string; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] }; Period: number; Stat: string } }[];
  [key: string]: unknown;
}

type Topic = 'page' | 'ticket';

describe.each(STAGE_NAMES)('observability (%s)', (stage) => {
  let template: Template;
  let topics: Record<Topic, string>;
  const name = (alarm: string) => `${stage}-echo-ridge-${alarm}`;
  beforeAll(() => {
    template = synthesize(stage).template;
    const topic = (which: Topic) => Object.keys(template.findResources('AWS::SNS::Topic', { Properties: { TopicName: name(which) } }))[0] ?? '';
    topics = { page: topic('page'), ticket: topic('ticket') };
  });

  const alarm = (alarmName: string, type = 'AWS::CloudWatch::Alarm'): AlarmProps => {
    const found = Object.values(template.findResources(type, { Properties: { AlarmName: name(alarmName) } }));
    if (found.length !== 1) throw new Error(`expected one alarm ${alarmName}, found ${found.length}`);
    return (found[0] as { Properties: AlarmProps }).Properties;
  };
  /**
   * A metric of the alarm as [namespace, name, statistic, period, dimensions]: by its id in a math
   * expression, or `m1` for an alarm on a single metric, whichever form CDK rendered it in.
   */
  const stat = (props: AlarmProps, id: string) => {
    const single = {
      Id: 'm1',
      MetricStat: { Metric: { Namespace: props.Namespace, MetricName: props.MetricName, Dimensions: props.Dimensions }, Period: props.Period, Stat: props.Statistic ?? props.ExtendedStatistic },
    };
    const metric = (props.Metrics ?? [single]).find((m) => m.Id === id)?.MetricStat;
    if (!metric) throw new Error(`${props.AlarmName} has no metric ${id}`);
    const dimensions = (metric.Metric.Dimensions ?? []) as { Name: string; Value: unknown }[];
    return [metric.Metric.Namespace, metric.Metric.MetricName, metric.Stat, metric.Period, Object.fromEntries(dimensions.map((d) => [d.Name, d.Value]))];
  };
  const expression = (props: AlarmProps) => props.Metrics?.find((m) => m.Expression !== undefined)?.Expression;
  const routedTo = (props: AlarmProps, topic: Topic) => {
    expect(props.AlarmActions).toEqual([{ Ref: topics[topic] }]);
    expect(props.OKActions).toEqual([{ Ref: topics[topic] }]);
  };
  const api = () => ({ ApiName: name('api'), Stage: { Ref: expect.stringMatching(/^ApiRestApiDeploymentStagev1/) } });
  const fires = (props: AlarmProps, threshold: number, periodSeconds: number, periods: number, comparison = 'GreaterThanThreshold') => {
    expect(props).toMatchObject({ Threshold: threshold, EvaluationPeriods: periods, DatapointsToAlarm: periods, ComparisonOperator: comparison });
    const periodsSeen = [props.Period, ...(props.Metrics ?? []).map((m) => m.MetricStat?.Period)].filter((p) => p !== undefined);
    expect(new Set(periodsSeen)).toEqual(new Set([periodSeconds]));
  };

  it('pages through one encrypted topic and tickets through another; CloudWatch may use their key', () => {
    for (const topic of ['page', 'ticket'] as const) {
      template.hasResourceProperties('AWS::SNS::Topic', { TopicName: name(topic), KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ObservabilityTopicKey'), 'Arn'] } });
    }
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
    template.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', Match.arrayWith([':alarm:*'])] } } },
          }),
        ]),
      },
    });
  });

  /** Critical alarms page in prod; staging pages nobody and opens tickets instead. */
  const critical: Topic = stage === 'prod' ? 'page' : 'ticket';
  const customer = (id: string) => `IF((requests${id} - canary_requests${id}) >= `;
  const route = (method: string, resource: string) => ({ ...api(), Method: method, Resource: resource });
  const silent = (props: AlarmProps) => {
    expect(props.AlarmActions).toBeUndefined();
    expect(props.OKActions).toBeUndefined();
  };
  const INTERACTIVE = [
    ['POST', '/score', 'post_score'],
    ['POST', '/score/hybrid', 'post_score_hybrid'],
    ['GET', '/scores/{company_id}', 'get_scores_company_id'],
    ['GET', '/batches/{batch_id}', 'get_batches_batch_id'],
    ['GET', '/stats', 'get_stats'],
  ] as const;

  it('HighErrorRate: 5xx above 0.1 % of customer requests (the canary left out, at least 100) over 5 minutes opens a ticket', () => {
    const props = alarm('HighErrorRate');
    fires(props, 0.1, 300, 1);
    expect(expression(props)).toBe(`${customer('')}100, 100 * (errors - canary_errors) / (requests - canary_requests), 0)`);
    expect(stat(props, 'errors')).toEqual(['AWS/ApiGateway', '5XXError', 'Sum', 300, api()]);
    expect(stat(props, 'requests')).toEqual(['AWS/ApiGateway', 'Count', 'Sum', 300, api()]);
    expect(stat(props, 'canary_errors')).toEqual(['AWS/ApiGateway', '5XXError', 'Sum', 300, route('GET', '/healthz')]);
    expect(stat(props, 'canary_requests')).toEqual(['AWS/ApiGateway', 'Count', 'Sum', 300, route('GET', '/healthz')]);
    expect(props.TreatMissingData).toBe('notBreaching');
    routedTo(props, 'ticket');
  });

  it.each([
    ['HighLatencyP99', 'p99', 150],
    ['HighLatencyP95', 'p95', 100],
  ] as const)('%s: latency %s of the slowest interactive route (50 requests at least, POST /score/batch left out) above %d ms over 5 minutes', (alarmName, percentile, threshold) => {
    const props = alarm(alarmName);
    fires(props, threshold, 300, 1);
    expect(expression(props)).toBe(`MAX([${INTERACTIVE.map(([, , id]) => `IF(count_${id} >= 50, ${percentile}_${id}, 0)`).join(', ')}])`);
    for (const [method, resource, id] of INTERACTIVE) {
      expect(stat(props, `count_${id}`)).toEqual(['AWS/ApiGateway', 'Count', 'Sum', 300, route(method, resource)]);
      expect(stat(props, `${percentile}_${id}`)).toEqual(['AWS/ApiGateway', 'Latency', percentile, 300, route(method, resource)]);
    }
    if (alarmName === 'HighLatencyP95') routedTo(props, 'ticket');
    else silent(props);
  });

  it('turns on per-route metrics on the API stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'v1', MethodSettings: Match.arrayWith([Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', MetricsEnabled: true })]) });
  });

  it('ServiceDown: a /healthz canary every minute; two failed or missing runs set it off', () => {
    template.hasResourceProperties('AWS::Synthetics::Canary', {
      Name: name('healthz'),
      RuntimeVersion: 'syn-nodejs-puppeteer-13.0',
      Schedule: { Expression: 'rate(1 minute)' },
      Code: { Handler: 'index.handler', Script: Match.stringLikeRegexp("executeHttpStep\\('healthz'") },
      RunConfig: { EnvironmentVariables: { HEALTHZ_URL: { 'Fn::Join': ['', Match.arrayWith(['/healthz'])] } } },
      StartCanaryAfterCreation: true,
    });
    const props = alarm('ServiceDown');
    expect(stat(props, 'm1')).toEqual(['CloudWatchSynthetics', 'SuccessPercent', 'Average', 60, { CanaryName: { Ref: expect.stringMatching(/^ObservabilityHealthz/) } }]);
    expect(props.TreatMissingData).toBe('breaching');
    fires(props, 100, 60, 2, 'LessThanThreshold');
    silent(props);
  });

  it.each([
    ['Fast', 14.4, 3600, 300, 209],
    ['Slow', 6, 6 * 3600, 1800, 500],
    ['Page', 10, 3 * 3600, 900, 300],
    ['Ticket', 2, 24 * 3600, 2 * 3600, 1500],
  ] as const)('BurnRate%s: burn above %d× over the long and the short window alike, each with enough requests for 3 failures to count', (rule, factor, longSeconds, shortSeconds, minimum) => {
    const windows = [longSeconds, shortSeconds].map((seconds) => {
      const span = seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds / 60}m`;
      const props = alarm(`BurnRate${rule}-${span}`);
      expect(props).toMatchObject({ Threshold: factor, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
      expect(expression(props)).toBe(`${customer(span)}${minimum}, (errors${span} - canary_errors${span}) / (requests${span} - canary_requests${span}) / 0.001, 0)`);
      expect(stat(props, `errors${span}`)).toEqual(['AWS/ApiGateway', '5XXError', 'Sum', seconds, api()]);
      expect(stat(props, `canary_requests${span}`)).toEqual(['AWS/ApiGateway', 'Count', 'Sum', seconds, route('GET', '/healthz')]);
      silent(props);
      return Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name(`BurnRate${rule}-${span}`) } }))[0];
    });
    const composite = alarm(`BurnRate${rule}`, 'AWS::CloudWatch::CompositeAlarm');
    expect(composite.AlarmRule).toEqual({
      'Fn::Join': ['', ['(ALARM("', { 'Fn::GetAtt': [windows[0], 'Arn'] }, '") AND ALARM("', { 'Fn::GetAtt': [windows[1], 'Arn'] }, '"))']],
    });
    if (rule === 'Ticket') routedTo(composite, 'ticket');
    else silent(composite);
  });

  it('ApiIncident: one page for whichever of ServiceDown, HighLatencyP99 and the critical burn rates fires first', () => {
    const composite = alarm('ApiIncident', 'AWS::CloudWatch::CompositeAlarm');
    const id = (alarmName: string, type = 'AWS::CloudWatch::Alarm') => Object.keys(template.findResources(type, { Properties: { AlarmName: name(alarmName) } }))[0];
    const members = [id('ServiceDown'), id('HighLatencyP99'), ...['Fast', 'Slow', 'Page'].map((rule) => id(`BurnRate${rule}`, 'AWS::CloudWatch::CompositeAlarm'))];
    const parts = (composite.AlarmRule as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    expect(parts.filter((part) => typeof part !== 'string')).toEqual(members.map((member) => ({ 'Fn::GetAtt': [member, 'Arn'] })));
    expect(parts.filter((part) => typeof part === 'string').join('|')).toMatch(/^\(ALARM\("\|"\) OR ALARM\("\|"\) OR ALARM\("\|"\) OR ALARM\("\|"\) OR ALARM\("\|"\)\)$/);
    routedTo(composite, critical);
  });

  it('CanaryErrors: any failed invocation of the new version, notifying nobody but CodeDeploy', () => {
    const props = alarm('CanaryErrors');
    fires(props, 0, 60, 1);
    expect(props).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum' });
    silent(props);
  });

  it.each([
    ['ClientErrorSpike', 25, 300, 3],
    ['ThrottleSpike', 5, 300, 3],
    ['QuotaExceeded', 0, 3600, 1],
  ] as const)('%s opens a ticket', (alarmName, threshold, period, periods) => {
    fires(alarm(alarmName), threshold, period, periods);
    routedTo(alarm(alarmName), 'ticket');
  });

  it('counts 429s and used-up quotas from the API access log', () => {
    for (const [metric, pattern] of [
      ['Throttled', '{ $.status = "429" }'],
      ['QuotaExceeded', '{ $.errorType = "QUOTA_EXCEEDED" }'],
    ]) {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: pattern,
        LogGroupName: { Ref: Match.stringLikeRegexp('^ApiAccessLogs') },
        MetricTransformations: [{ MetricNamespace: 'EchoRidge/ApiAccessLog', MetricName: metric, MetricValue: '1' }],
      });
    }
  });

  it.each([
    ['score-api', 1024],
    ['batch', 1536],
    ['context-refresh', 512],
  ] as const)('HighMemoryUsage-%s: max memory used above 80 %% of %d MB opens a ticket', (service, memory) => {
    const props = alarm(`HighMemoryUsage-${service}`);
    const id = `${service.replace(/-/g, '_')}_used`;
    fires(props, 80, 300, 1);
    expect(expression(props)).toBe(`100 * ${id} / ${memory}`);
    expect(stat(props, id)).toEqual(['EchoRidge/MaxMemoryUsedMB', name(service), 'Maximum', 300, {}]);
    routedTo(props, 'ticket');
  });

  it('DatabaseSlowQueries: the slowest DynamoDB operation above 50 ms at p95 for 15 minutes', () => {
    const props = alarm('DatabaseSlowQueries');
    fires(props, 50, 300, 3);
    const operations = ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem', 'TransactWriteItems'];
    expect(expression(props)).toBe(`MAX([${operations.map((op) => op.toLowerCase()).join(', ')}])`);
    for (const op of operations) {
      expect(stat(props, op.toLowerCase())).toEqual(['AWS/DynamoDB', 'SuccessfulRequestLatency', 'p95', 300, { TableName: { Ref: expect.stringMatching(/^StorageTable/) }, Operation: op }]);
    }
    routedTo(props, 'ticket');
  });

  it.each(['score-api', 'batch', 'context-refresh'])('FunctionErrors-%s and FunctionThrottles-%s open a ticket', (service) => {
    for (const [alarmName, metric] of [
      [`FunctionErrors-${service}`, 'Errors'],
      [`FunctionThrottles-${service}`, 'Throttles'],
    ] as const) {
      const props = alarm(alarmName);
      fires(props, 0, 300, 1);
      expect(props).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: metric, Statistic: 'Sum' });
      routedTo(props, 'ticket');
    }
  });

  it('TableThrottles and TableSystemErrors: filled with 0 when DynamoDB reports nothing, so that they clear', () => {
    const throttles = alarm('TableThrottles');
    expect(throttles).toMatchObject({ Threshold: 0, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(expression(throttles)).toBe('FILL(reads, 0) + FILL(writes, 0)');
    expect(stat(throttles, 'reads')).toEqual(['AWS/DynamoDB', 'ReadThrottleEvents', 'Sum', 300, { TableName: { Ref: expect.stringMatching(/^StorageTable/) } }]);
    const errors = alarm('TableSystemErrors');
    fires(errors, 0, 300, 1);
    expect(expression(errors)).toBe(['getitem', 'putitem', 'updateitem', 'query', 'batchwriteitem', 'transactwriteitems'].map((op) => `FILL(${op}, 0)`).join(' + '));
    routedTo(throttles, 'ticket');
    routedTo(errors, 'ticket');
  });

  it('BackupJobFailed and BackupMissing: a job that did not complete, and 26 hours without one that did', () => {
    const vault = { BackupVaultName: { 'Fn::GetAtt': [expect.stringMatching(/^BackupVault/), 'BackupVaultName'] } };
    const failed = alarm('BackupJobFailed');
    fires(failed, 0, 3600, 1);
    expect(expression(failed)).toBe('FILL(failed, 0) + FILL(aborted, 0) + FILL(expired, 0)');
    expect(stat(failed, 'expired')).toEqual(['AWS/Backup', 'NumberOfBackupJobsExpired', 'Sum', 3600, vault]);
    const missing = alarm('BackupMissing');
    fires(missing, 1, 7200, 13, 'LessThanThreshold');
    expect(stat(missing, 'completed')).toEqual(['AWS/Backup', 'NumberOfBackupJobsCompleted', 'Sum', 7200, vault]);
    routedTo(failed, 'ticket');
    routedTo(missing, 'ticket');
  });

  it('PageDeliveryFailed: a page SNS could not deliver opens a ticket', () => {
    const props = alarm('PageDeliveryFailed');
    fires(props, 0, 300, 1);
    expect(props).toMatchObject({ Namespace: 'AWS/SNS', MetricName: 'NumberOfNotificationsFailed', Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': [topics.page, 'TopicName'] } }] });
    routedTo(props, 'ticket');
  });

  it('DlqGrowing: every new message in the dead-letter queue opens a ticket, not only the first', () => {
    const props = alarm('DlqGrowing');
    fires(props, 0, 300, 1);
    expect(expression(props)).toBe('DIFF(depth)');
    const [namespace, metricName, statistic, , dimensions] = stat(props, 'depth') as [string, string, string, number, { QueueName: { 'Fn::GetAtt': [string, string] } }];
    expect([namespace, metricName, statistic]).toEqual(['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum']);
    expect(resourceById(template, dimensions.QueueName['Fn::GetAtt'][0]).Properties.QueueName).toBe(name('batch-dlq'));
    routedTo(props, 'ticket');
  });

  it('BatchBacklog: ten minutes with messages waiting and none processed pages; a large file that is making progress does not', () => {
    const props = alarm('BatchBacklog');
    fires(props, 0, 60, 10);
    expect(expression(props)).toBe('IF(waiting > 0 AND FILL(processed, 0) == 0, 1, 0)');
    expect(stat(props, 'waiting').slice(0, 3)).toEqual(['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Minimum']);
    expect(stat(props, 'processed').slice(0, 3)).toEqual(['AWS/SQS', 'NumberOfMessagesDeleted', 'Sum']);
    routedTo(props, critical);
  });

  it('BatchThroughputLow: fewer than 1,000 companies a minute while messages wait, for 15 minutes', () => {
    const props = alarm('BatchThroughputLow');
    fires(props, 1000, 300, 3, 'LessThanThreshold');
    expect(expression(props)).toBe('IF(waiting > 0, FILL(scored, 0) / 5)');
    expect(stat(props, 'scored')).toEqual(['EchoRidge', 'CompaniesScored', 'Sum', 300, { service: name('batch') }]);
    routedTo(props, 'ticket');
  });

  it.each([
    ['AdapterFailureRate', 'IF(failures + blends >= 20, 100 * failures / (failures + blends), 0)', 5, 300, critical],
    ['DivergenceFlags', 'IF(blends >= 20, 100 * flags / blends, 0)', 50, 900, 'ticket'],
  ] as const)('%s: %s above %d %%', (alarmName, formula, threshold, period, topic) => {
    const props = alarm(alarmName);
    fires(props, threshold, period, 1);
    expect(expression(props)).toBe(formula);
    const service = { service: name('score-api') };
    expect(stat(props, 'blends')).toEqual(['EchoRidge', 'BlendLatency', 'SampleCount', period, service]);
    const counted = alarmName === 'AdapterFailureRate' ? ['failures', 'AdapterFailures'] : ['flags', 'DivergenceFlags'];
    expect(stat(props, counted[0]!)).toEqual(['EchoRidge', counted[1], 'Sum', period, service]);
    routedTo(props, topic);
  });

  it('BlendLatency: blend p95 above 50 ms opens a ticket', () => {
    const props = alarm('BlendLatency');
    fires(props, 50, 300, 1);
    expect(stat(props, 'm1')).toEqual(['EchoRidge', 'BlendLatency', 'p95', 300, { service: name('score-api') }]);
    routedTo(props, 'ticket');
  });

  it('ContextStale: a refresh reported a context older than 24 hours, or none reported for 26 hours', () => {
    const age = alarm('ContextAge');
    fires(age, 24, 86400, 1);
    expect(stat(age, 'm1')).toEqual(['EchoRidge', 'NormContextAgeHours', 'Maximum', 86400, { service: name('context-refresh') }]);
    const silence = alarm('ContextNotRefreshed');
    fires(silence, 1, 3600, 26, 'LessThanThreshold');
    expect(expression(silence)).toBe('FILL(reports, 0)');
    expect(stat(silence, 'reports')).toEqual(['EchoRidge', 'ContextPublished', 'SampleCount', 3600, { service: name('context-refresh') }]);
    silent(age);
    silent(silence);
    routedTo(alarm('ContextStale', 'AWS::CloudWatch::CompositeAlarm'), 'ticket');
  });

  it('keeps the refresh events EventBridge could not deliver in a dead-letter queue', () => {
    const queue = Object.keys(template.findResources('AWS::SQS::Queue', { Properties: { QueueName: name('context-refresh-dlq') } }))[0];
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: name('context-refresh'),
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
  });

  it.each([
    ['critical', stage === 'prod' ? 'page' : 'ticket'],
    ['warning', 'ticket'],
  ] as const)('DriftDetected-%s: any such drift alert of the daily refresh goes to %s', (severity, topic) => {
    const props = alarm(`DriftDetected-${severity}`);
    fires(props, 0, 86400, 1);
    expect(stat(props, 'm1')).toEqual(['EchoRidge', 'DriftAlerts', 'Sum', 86400, { service: name('context-refresh'), severity }]);
    routedTo(props, topic);
  });

  it('names every alarm after the stage and sends every one that notifies to exactly one topic', () => {
    const alarms = [...Object.values(template.findResources('AWS::CloudWatch::Alarm')), ...Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'))].map(
      (resource) => (resource as { Properties: AlarmProps }).Properties,
    );
    for (const props of alarms) {
      expect(props.AlarmName.startsWith(`${stage}-echo-ridge-`)).toBe(true);
      const feeders = /^\w+-echo-ridge-(BurnRate\w+-\d+[mh]|BurnRate(Fast|Slow|Page)|ServiceDown|HighLatencyP99|CanaryErrors|ContextAge|ContextNotRefreshed)$/;
      if (props.AlarmActions === undefined) expect(props.AlarmName).toMatch(feeders);
      else expect([[topics.page], [topics.ticket]]).toContainEqual(props.AlarmActions.map((action) => action.Ref));
    }
  });

  describe('dashboard', () => {
    type Widget = { properties: { title?: string; metrics?: unknown[]; annotations?: { horizontal: { value: number }[] }; alarms?: unknown[] } };
    let widgets: Widget[];
    beforeAll(() => {
      const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0] as { Properties: { DashboardName: string; DashboardBody: { 'Fn::Join': [string, unknown[]] } } };
      expect(dashboard.Properties.DashboardName).toBe(name('slo'));
      // References to other resources only ever stand inside JSON strings, so a placeholder keeps the body parseable.
      const body = dashboard.Properties.DashboardBody['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'REF')).join('');
      widgets = (JSON.parse(body) as { widgets: Widget[] }).widgets;
    });
    const lines = (title: string) => {
      const widget = widgets.find((w) => w.properties.title === title);
      if (!widget) throw new Error(`no widget ${title}`);
      expect(widget.properties.metrics?.length).toBeGreaterThan(0);
      return widget.properties.annotations?.horizontal.map((line) => line.value) ?? [];
    };

    it.each([
      ['API latency (ms)', [100, 150]],
      ['API 5xx rate (%)', [0.1]],
      ['Error budget burn rate', [14.4, 6, 10, 2]],
      ['Batch queue', [0]],
      ['Adapter and divergence (%)', [5, 50]],
      ['Normalization context', [24]],
      ['Memory and DynamoDB', [80, 50]],
      ['Healthz canary success (%)', [100]],
      ['Handler latency (ms)', [50]],
      ['Batch throughput', [1000]],
    ] as const)('draws %s with its runbook lines', (title, values) => {
      expect(lines(title)).toEqual(values);
    });

    it('shows the state of every alarm that notifies someone', () => {
      const status = widgets.find((w) => w.properties.title === 'Alarms');
      const notifying = ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'].flatMap((type) =>
        Object.values(template.findResources(type)).filter((resource) => (resource as { Properties: AlarmProps }).Properties.AlarmActions !== undefined),
      );
      expect(status?.properties.alarms).toHaveLength(notifying.length);
    });
  });
});
