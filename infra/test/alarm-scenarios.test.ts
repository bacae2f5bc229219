import { beforeAll, describe, expect, it } from '@jest/globals';
import { readAlarms, replay, type AlarmDefinition } from '@echo-ridge/alarms';
import { Metrics, MINUTE, weekdayRoutes, type Route } from './scenarios/datapoints.js';
import { synthesize } from './synth.js';

/**
 * The stack's own alarms (read from the synthesized template) replayed over generated incidents: who
 * is notified and how soon. A critical incident pages within 5 minutes of its start, warnings open a
 * ticket within 4 hours, a quiet day notifies nobody, and an incident pages at most once.
 */
const START = Date.parse('2026-12-01T00:00:00Z');
const HOUR = 60;
const DAY = 24 * HOUR;

interface Notice {
  alarm: string;
  minute: number;
}

type Topics = { page: string; ticket: string };

function notices(alarms: readonly AlarmDefinition[], metrics: Metrics, topic: string): Notice[] {
  const { alarms: replayed } = replay(alarms, metrics.points);
  return replayed
    .filter((alarm) => alarm.notifies.includes(topic))
    .flatMap((alarm) => alarm.transitions.filter((t) => t.state === 'ALARM').map((t) => ({ alarm: alarm.name.replace(/^\w+-echo-ridge-/, ''), minute: (Date.parse(t.timestamp) - START) / MINUTE })));
}

/** A baseline a stage always has: the canary every minute, and the last context refresh and backup before the window. */
function baseline(metrics: Metrics, minutes: number, canaryOk?: (minute: number) => boolean): Metrics {
  return metrics.canary(minutes, canaryOk).contextRefresh(0, 2).backupJob(0, 'Completed');
}

const steady = (perMinute: number) => () => perMinute;

