import { describe, expect, it } from '@jest/globals';
import { readAlarms, replay, resolveValue, type Datapoint } from '../src/index.js';

/** A template as CDK synthesizes one: a queue, an alarm on it, a composite, a topic. */
const TEMPLATE = {
  Resources: {
    Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'prod-batch' } },
    Version: { Type: 'AWS::Lambda::Version', Properties: {} },
    Page: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'prod-page' } },
    Waiting: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: 'waiting',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 2,
        TreatMissingData: 'notBreaching',
        Metrics: [
          { Id: 'expr', Expression: 'IF(visible > 0 AND FILL(deleted, 0) == 0, 1, 0)', ReturnData: true },
          {
            Id: 'visible',
            ReturnData: false,
            MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } }] }, Period: 60, Stat: 'Minimum' },
          },
          {
            Id: 'deleted',
            ReturnData: false,
            MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'NumberOfMessagesDeleted', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } }] }, Period: 60, Stat: 'Sum' },
          },
        ],
      },
    },
    Incident: {
      Type: 'AWS::CloudWatch::CompositeAlarm',
      Properties: { AlarmName: 'incident', AlarmRule: { 'Fn::Join': ['', ['ALARM("', { 'Fn::GetAtt': ['Waiting', 'Arn'] }, '")']] }, AlarmActions: [{ Ref: 'Page' }] },
    },
  },
};

const sqs = (minute: number, metricName: string, value: number): Datapoint => ({
  Namespace: 'AWS/SQS',
  MetricName: metricName,
  Dimensions: [{ Name: 'QueueName', Value: 'prod-batch' }],
  Timestamp: new Date(Date.UTC(2026, 11, 1, 10, minute)).toISOString(),
  Value: value,
});

describe('reading a template', () => {
  it('resolves references to the physical name the template gives, else to the logical id', () => {
    const resources = TEMPLATE.Resources as never;
    expect(resolveValue({ 'Fn::GetAtt': ['Queue', 'QueueName'] }, resources)).toBe('prod-batch');
    expect(resolveValue({ Ref: 'Queue' }, resources)).toBe('prod-batch');
    expect(resolveValue({ 'Fn::GetAtt': ['Version', 'Version'] }, resources)).toBe('Version');
    expect(resolveValue({ 'Fn::Join': [':', [{ Ref: 'Queue' }, 'live']] }, resources)).toBe('prod-batch:live');
    expect(() => resolveValue({ 'Fn::Sub': 'x' }, resources)).toThrow(/cannot resolve/);
  });

  it('reads metric and composite alarms with their rules, metrics and actions', () => {
    const [waiting, incident] = readAlarms(TEMPLATE);
    expect(waiting).toMatchObject({ type: 'metric', name: 'waiting', period: 60, evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: 'notBreaching', alarmActions: [] });
    expect(incident).toMatchObject({ type: 'composite', name: 'incident', rule: 'ALARM("waiting")', alarmActions: ['Page'] });
  });

  it('refuses an alarm whose metrics have different periods', () => {
    const broken = structuredClone(TEMPLATE);
    broken.Resources.Waiting.Properties.Metrics[2]!.MetricStat!.Period = 300;
    expect(() => readAlarms(broken)).toThrow(/one and the same period/);
  });
});

describe('replaying datapoints', () => {
  it('evaluates every minute; the composite follows its member and notifies its topic once', () => {
    const points = Array.from({ length: 6 }, (_, minute) => [sqs(minute, 'ApproximateNumberOfMessagesVisible', minute >= 2 ? 3 : 0), sqs(minute, 'NumberOfMessagesDeleted', 0)]).flat();
    const { alarms } = replay(readAlarms(TEMPLATE), points);
    expect(alarms.map((alarm) => [alarm.name, alarm.transitions.map((t) => `${t.timestamp.slice(11, 16)} ${t.state}`), alarm.notifies])).toEqual([
      ['waiting', ['10:01 OK', '10:04 ALARM'], []],
      ['incident', ['10:01 OK', '10:04 ALARM'], ['Page']],
    ]);
  });

  it('refuses a composite that names an alarm the template lacks', () => {
    const broken = structuredClone(TEMPLATE) as { Resources: Record<string, unknown> };
    broken.Resources.Incident = { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'incident', AlarmRule: 'ALARM(nope)' } };
    expect(() => replay(readAlarms(broken), [sqs(0, 'NumberOfMessagesDeleted', 0)])).toThrow(/refers to nope/);
  });
});
