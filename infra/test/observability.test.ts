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

  it('HighErrorRate: 5xx above 0.1 % of requests for 2 minutes pages', () => {
    const props = alarm('HighErrorRate');
    fires(props, 0.1, 60, 2);
    expect(expression(props)).toBe('100 * errors / requests');
    expect(stat(props, 'errors')).toEqual(['AWS/ApiGateway', '5XXError', 'Sum', 60, api()]);
    expect(stat(props, 'requests')).toEqual(['AWS/ApiGateway', 'Count', 'Sum', 60, api()]);
    expect(props.TreatMissingData).toBe('notBreaching');
    routedTo(props, 'page');
  });

  it.each([
    ['HighLatencyP99', 'p99', 150, 'page'],
    ['HighLatencyP95', 'p95', 100, 'ticket'],
  ] as const)('%s: API latency %s above %d ms for 3 minutes', (alarmName, percentile, threshold, topic) => {
    const props = alarm(alarmName);
    fires(props, threshold, 60, 3);
    expect(stat(props, 'm1')).toEqual(['AWS/ApiGateway', 'Latency', percentile, 60, api()]);
    routedTo(props, topic);
  });

  it('ServiceDown: a /healthz canary every minute; two failed or missing runs page', () => {
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
    routedTo(props, 'page');
  });

  it.each([
    ['Fast', 14.4, 3600, 300, 'page'],
    ['Slow', 6, 6 * 3600, 1800, 'page'],
    ['Page', 10, 3 * 3600, 900, 'page'],
    ['Ticket', 2, 24 * 3600, 2 * 3600, 'ticket'],
  ] as const)('BurnRate%s: burn above %d× over the long and the short window alike', (rule, factor, longSeconds, shortSeconds, topic) => {
    const windows = [longSeconds, shortSeconds].map((seconds) => {
      const span = seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds / 60}m`;
      const props = alarm(`BurnRate${rule}-${span}`);
      expect(props).toMatchObject({ Threshold: factor, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
      expect(expression(props)).toBe(`errors${span} / requests${span} / 0.001`);
      expect(stat(props, `errors${span}`)).toEqual(['AWS/ApiGateway', '5XXError', 'Sum', seconds, api()]);
      expect(stat(props, `requests${span}`)).toEqual(['AWS/ApiGateway', 'Count', 'Sum', seconds, api()]);
      // The windows only feed the composite; they notify nobody themselves.
      expect(props.AlarmActions).toBeUndefined();
      return Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name(`BurnRate${rule}-${span}`) } }))[0];
    });
    const composite = alarm(`BurnRate${rule}`, 'AWS::CloudWatch::CompositeAlarm');
    expect(composite.AlarmRule).toEqual({
      'Fn::Join': ['', ['(ALARM("', { 'Fn::GetAtt': [windows[0], 'Arn'] }, '") AND ALARM("', { 'Fn::GetAtt': [windows[1], 'Arn'] }, '"))']],
    });
    routedTo(composite, topic);
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

  it.each([
    ['DlqNotEmpty', 'batch-dlq', 'ApproximateNumberOfMessagesVisible', 0, 'ticket'],
    ['BatchBacklog', 'batch', 'ApproximateAgeOfOldestMessage', 600, 'page'],
  ] as const)('%s: %s %s above %d', (alarmName, queue, metric, threshold, topic) => {
    const props = alarm(alarmName);
    fires(props, threshold, 60, 1);
    const [namespace, metricName, statistic, , dimensions] = stat(props, 'm1') as [string, string, string, number, { QueueName: { 'Fn::GetAtt': [string, string] } }];
    expect([namespace, metricName, statistic]).toEqual(['AWS/SQS', metric, 'Maximum']);
    expect(resourceById(template, dimensions.QueueName['Fn::GetAtt'][0]).Properties.QueueName).toBe(name(queue));
    routedTo(props, topic);
  });

  it.each([
    ['AdapterFailureRate', '100 * failures / (failures + blends)', 5, 300, 'page'],
    ['DivergenceFlags', '100 * flags / blends', 50, 900, 'ticket'],
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

  it('ContextStale: a normalization context older than 24 hours opens a ticket', () => {
    const props = alarm('ContextStale');
    fires(props, 24, 86400, 1);
    expect(stat(props, 'm1')).toEqual(['EchoRidge', 'NormContextAgeHours', 'Maximum', 86400, { service: name('context-refresh') }]);
    routedTo(props, 'ticket');
  });

  it.each([
    ['critical', 'page'],
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
      if (props.AlarmActions === undefined) expect(props.AlarmName).toMatch(/BurnRate\w+-\d+[mh]$/);
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
      ['Batch queue', [600, 0]],
      ['Adapter and divergence (%)', [5, 50]],
      ['Normalization context', [24]],
      ['Memory and DynamoDB', [80, 50]],
      ['Healthz canary success (%)', [100]],
      ['Handler latency (ms)', [50]],
      ['Batch throughput', []],
    ] as const)('draws %s with its runbook lines', (title, values) => {
      expect(lines(title)).toEqual(values);
    });

    it('shows the state of every alarm', () => {
      const status = widgets.find((w) => w.properties.title === 'Alarms');
      const count = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length + Object.keys(template.findResources('AWS::CloudWatch::CompositeAlarm')).length;
      const windows = 2 * 4;
      expect(status?.properties.alarms).toHaveLength(count - windows);
    });
  });
});
