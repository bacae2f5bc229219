import { Duration } from 'aws-cdk-lib';
import type { CronOptions } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SAMPLE_RETENTION_DAYS } from '@echo-ridge/engine';
import type { StageName } from './stage.js';

/**
 * Critical alarms page the on-call engineer (answered within 15 minutes, in prod); warnings open a
 * ticket, answered within 4 hours of working time. Staging pages nobody: its critical alarms open tickets.
 */
export type Severity = 'critical' | 'warning';

/**
 * When an alarm fires: `threshold` crossed in `datapointsToAlarm` (default: every one) of the last
 * `evaluationPeriods` periods. Without a severity the alarm notifies nobody itself: it feeds a
 * composite alarm that pages once per incident, or CodeDeploy's rollback.
 */
export interface AlarmCondition {
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  /** Fewer requests (or samples) than this in a period prove nothing: the period does not breach. */
  readonly minimumSamples?: number;
}

export interface AlarmRule extends AlarmCondition {
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
  /** `critical` rules are part of ApiIncident, which pages; `warning` rules open a ticket themselves. */
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
  /** API 5xx responses as a percentage of requests, the `/healthz` canary left out. */
  readonly highErrorRate: AlarmRule;
  /**
   * API Gateway latency by percentile, per interactive route (every route but `POST /score/batch`,
   * which takes seconds by design, and the unauthenticated `/healthz` and `/openapi.json`).
   */
  readonly highLatency: { readonly p99: AlarmCondition; readonly p95: AlarmRule };
  /** API 4xx responses as a percentage of requests. */
  readonly clientErrors: AlarmRule;
  /** Requests refused with 429 (throttled) as a percentage of requests. */
  readonly throttled: AlarmRule;
  /** Requests refused because a key's monthly quota is used up. */
  readonly quotaExceeded: AlarmRule;
  /** Percentage of successful `/healthz` canary runs. */
  readonly serviceDown: AlarmCondition & { readonly canaryRate: Duration };
  readonly burnRates: readonly BurnRateRule[];
  /** One page per API incident: ServiceDown, HighLatencyP99 or a critical burn rate, whichever fires first. */
  readonly apiIncident: { readonly severity: Severity };
  /** One ticket for a context that ages: a refresh that reported an old context, or none that reported. */
  readonly contextStale: { readonly severity: Severity };
  /**
   * A burn-rate window counts only with enough requests that this many failures are needed to cross
   * its factor: at low traffic one or two failed requests must not page.
   */
  readonly burnRateMinimumFailures: number;
  /** Invocation errors of the new version while CodeDeploy shifts traffic to it: any rolls it back. */
  readonly canaryErrors: AlarmCondition;
  /** How long CodeDeploy sends 10 % of the traffic to a new version before the rest. */
  readonly canaryBake: Duration;
  /** Drift alerts raised by the daily context refresh; each alert's own severity decides who hears of it. */
  readonly driftDetected: AlarmCondition;
  /** A function's maximum memory used, as a percentage of its configured memory. */
  readonly highMemoryUsage: AlarmRule;
  /** Lambda `Errors` of a function (failed invocations). */
  readonly functionErrors: AlarmRule;
  /** Lambda `Throttles` of a function. */
  readonly functionThrottles: AlarmRule;
  /** DynamoDB SuccessfulRequestLatency p95 in milliseconds, for the slowest operation. */
  readonly databaseSlowQueries: AlarmRule;
  /** DynamoDB read and write throttle events of the table. */
  readonly tableThrottles: AlarmRule;
  /** DynamoDB system errors (HTTP 500 from DynamoDB) of the table. */
  readonly tableSystemErrors: AlarmRule;
  /** AWS Backup jobs of the vault that FAILED, were ABORTED or EXPIRED. */
  readonly backupJobFailed: AlarmRule;
  /** Consecutive periods without a completed backup job: period × periods is the longest gap allowed. */
  readonly backupMissing: AlarmRule;
  /** Notifications the page topic failed to deliver. */
  readonly pageDeliveryFailed: AlarmRule;
  /** New messages in the batch dead-letter queue (the growth of its depth). */
  readonly dlqGrowing: AlarmRule;
  /** Periods in a row with batch messages waiting and none processed: the consumer is stuck. */
  readonly batchBacklog: AlarmRule;
  /** Companies scored per minute by the batch function while messages wait: the batch throughput SLO. */
  readonly batchThroughput: AlarmRule;
  /** Adapter failures as a percentage of adaptation attempts on `/score/hybrid`. */
  readonly adapterFailureRate: AlarmRule;
  /** Blends flagged as significantly divergent, as a percentage of blends. */
  readonly divergenceFlags: AlarmRule;
  /** Blend latency p95 in milliseconds. */
  readonly blendLatency: AlarmRule;
  /** The context age a refresh reports, in hours. */
  readonly contextAge: AlarmCondition;
  /** Hours in a row without any refresh report (a refresh that crashed or never ran). */
  readonly contextNotRefreshed: AlarmCondition;
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
  /** How long everything else is kept; the constructs read these, so the README and runbook state the stack's numbers. */
  readonly retention: {
    /** S3 server access logs of every bucket in the stack. */
    readonly bucketAccessLogs: Duration;
    /** Batch files under incoming/ of the data bucket. */
    readonly incoming: Duration;
    /** results/ files, and the time to live of stored scores and batch records (RETENTION_DAYS). */
    readonly results: Duration;
    /** errors/ files. */
    readonly errors: Duration;
    /** Overwritten and deleted objects of the data bucket. */
    readonly noncurrentVersions: Duration;
    /** Parts of a multipart upload that was never completed. */
    readonly incompleteUploads: Duration;
    /** Screenshots and reports of the /healthz canary runs. */
    readonly canaryArtifacts: Duration;
    /** Messages in the batch dead-letter queue. */
    readonly deadLetters: Duration;
    /** Reservoir items (the sampled inputs the context refresh fits on): their time to live, set by packages/store. */
    readonly reservoirSample: Duration;
  };
}

