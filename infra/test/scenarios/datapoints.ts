import type { Datapoint } from '@echo-ridge/alarms';
import { INTERACTIVE_ROUTES } from '../../lib/alarms/api.js';
import { resourceName, type StageName } from '../../lib/stage.js';

/**
 * Factories of the datapoints CloudWatch would hold for a stage: API Gateway per stage and per route,
 * the canary, SQS, the handlers' EMF metrics, Lambda and AWS Backup. Times are minutes after `start`.
 */
export const MINUTE = 60_000;

export interface Route {
  readonly method: string;
  readonly resource: string;
  /** Requests per minute at that minute. */
  readonly perMinute: (minute: number) => number;
  /** Latency of a typical request and of the slowest 2 %, in ms. */
  readonly latency: (minute: number) => { typical: number; slow: number };
  /** Share of requests answered with a 5xx. */
  readonly errorShare?: (minute: number) => number;
}

export class Metrics {
  readonly points: Datapoint[] = [];

  constructor(
    readonly stage: StageName,
    readonly start: number,
  ) {}

  at(minute: number): string {
    return new Date(this.start + minute * MINUTE).toISOString();
  }

  put(namespace: string, metricName: string, dimensions: Record<string, string>, minute: number, value: Partial<Pick<Datapoint, 'Value' | 'Values' | 'Counts'>>): void {
    this.points.push({ Namespace: namespace, MetricName: metricName, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })), Timestamp: this.at(minute), ...value });
  }

  private name(suffix: string): string {
    return resourceName(this.stage, suffix);
  }

  /** The /healthz canary, once a minute: `ok(minute)` says whether the run succeeded. */
  canary(minutes: number, ok: (minute: number) => boolean = () => true): this {
    for (let minute = 0; minute < minutes; minute++) this.put('CloudWatchSynthetics', 'SuccessPercent', { CanaryName: this.name('healthz') }, minute, { Value: ok(minute) ? 100 : 0 });
    return this;
  }

  /**
   * API Gateway's metrics for these routes and the canary's /healthz calls, per route and for the
   * stage as a whole, as API Gateway publishes them with detailed metrics on.
   */
  api(minutes: number, routes: readonly Route[], canaryOk: (minute: number) => boolean = () => true): this {
    const api = { ApiName: this.name('api'), Stage: 'v1' };
    for (let minute = 0; minute < minutes; minute++) {
      const stage = { count: 0, errors: 0, latencies: new Map<number, number>() };
      const all = [
        ...routes.map((route) => ({ ...route, count: Math.round(route.perMinute(minute)) })),
        { method: 'GET', resource: '/healthz', count: 1, latency: () => ({ typical: 15, slow: 15 }), errorShare: () => (canaryOk(minute) ? 0 : 1) },
      ];
      for (const route of all) {
        if (route.count === 0) continue;
        const { typical, slow } = route.latency(minute);
        const slowCount = Math.round(route.count * 0.02);
        const errors = Math.round(route.count * (route.errorShare?.(minute) ?? 0));
        const dims = { ...api, Method: route.method, Resource: route.resource };
        const values = [typical, slow];
        const counts = [route.count - slowCount, slowCount];
        this.put('AWS/ApiGateway', 'Count', dims, minute, { Value: route.count });
        this.put('AWS/ApiGateway', '5XXError', dims, minute, { Value: errors });
        this.put('AWS/ApiGateway', '4XXError', dims, minute, { Value: 0 });
        this.put('AWS/ApiGateway', 'Latency', dims, minute, { Values: values, Counts: counts });
        stage.count += route.count;
        stage.errors += errors;
        values.forEach((value, index) => stage.latencies.set(value, (stage.latencies.get(value) ?? 0) + counts[index]!));
      }
      this.put('AWS/ApiGateway', 'Count', api, minute, { Value: stage.count });
      this.put('AWS/ApiGateway', '5XXError', api, minute, { Value: stage.errors });
      this.put('AWS/ApiGateway', '4XXError', api, minute, { Value: 0 });
      this.put('AWS/ApiGateway', 'Latency', api, minute, { Values: [...stage.latencies.keys()], Counts: [...stage.latencies.values()] });
    }
    return this;
  }

  /** One run of the daily context refresh that reached its end and reported. */
  contextRefresh(minute: number, ageHours: number): this {
    const service = { service: this.name('context-refresh') };
    this.put('EchoRidge', 'ContextPublished', service, minute, { Value: 1 });
    this.put('EchoRidge', 'NormContextAgeHours', service, minute, { Value: ageHours });
    return this;
  }

  /** A failed invocation of a function, as Lambda counts it. */
  functionError(service: 'score-api' | 'batch' | 'context-refresh', minute: number): this {
    this.put('AWS/Lambda', 'Errors', { FunctionName: this.name(service) }, minute, { Value: 1 });
    return this;
  }

  /** A backup job of the stage's vault that ended in `state`. */
  backupJob(minute: number, state: 'Completed' | 'Failed' | 'Aborted' | 'Expired'): this {
    this.put('AWS/Backup', `NumberOfBackupJobs${state}`, { BackupVaultName: this.name('backups') }, minute, { Value: 1 });
    return this;
  }

  /** SQS's once-a-minute figures of a queue. */
  queue(queue: 'batch' | 'batch-dlq', minute: number, visible: number, deleted = 0): this {
    const dims = { QueueName: this.name(queue) };
    this.put('AWS/SQS', 'ApproximateNumberOfMessagesVisible', dims, minute, { Value: visible });
    this.put('AWS/SQS', 'NumberOfMessagesDeleted', dims, minute, { Value: deleted });
    return this;
  }

  /** Companies the batch function scored in a minute (its EMF metric). */
  batchScored(minute: number, companies: number): this {
    this.put('EchoRidge', 'CompaniesScored', { service: this.name('batch') }, minute, { Value: companies });
    return this;
  }
}

/** Every interactive route at a steady rate and healthy latency, plus `POST /score/batch` calls that take seconds. */
export function weekdayRoutes(perMinute: (minute: number) => number): Route[] {
  return [
    ...INTERACTIVE_ROUTES.map(([method, resource]) => ({ method, resource, perMinute, latency: () => ({ typical: 35, slow: 90 }) })),
    { method: 'POST', resource: '/score/batch', perMinute: (minute: number) => Math.max(1, perMinute(minute) / 20), latency: () => ({ typical: 2500, slow: 6000 }) },
  ];
}
