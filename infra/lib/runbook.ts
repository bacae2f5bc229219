import { Duration } from 'aws-cdk-lib';
import type { CronOptions } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StageName } from './stage.js';

/** Critical alarms page the on-call engineer; warnings open a ticket for the next working day. */
export type Severity = 'critical' | 'warning';

/** An alarm that fires when `threshold` is crossed in every one of `evaluationPeriods` periods in a row. */
export interface AlarmRule {
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly severity: Severity;
}

/**
 * A multi-window burn-rate alert: the error budget burns `factor` times faster than the SLO allows over
 * both windows. The long window proves the burn is significant, the short one that it is still going
 * on, so the alert clears soon after the burn stops.
 */
export interface BurnRateRule {
  readonly name: string;
  readonly factor: number;
  readonly longWindow: Duration;
  readonly shortWindow: Duration;
  readonly severity: Severity;
}

/** A scheduled AWS Backup of the table: when it starts (UTC) and how long its recovery point is kept. */
export interface BackupRule {
  readonly name: string;
  readonly schedule: CronOptions;
  readonly retention: Duration;
}

export interface Runbook {
  /** Share of `/score` API requests that must not fail with a 5xx, over 30 days. */
  readonly availabilitySlo: number;
  /** API 5xx responses as a percentage of requests. */
  readonly highErrorRate: AlarmRule;
  /** API Gateway end-to-end latency in milliseconds, by percentile. */
  readonly highLatency: { readonly p99: AlarmRule; readonly p95: AlarmRule };
  /** Percentage of successful `/healthz` canary runs. */
  readonly serviceDown: AlarmRule & { readonly canaryRate: Duration };
  readonly burnRates: readonly BurnRateRule[];
  /** Drift alerts raised by the daily context refresh; each alert's own severity decides who hears of it. */
  readonly driftDetected: Omit<AlarmRule, 'severity'>;
  /** A function's maximum memory used, as a percentage of its configured memory. */
  readonly highMemoryUsage: AlarmRule;
  /** DynamoDB SuccessfulRequestLatency p95 in milliseconds, for the slowest operation. */
  readonly databaseSlowQueries: AlarmRule;
  /** Messages in the batch dead-letter queue. */
  readonly dlqNotEmpty: AlarmRule;
  /** Age of the oldest message in the batch queue, in seconds. */
  readonly batchBacklog: AlarmRule;
  /** Adapter failures as a percentage of adapted records. */
  readonly adapterFailureRate: AlarmRule;
  /** Blends flagged as significantly divergent, as a percentage of blends. */
  readonly divergenceFlags: AlarmRule;
  /** Blend latency p95 in milliseconds. */
  readonly blendLatency: AlarmRule;
  /** Age of the normalization context in hours. */
  readonly contextAge: AlarmRule;
  /** AWS Backup of the table, on top of its 35 days of point-in-time recovery. */
  readonly backups: {
    readonly rules: readonly BackupRule[];
    /** How long after a deploy sets the vault lock it can still be changed or removed; after that it cannot. */
    readonly lockGracePeriod: Duration;
  };
  /** How long the audit records are kept: API access logs and the CloudTrail data events of the table and bucket. */
  readonly auditRetention: RetentionDays;
  /** How long the operational logs are kept: the functions', API Gateway's execution logs, CDK's deployment helpers'. */
  readonly logRetention: Readonly<Record<StageName, RetentionDays>>;
  /**
   * X-Ray sampling of API requests: the first `reservoirPerSecond` requests of every second, then
   * `fixedRate` of the rest. Enough traces to find a slow request of any minute, at a cost that does not
   * grow with the traffic's peaks.
   */
  readonly apiTraceSampling: { readonly reservoirPerSecond: number; readonly fixedRate: number };
}

/**
 * The operations runbook's thresholds: every alarm, SLO line and rollback trigger reads its numbers
 * from here, so the runbook and the stack cannot disagree.
 */
export const RUNBOOK: Runbook = {
  availabilitySlo: 0.999,
  highErrorRate: { threshold: 0.1, period: Duration.minutes(1), evaluationPeriods: 2, severity: 'critical' },
  highLatency: {
    p99: { threshold: 150, period: Duration.minutes(1), evaluationPeriods: 3, severity: 'critical' },
    p95: { threshold: 100, period: Duration.minutes(1), evaluationPeriods: 3, severity: 'warning' },
  },
  // Two failed runs in a row, so that one lost canary run does not wake anybody.
  serviceDown: { threshold: 100, period: Duration.minutes(1), evaluationPeriods: 2, severity: 'critical', canaryRate: Duration.minutes(1) },
  // Budget spent before an alert fires = factor × long window / 30 days: 2 %, 5 %, 4.2 % and 6.7 %.
  // Short windows are 1/12 of the long ones, the SRE workbook's ratio.
  burnRates: [
    { name: 'Fast', factor: 14.4, longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), severity: 'critical' },
    { name: 'Slow', factor: 6, longWindow: Duration.hours(6), shortWindow: Duration.minutes(30), severity: 'critical' },
    { name: 'Page', factor: 10, longWindow: Duration.hours(3), shortWindow: Duration.minutes(15), severity: 'critical' },
    { name: 'Ticket', factor: 2, longWindow: Duration.hours(24), shortWindow: Duration.hours(2), severity: 'warning' },
  ],
  driftDetected: { threshold: 0, period: Duration.days(1), evaluationPeriods: 1 },
  highMemoryUsage: { threshold: 80, period: Duration.minutes(5), evaluationPeriods: 1, severity: 'warning' },
  databaseSlowQueries: { threshold: 50, period: Duration.minutes(5), evaluationPeriods: 3, severity: 'warning' },
  dlqNotEmpty: { threshold: 0, period: Duration.minutes(1), evaluationPeriods: 1, severity: 'warning' },
  batchBacklog: { threshold: Duration.minutes(10).toSeconds(), period: Duration.minutes(1), evaluationPeriods: 1, severity: 'critical' },
  adapterFailureRate: { threshold: 5, period: Duration.minutes(5), evaluationPeriods: 1, severity: 'critical' },
  divergenceFlags: { threshold: 50, period: Duration.minutes(15), evaluationPeriods: 1, severity: 'warning' },
  blendLatency: { threshold: 50, period: Duration.minutes(5), evaluationPeriods: 1, severity: 'warning' },
  // The refresh reports once a day; a day-long period keeps the state from one report to the next.
  contextAge: { threshold: 24, period: Duration.days(1), evaluationPeriods: 1, severity: 'warning' },
  // 04:00 UTC: after the 03:00 context refresh has moved its pointer, before the working day in Europe.
  backups: {
    rules: [
      { name: 'Daily', schedule: { hour: '4', minute: '0' }, retention: Duration.days(30) },
      { name: 'Weekly', schedule: { weekDay: 'SUN', hour: '4', minute: '0' }, retention: Duration.days(365) },
    ],
    // AWS Backup's minimum: three days to undo a lock set by mistake.
    lockGracePeriod: Duration.days(3),
  },
  auditRetention: RetentionDays.ONE_YEAR,
  // AWS's proactive control CT.CLOUDWATCH.PR.2 asks for a year; staging's logs are rehearsal traffic (infra/lib/echo-ridge-stack.ts).
  logRetention: { staging: RetentionDays.TWO_WEEKS, prod: RetentionDays.ONE_YEAR },
  apiTraceSampling: { reservoirPerSecond: 1, fixedRate: 0.05 },
};