/**
 * The operations runbook's thresholds: every alarm, SLO line and rollback trigger reads its numbers
 * from here, so the runbook and the stack cannot disagree.
 */
export const RUNBOOK: Runbook = {
  availabilitySlo: 0.999,
  // A ticket: at 0.1 % the budget lasts the month; the burn-rate alarms decide when it is urgent.
  highErrorRate: { threshold: 0.1, period: Duration.minutes(5), evaluationPeriods: 1, minimumSamples: 100, severity: 'warning' },
  // The SLO's 5-minute window; a route needs 50 requests in it for its percentile to mean anything.
  highLatency: {
    p99: { threshold: 150, period: Duration.minutes(5), evaluationPeriods: 1, minimumSamples: 50 },
    p95: { threshold: 100, period: Duration.minutes(5), evaluationPeriods: 1, minimumSamples: 50, severity: 'warning' },
  },
  clientErrors: { threshold: 25, period: Duration.minutes(5), evaluationPeriods: 3, minimumSamples: 100, severity: 'warning' },
  throttled: { threshold: 5, period: Duration.minutes(5), evaluationPeriods: 3, minimumSamples: 100, severity: 'warning' },
  quotaExceeded: { threshold: 0, period: Duration.hours(1), evaluationPeriods: 1, severity: 'warning' },
  // Two failed runs in a row, so that one lost canary run does not wake anybody.
  serviceDown: { threshold: 100, period: Duration.minutes(1), evaluationPeriods: 2, canaryRate: Duration.minutes(1) },
  // Budget spent before an alert fires = factor × long window / 30 days: 2 %, 5 %, 4.2 % and 6.7 %.
  // Short windows are 1/12 of the long ones, the SRE workbook's ratio.
  burnRates: [
    { name: 'Fast', factor: 14.4, longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), severity: 'critical' },
    { name: 'Slow', factor: 6, longWindow: Duration.hours(6), shortWindow: Duration.minutes(30), severity: 'critical' },
    { name: 'Page', factor: 10, longWindow: Duration.hours(3), shortWindow: Duration.minutes(15), severity: 'critical' },
    { name: 'Ticket', factor: 2, longWindow: Duration.hours(24), shortWindow: Duration.hours(2), severity: 'warning' },
  ],
  burnRateMinimumFailures: 3,
  apiIncident: { severity: 'critical' },
  contextStale: { severity: 'warning' },
  canaryErrors: { threshold: 0, period: Duration.minutes(1), evaluationPeriods: 1 },
  canaryBake: Duration.minutes(10),
  driftDetected: { threshold: 0, period: Duration.days(1), evaluationPeriods: 1 },
  highMemoryUsage: { threshold: 80, period: Duration.minutes(5), evaluationPeriods: 1, severity: 'warning' },
  functionErrors: { threshold: 0, period: Duration.minutes(5), evaluationPeriods: 1, severity: 'warning' },
  functionThrottles: { threshold: 0, period: Duration.minutes(5), evaluationPeriods: 1, severity: 'warning' },
  databaseSlowQueries: { threshold: 50, period: Duration.minutes(5), evaluationPeriods: 3, severity: 'warning' },
  tableThrottles: { threshold: 0, period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 2, severity: 'warning' },
  tableSystemErrors: { threshold: 0, period: Duration.minutes(5), evaluationPeriods: 1, severity: 'warning' },
  backupJobFailed: { threshold: 0, period: Duration.hours(1), evaluationPeriods: 1, severity: 'warning' },
  // 13 periods of 2 hours: no completed backup in 26 hours, two hours of slack on the daily schedule.
  backupMissing: { threshold: 1, period: Duration.hours(2), evaluationPeriods: 13, severity: 'warning' },
  pageDeliveryFailed: { threshold: 0, period: Duration.minutes(5), evaluationPeriods: 1, severity: 'warning' },
  dlqGrowing: { threshold: 0, period: Duration.minutes(5), evaluationPeriods: 1, severity: 'warning' },
  batchBacklog: { threshold: 0, period: Duration.minutes(1), evaluationPeriods: 10, severity: 'critical' },
  // The SLO: more than 1,000 companies a minute, judged over 15 minutes of waiting work.
  batchThroughput: { threshold: 1000, period: Duration.minutes(5), evaluationPeriods: 3, severity: 'warning' },
  adapterFailureRate: { threshold: 5, period: Duration.minutes(5), evaluationPeriods: 1, minimumSamples: 20, severity: 'critical' },
  divergenceFlags: { threshold: 50, period: Duration.minutes(15), evaluationPeriods: 1, minimumSamples: 20, severity: 'warning' },
  blendLatency: { threshold: 50, period: Duration.minutes(5), evaluationPeriods: 1, severity: 'warning' },
  // The refresh reports once a day; a day-long period keeps the state from one report to the next.
  contextAge: { threshold: 24, period: Duration.days(1), evaluationPeriods: 1 },
  // 26 hours: a day between two refreshes, plus the hour of retries and some slack.
  contextNotRefreshed: { threshold: 1, period: Duration.hours(1), evaluationPeriods: 26 },
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
  retention: {
    bucketAccessLogs: Duration.days(90),
    // Incoming files are scored within minutes; a month leaves time to re-run or investigate.
    incoming: Duration.days(30),
    results: Duration.days(365),
    errors: Duration.days(90),
    // contexts/ is kept for good, as every payload names the context it was scored with.
    noncurrentVersions: Duration.days(30),
    incompleteUploads: Duration.days(1),
    canaryArtifacts: Duration.days(30),
    // SQS's maximum: two weeks to look at a failed batch and redrive it.
    deadLetters: Duration.days(14),
    // The rule lives with the reservoir's other rules (packages/engine/src/reservoir.ts), which the store applies.
    reservoirSample: Duration.days(SAMPLE_RETENTION_DAYS),
  },
};