describe.each(['prod'] as const)('alarm scenarios (%s)', (stage) => {
  let alarms: AlarmDefinition[];
  let topics: Topics;
  beforeAll(() => {
    const template = synthesize(stage).template;
    alarms = readAlarms(template.toJSON());
    const topic = (name: string) => Object.keys(template.findResources('AWS::SNS::Topic', { Properties: { TopicName: `${stage}-echo-ridge-${name}` } }))[0]!;
    topics = { page: topic('page'), ticket: topic('ticket') };
  });
  const metrics = () => new Metrics(stage, START);
  const run = (m: Metrics) => ({ pages: notices(alarms, m, topics.page), tickets: notices(alarms, m, topics.ticket) });

  it('a normal weekday with POST /score/batch calls notifies nobody', () => {
    // 20 to 300 requests a minute per route over the day, with batch calls of 2.5 to 6 s.
    const perMinute = (minute: number) => 20 + 280 * Math.max(0, Math.sin((Math.PI * (minute - 6 * HOUR)) / (14 * HOUR)));
    const m = baseline(metrics(), DAY).api(DAY, weekdayRoutes(perMinute));
    for (let minute = 3 * HOUR; minute < DAY; minute += DAY) m.contextRefresh(minute, 0.1);
    m.backupJob(4 * HOUR + 5, 'Completed');
    expect(run(m)).toEqual({ pages: [], tickets: [] });
  });

  it('low traffic with a single canary failure notifies nobody', () => {
    const canaryOk = (minute: number) => minute !== 30;
    const m = baseline(metrics(), 2 * HOUR, canaryOk).api(2 * HOUR, weekdayRoutes(steady(0.5)), canaryOk);
    expect(run(m)).toEqual({ pages: [], tickets: [] });
  });

  it('low traffic with a few failed customer requests notifies nobody', () => {
    const routes: Route[] = weekdayRoutes(steady(1)).map((route) => (route.resource === '/score' ? { ...route, errorShare: (minute) => (minute === 40 || minute === 41 ? 1 : 0) } : route));
    expect(run(baseline(metrics(), 2 * HOUR).api(2 * HOUR, routes))).toEqual({ pages: [], tickets: [] });
  });

  it('a total outage pages once, through ApiIncident, within 5 minutes', () => {
    const outage = (minute: number) => minute >= 60 && minute < 90;
    const routes = weekdayRoutes(steady(100)).map((route) => ({ ...route, errorShare: (minute: number) => (outage(minute) ? 1 : 0) }));
    const { pages } = run(baseline(metrics(), 3 * HOUR, (minute) => !outage(minute)).api(3 * HOUR, routes, (minute) => !outage(minute)));
    expect(pages.map((page) => page.alarm)).toEqual(['ApiIncident']);
    expect(pages[0]!.minute - 60).toBeLessThanOrEqual(5);
  });

  it('0.5 % of requests failing for an hour pages nobody and opens a ticket', () => {
    const routes = weekdayRoutes(steady(200)).map((route) => ({ ...route, errorShare: (minute: number) => (minute >= 60 && minute < 120 ? 0.005 : 0) }));
    const { pages, tickets } = run(baseline(metrics(), 4 * HOUR).api(4 * HOUR, routes));
    expect(pages).toEqual([]);
    // With only hours of history, the 24-hour window of BurnRateTicket sees the hour too.
    expect(tickets.map((ticket) => ticket.alarm).sort()).toEqual(['BurnRateTicket', 'HighErrorRate']);
    expect(Math.max(...tickets.map((ticket) => ticket.minute)) - 60).toBeLessThanOrEqual(4 * HOUR);
  });

  it('a latency regression on POST /score only pages once within 5 minutes', () => {
    const routes = weekdayRoutes(steady(100)).map((route) =>
      route.resource === '/score' && route.method === 'POST' ? { ...route, latency: (minute: number) => (minute >= 60 ? { typical: 140, slow: 400 } : { typical: 35, slow: 90 }) } : route,
    );
    const { pages, tickets } = run(baseline(metrics(), 2 * HOUR).api(2 * HOUR, routes));
    expect(pages.map((page) => page.alarm)).toEqual(['ApiIncident']);
    expect(pages[0]!.minute - 60).toBeLessThanOrEqual(5);
    expect(tickets.map((ticket) => ticket.alarm)).toEqual(['HighLatencyP95']);
  });

  it('the context refresh crashing two days running opens tickets on the first day and pages nobody', () => {
    const m = baseline(metrics(), 3 * DAY);
    m.contextRefresh(3 * HOUR, 0.1);
    for (let day = 0; day < 3; day++) m.backupJob(day * DAY + 4 * HOUR + 5, 'Completed');
    const crashes = [DAY + 3 * HOUR, 2 * DAY + 3 * HOUR];
    // Lambda's asynchronous invocation: the crash and its two retries.
    for (const crash of crashes) for (const retry of [0, 1, 3]) m.functionError('context-refresh', crash + retry);
    const { pages, tickets } = run(m);
    expect(pages).toEqual([]);
    const first = (alarm: string) => tickets.find((ticket) => ticket.alarm === alarm)?.minute;
    expect(first('FunctionErrors-context-refresh')! - crashes[0]!).toBeLessThanOrEqual(5);
    expect(first('ContextStale')! - crashes[0]!).toBeLessThanOrEqual(4 * HOUR);
    // One ticket per crash, and one for the context that ages, which stays open through the second day.
    expect(tickets.map((ticket) => ticket.alarm).sort()).toEqual(['ContextStale', 'FunctionErrors-context-refresh', 'FunctionErrors-context-refresh']);
  });

  it('a failed backup job opens a ticket within 4 hours and pages nobody', () => {
    const m = baseline(metrics(), 8 * HOUR);
    m.backupJob(4 * HOUR + 20, 'Failed');
    const { pages, tickets } = run(m);
    expect(pages).toEqual([]);
    expect(tickets.map((ticket) => ticket.alarm)).toEqual(['BackupJobFailed']);
    expect(tickets[0]!.minute - (4 * HOUR + 20)).toBeLessThanOrEqual(4 * HOUR);
  });

  it('a dead-letter queue that keeps growing opens a ticket at every new failure, and pages nobody', () => {
    const m = baseline(metrics(), 4 * HOUR);
    const depth = (minute: number) => (minute < 30 ? 0 : minute < 90 ? 1 : minute < 150 ? 3 : 7);
    for (let minute = 0; minute < 4 * HOUR; minute++) m.queue('batch-dlq', minute, depth(minute));
    const { pages, tickets } = run(m);
    expect(pages).toEqual([]);
    expect(tickets.map((ticket) => [ticket.alarm, ticket.minute])).toEqual([
      ['DlqGrowing', 31],
      ['DlqGrowing', 91],
      ['DlqGrowing', 151],
    ]);
  });

  it('a large healthy batch file notifies nobody', () => {
    const m = baseline(metrics(), 2 * HOUR);
    // The million-line file: 27 chunk messages, ten scored at a time, each in about 90 s.
    let waiting = 27;
    for (let minute = 0; minute < 2 * HOUR; minute++) {
      const active = minute >= 10 && waiting > 0;
      const done = active ? Math.min(waiting, 7) : 0;
      m.queue('batch', minute, active ? waiting : 0, done);
      if (active) m.batchScored(minute, done * 37_000);
      waiting -= done;
    }
    expect(run(m)).toEqual({ pages: [], tickets: [] });
  });

  it('a batch queue whose consumer stopped pages once within 15 minutes', () => {
    const m = baseline(metrics(), 2 * HOUR);
    for (let minute = 0; minute < 2 * HOUR; minute++) m.queue('batch', minute, minute >= 30 ? 5 : 0, 0);
    const { pages } = run(m);
    expect(pages.map((page) => [page.alarm, page.minute - 30])).toEqual([['BatchBacklog', 10]]);
  });
});

describe('alarm scenarios (staging)', () => {
  it('a total outage in staging pages nobody: ApiIncident opens a ticket', () => {
    const template = synthesize('staging').template;
    const alarms = readAlarms(template.toJSON());
    const topic = (name: string) => Object.keys(template.findResources('AWS::SNS::Topic', { Properties: { TopicName: `staging-echo-ridge-${name}` } }))[0]!;
    const outage = (minute: number) => minute >= 30;
    const routes = weekdayRoutes(steady(100)).map((route) => ({ ...route, errorShare: (minute: number) => (outage(minute) ? 1 : 0) }));
    const m = baseline(new Metrics('staging', START), HOUR, (minute) => !outage(minute)).api(HOUR, routes, (minute) => !outage(minute));
    expect(notices(alarms, m, topic('page'))).toEqual([]);
    expect(notices(alarms, m, topic('ticket')).map((ticket) => ticket.alarm)).toContain('ApiIncident');
  });
});
