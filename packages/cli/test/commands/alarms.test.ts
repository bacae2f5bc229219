import { describe, expect, it } from '@jest/globals';
import { inputFile, runMain } from '../support/run-command.js';

const runAlarms = (...args: string[]) => runMain(['alarms', ...args]);

const canary = (minute: number, value: number) => ({
  Namespace: 'CloudWatchSynthetics',
  MetricName: 'SuccessPercent',
  Dimensions: [{ Name: 'CanaryName', Value: 'prod-echo-ridge-healthz' }],
  Timestamp: new Date(Date.parse('2026-12-01T10:00:00Z') + minute * 60_000).toISOString(),
  Value: value,
});

describe('echo-ridge alarms replay', () => {
  it('replays a failing canary through the prod stack: ServiceDown, then one page through ApiIncident', async () => {
    const { input } = inputFile([canary(0, 100), canary(1, 0), canary(2, 0), canary(3, 0)]);
    const { code, stdout } = await runAlarms('replay', input, '--json');
    expect(code).toBe(0);
    const { alarms } = JSON.parse(stdout) as { alarms: { name: string; type: string; transitions: { timestamp: string; state: string }[]; notifies: string[] }[] };
    const incident = alarms.find((alarm) => alarm.name === 'prod-echo-ridge-ApiIncident');
    expect(incident).toMatchObject({ type: 'composite', transitions: [{ state: 'OK' }, { timestamp: '2026-12-01T10:03:00.000Z', state: 'ALARM' }] });
    expect(incident?.notifies).toEqual([expect.stringMatching(/^ObservabilityPage/)]);
    expect(alarms.find((alarm) => alarm.name === 'prod-echo-ridge-ServiceDown')?.notifies).toEqual([]);
  }, 120_000);

  it('refuses a file with lines that are not datapoints, naming them, with exit 2', async () => {
    const { input } = inputFile([canary(0, 100), { Namespace: 'X', MetricName: 'Y', Timestamp: 'yesterday', Value: 1 }, 'not json']);
    const { code, stderr } = await runAlarms('replay', input);
    expect(code).toBe(2);
    expect(stderr).toMatch(/2 lines are not a datapoint/);
    expect(stderr).toMatch(/:2: Timestamp: Timestamp must be an ISO 8601/);
    expect(stderr).toMatch(/:3: not JSON/);
  });

  it('reads the alarms of a template file instead of synthesizing, and rejects an unknown stage', async () => {
    const { dir, input } = inputFile([canary(0, 0), canary(1, 0)]);
    const template = `${dir}/template.json`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      template,
      JSON.stringify({
        Resources: {
          Canary: { Type: 'AWS::Synthetics::Canary', Properties: { Name: 'prod-echo-ridge-healthz' } },
          Down: {
            Type: 'AWS::CloudWatch::Alarm',
            Properties: {
              AlarmName: 'down',
              Namespace: 'CloudWatchSynthetics',
              MetricName: 'SuccessPercent',
              Dimensions: [{ Name: 'CanaryName', Value: { Ref: 'Canary' } }],
              Period: 60,
              Statistic: 'Average',
              Threshold: 100,
              ComparisonOperator: 'LessThanThreshold',
              EvaluationPeriods: 1,
            },
          },
        },
      }),
    );
    const { code, stdout } = await runAlarms('replay', input, '--template', template);
    expect(code).toBe(0);
    expect(stdout).toContain('down (metric, notifies nobody)\n  2026-12-01T10:01:00.000Z  ALARM');
    expect((await runAlarms('replay', input, '--stage', 'dev')).code).toBe(2);
    expect((await runAlarms('replay', `${dir}/missing.jsonl`)).stderr).toMatch(/no such file/);
  });
});
