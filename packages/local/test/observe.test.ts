import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, jest } from '@jest/globals';
import { MetricStore, metricKey, statistic, type Datapoint } from '@echo-ridge/alarms';
import { emfDatapoints } from '../src/observe/emf.js';
import { alarmStates } from '../src/observe/evaluation.js';
import { MetricCollector } from '../src/observe/metric-collector.js';
import { readStackView } from '../src/observe/stack-view.js';
import { tapStdout } from '../src/observe/stdout-tap.js';

const AT = Date.parse('2026-12-03T08:00:30.000Z');
const emf = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'EchoRidge', Dimensions: [['service'], ['service', 'route']], Metrics: [{ Name: 'Requests', Unit: 'Count' }, { Name: 'RequestLatency', Unit: 'Milliseconds' }] }] },
    service: 'score-api',
    route: '/score',
    Requests: 1,
    RequestLatency: [12, 30],
    ...extra,
  });

describe('emfDatapoints', () => {
  it('reports every metric once per dimension set, array values as Values, stamped with the collector clock', () => {
    const points = emfDatapoints(emf(), AT);
    expect(points).toHaveLength(4);
    expect(points).toContainEqual({ Namespace: 'EchoRidge', MetricName: 'RequestLatency', Dimensions: [{ Name: 'service', Value: 'score-api' }, { Name: 'route', Value: '/score' }], Timestamp: '2026-12-03T08:00:30.000Z', Values: [12, 30], Unit: 'Milliseconds' });
  });

  it('drops what CloudWatch would reject and reads no other line as metrics', () => {
    expect(emfDatapoints(emf({ route: 7 }), AT)).toHaveLength(2);
    expect(emfDatapoints(emf({ Requests: 'one' }), AT).map((point) => point.MetricName)).toEqual(['RequestLatency', 'RequestLatency']);
    expect(emfDatapoints('{"level":"INFO","message":"request finished"}', AT)).toEqual([]);
    expect(emfDatapoints('{"_aws": {', AT)).toEqual([]);
    expect(emfDatapoints('{"_aws": {"CloudWatchMetrics": "no"}}', AT)).toEqual([]);
  });
});

describe('tapStdout', () => {
  it("reads a worker thread's output line by line and still writes it", async () => {
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    const lines: string[] = [];
    const untap = tapStdout((line) => lines.push(line));
    try {
      const worker = new Worker(`console.log(${JSON.stringify(emf())}); process.stdout.write('half a'); process.stdout.write(' line\\n');`, { eval: true });
      await new Promise((resolve) => worker.once('exit', resolve));
      // The worker's stdout reaches this thread asynchronously.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      untap();
      write.mockRestore();
    }
    expect(lines).toEqual([emf(), 'half a line']);
    expect(written.join('')).toBe(`${emf()}\nhalf a line\n`);
  });
});

describe('MetricCollector', () => {
  it('keeps its datapoints in the file across restarts, skipping a line a crash cut short', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'echo-ridge-metrics-')), 'metrics.jsonl');
    const first = new MetricCollector({ now: () => AT, file });
    first.put('AWS/SQS', 'NumberOfMessagesDeleted', { QueueName: 'echo-ridge-batch' }, 3, 'Count');
    first.record(...emfDatapoints(emf(), AT));
    appendFileSync(file, '{"Namespace":"AWS/SQS","Metric');
    const second = new MetricCollector({ file });
    expect(second.datapoints()).toEqual(first.datapoints());
    expect(second.datapoints()).toHaveLength(5);
  });

  it("holds each series' minute as one datum of distinct values and counts, with the statistics of every value recorded", () => {
    let now = AT;
    const collector = new MetricCollector({ now: () => now });
    const raw: Datapoint[] = [];
    const revisions = new Set<number>();
    // 3,000 requests a minute for two minutes: a count of 1 (or 0) and a latency each, as the gateway records them.
    for (let request = 0; request < 6_000; request++) {
      now = AT + request * 20;
      const latency = 5 + ((request * 7919) % 997) / 10;
      const points: Datapoint[] = [
        { Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Dimensions: [{ Name: 'ApiName', Value: 'echo-ridge-api' }], Timestamp: new Date(now).toISOString(), Value: request % 50 === 0 ? 1 : 0, Unit: 'Count' },
        { Namespace: 'AWS/ApiGateway', MetricName: 'Latency', Dimensions: [{ Name: 'ApiName', Value: 'echo-ridge-api' }], Timestamp: new Date(now).toISOString(), Value: latency, Unit: 'Milliseconds' },
      ];
      raw.push(...points);
      collector.record(...points);
      revisions.add(collector.revision);
    }
    // 08:00:30 + 120 s spans the minutes 08:00, 08:01 and 08:02: three datums of each series.
    expect(collector.datapoints()).toHaveLength(6);
    expect(revisions.size).toBe(6_000);
    const errors = collector.datapoints().filter((datum) => datum.MetricName === '5XXError');
    expect(errors.map((datum) => datum.Timestamp)).toEqual(['2026-12-03T08:00:00.000Z', '2026-12-03T08:01:00.000Z', '2026-12-03T08:02:00.000Z']);
    expect(errors.every((datum) => datum.Values!.length <= 2)).toBe(true);
    const compacted = new MetricStore(collector.datapoints());
    const exact = new MetricStore(raw);
    for (const metric of ['5XXError', 'Latency']) {
      const key = metricKey('AWS/ApiGateway', metric, { ApiName: 'echo-ridge-api' });
      for (const [start, end] of [
        [Date.parse('2026-12-03T08:00:00.000Z'), Date.parse('2026-12-03T08:05:00.000Z')],
        [Date.parse('2026-12-03T08:01:00.000Z'), Date.parse('2026-12-03T08:02:00.000Z')],
      ] as const) {
        for (const name of ['SampleCount', 'Sum', 'Average', 'Maximum', 'p99', 'p50']) {
          expect(statistic(compacted.samples(key, start, end), name)).toBeCloseTo(statistic(exact.samples(key, start, end), name)!, 9);
        }
      }
    }
  });
});

