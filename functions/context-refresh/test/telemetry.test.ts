import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Alert } from '@echo-ridge/engine';
import type { RefreshReport } from '../src/refresh.js';
import { reportRefresh } from '../src/telemetry.js';

const alert = (severity: Alert['severity'], subject: string): Alert => ({
  id: `mean_shift:${subject}`,
  type: 'mean_shift',
  severity,
  subject,
  message: `${subject} moved`,
  statistic: 4,
  threshold: 3,
  current_value: 1,
  baseline_value: 0,
  magnitude: 0.5,
  recommended_actions: ['look'],
});

const report = (overrides: Partial<RefreshReport>): RefreshReport => ({
  outcome: 'published',
  reason: null,
  version: '20261127T030000Z-0123456789ab',
  fitted_at: '2026-11-27T03:00:00.000Z',
  age_hours: 0,
  sampled: 240,
  eligible: 166,
  drift_alerts: [],
  ...overrides,
});

let lines: string[];
let metrics: Metrics;
let logger: Logger;

beforeEach(() => {
  // The emulator tests switch metrics off; these are about them.
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  lines = [];
  // Powertools writes logs and EMF through the process streams; each write is one JSON line.
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter((line) => line.startsWith('{')));
      return true;
    });
  }
  metrics = new Metrics({ namespace: 'EchoRidge', serviceName: 'staging-echo-ridge-context-refresh' });
  logger = new Logger({ serviceName: 'staging-echo-ridge-context-refresh' });
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** Every EMF document written, as {metric names and values, dimensions}. */
function emitted() {
  metrics.publishStoredMetrics();
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws?: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] } })
    .filter((doc) => doc._aws !== undefined)
    .map((doc) => {
      const [directive] = doc._aws!.CloudWatchMetrics;
      return {
        metrics: Object.fromEntries(directive!.Metrics.map(({ Name }) => [Name, doc[Name]])),
        dimensions: Object.fromEntries(directive!.Dimensions.flat().map((name) => [name, doc[name]])),
      };
    });
}
const logs = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((doc) => doc._aws === undefined);

describe('refresh telemetry', () => {
  it('reports a publication: the age, the sample size and zero drift alerts of each severity', () => {
    reportRefresh(report({}), logger, metrics);
    const service = { service: 'staging-echo-ridge-context-refresh' };
    expect(emitted()).toEqual(
      expect.arrayContaining([
        { metrics: { DriftAlerts: 0 }, dimensions: { ...service, severity: 'warning' } },
        { metrics: { DriftAlerts: 0 }, dimensions: { ...service, severity: 'critical' } },
        { metrics: { SampledCompanies: 166, ContextPublished: 1, NormContextAgeHours: 0 }, dimensions: service },
      ]),
    );
    expect(logs()).toContainEqual(expect.objectContaining({ level: 'INFO', message: 'context published', version: '20261127T030000Z-0123456789ab', eligible: 166 }));
  });

  it('counts drift alerts by severity and logs each one', () => {
    reportRefresh(report({ drift_alerts: [alert('critical', 'ops.employees'), alert('warning', 'digital.pagespeed'), alert('warning', 'ops.locations')] }), logger, metrics);
    const drift = emitted().filter((doc) => 'DriftAlerts' in doc.metrics);
    expect(drift.map((doc) => [doc.dimensions.severity, doc.metrics.DriftAlerts])).toEqual([
      ['warning', 2],
      ['critical', 1],
    ]);
    expect(logs().filter((doc) => doc.message === 'drift alert').map((doc) => doc.level)).toEqual(['ERROR', 'WARN', 'WARN']);
  });

  it('says why a context was kept, in the log and in the reason dimension, with the age of the one kept', () => {
    const reason = 'only 12 sampled companies meet confidence threshold 0.7; a context is published from 100';
    reportRefresh(report({ outcome: 'kept', reason, age_hours: 30.5, eligible: 12, drift_alerts: null }), logger, metrics);
    const documents = emitted();
    expect(documents).toContainEqual({ metrics: { ContextNotPublished: 1 }, dimensions: { service: 'staging-echo-ridge-context-refresh', reason: 'kept' } });
    expect(documents).toContainEqual({ metrics: { SampledCompanies: 12, ContextPublished: 0, NormContextAgeHours: 30.5 }, dimensions: { service: 'staging-echo-ridge-context-refresh' } });
    expect(documents.some((doc) => 'DriftAlerts' in doc.metrics)).toBe(false);
    expect(logs()).toContainEqual(expect.objectContaining({ level: 'INFO', message: 'context kept', reason }));
  });
});