describe('readStackView', () => {
  const template = {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'prod-echo-ridge-score-api', Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'prod-echo-ridge-score-api' } } } },
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/prod-echo-ridge-score-api' } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'prod-echo-ridge-batch' } },
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'prod-echo-ridge-batch-dlq' } },
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'prod-echo-ridge-page' } },
      Canary: { Type: 'AWS::Synthetics::Canary', Properties: { Name: 'prod-echo-ridge-healthz', Schedule: { Expression: 'rate(1 minute)' } } },
      Errors: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'prod-echo-ridge-FunctionErrors-score-api',
          Namespace: 'EchoRidge',
          MetricName: 'Errors5xx',
          Dimensions: [{ Name: 'service', Value: 'prod-echo-ridge-score-api' }],
          Period: 60,
          Statistic: 'Sum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          AlarmActions: [{ Ref: 'Topic' }],
        },
      },
      Board: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: {
          DashboardBody: {
            'Fn::Join': [
              '',
              [
                '{"widgets":[{"type":"metric","width":8,"properties":{"title":"Errors","metrics":[["EchoRidge","Errors5xx","service","',
                { Ref: 'Fn' },
                '",{"id":"e","visible":false,"stat":"Sum"}],[{"expression":"100 * e","label":"errors (%)"}]],"annotations":{"horizontal":[{"value":5,"label":"limit"}]}}},{"type":"alarm","width":24,"properties":{"title":"Alarms","alarms":["arn:aws:cloudwatch:eu-west-1:1:alarm:prod-echo-ridge-FunctionErrors-score-api"]}}]}',
              ],
            ],
          },
        },
      },
    },
  };

  it("reads the dashboard's widgets and thresholds, the alarms and the canary's rate from the template", () => {
    const view = readStackView(template);
    expect(view.widgets).toEqual([
      {
        type: 'graph',
        title: 'Errors',
        width: 8,
        annotations: [{ value: 5, label: 'limit' }],
        series: [
          { id: 'e', label: 'Errors5xx Sum', visible: false, period: 300, kind: 'metric', namespace: 'EchoRidge', metricName: 'Errors5xx', dimensions: { service: 'prod-echo-ridge-score-api' }, statistic: 'Sum' },
          { id: 'm2', label: 'errors (%)', visible: true, period: 300, kind: 'expression', expression: '100 * e' },
        ],
      },
      { type: 'alarms', title: 'Alarms', width: 24, alarms: ['prod-echo-ridge-FunctionErrors-score-api'] },
    ]);
    expect(view.alarms.map((alarm) => alarm.name)).toEqual(['prod-echo-ridge-FunctionErrors-score-api']);
    expect(view.canaryRateMs).toBe(60_000);
    expect(view.topicName('Topic')).toBe('prod-echo-ridge-page');
  });

  it('evaluates the alarms once a minute over the datapoints, and never says an alarm changed later than now', () => {
    const view = readStackView(template);
    const errors = [{ Namespace: 'EchoRidge', MetricName: 'Errors5xx', Dimensions: [{ Name: 'service', Value: 'prod-echo-ridge-score-api' }], Timestamp: new Date(AT).toISOString(), Value: 1 }];
    const state = (now: number) => alarmStates(view, errors, now).map(({ name, state, since, notifies }) => ({ name, state, since, notifies }));
    // 08:00:40: no whole minute has passed since the first datapoint (08:00:30), so nothing was evaluated yet.
    expect(state(AT + 10_000)).toEqual([{ name: 'prod-echo-ridge-FunctionErrors-score-api', state: 'INSUFFICIENT_DATA', since: '2026-12-03T08:00:00.000Z', notifies: ['prod-echo-ridge-page'] }]);
    // 08:01:30: the 08:01 evaluation saw the period [08:00, 08:01) with one 5xx.
    expect(state(AT + 60_000)).toEqual([{ name: 'prod-echo-ridge-FunctionErrors-score-api', state: 'ALARM', since: '2026-12-03T08:01:00.000Z', notifies: ['prod-echo-ridge-page'] }]);
    expect(alarmStates(view, [], AT)[0]).toMatchObject({ state: 'INSUFFICIENT_DATA', since: '2026-12-03T08:00:00.000Z' });
  });

  it("maps a local name to the one stack name ending in it, not to log groups or alarms, and leaves the rest alone", () => {
    const view = readStackView(template);
    const names = (values: string[]) =>
      view.translate({ Namespace: 'N', MetricName: 'M', Timestamp: '2026-12-03T08:00:00.000Z', Value: 1, Dimensions: values.map((Value, index) => ({ Name: `d${index}`, Value })) }).Dimensions.map((d) => d.Value);
    expect(names(['score-api', 'echo-ridge-batch', 'echo-ridge-batch-dlq', 'echo-ridge-healthz'])).toEqual(['prod-echo-ridge-score-api', 'prod-echo-ridge-batch', 'prod-echo-ridge-batch-dlq', 'prod-echo-ridge-healthz']);
    expect(names(['POST', '/score', 'v1', 'batch'])).toEqual(['POST', '/score', 'v1', 'prod-echo-ridge-batch']);
  });
});
