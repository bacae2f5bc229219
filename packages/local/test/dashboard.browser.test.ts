import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { stackTemplate } from '../src/observe/stack-template.js';
import { startRuntime, type Runtime } from '../src/runtime.js';
import { ARTIFACTS_DIR, openBrowser } from './support/browser.js';
import { company } from '@echo-ridge/score-api/test/company-record';

/**
 * The local dashboard in a real browser: traffic moves its charts, and DynamoDB Local stopped turns
 * the 5xx up and the paging alarm (ApiIncident, through ServiceDown) to ALARM. Alarm periods are
 * minutes: the runtime's metrics and alarm evaluations run on a clock this test advances, so nothing
 * here waits for, or asserts on, wall-clock time.
 */

const MINUTE = 60_000;
let clock = Math.floor(Date.now() / MINUTE) * MINUTE + 1_000;
let runtime: Runtime;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  const keysFile = join(await mkdtemp(join(tmpdir(), 'echo-ridge-test-')), 'api-keys.json');
  runtime = await startRuntime({
    port: 0,
    keysFile,
    functionEnv: { LOG_LEVEL: 'SILENT' },
    log: () => undefined,
    contextRefresh: { functionEnv: { LOG_LEVEL: 'SILENT' }, log: () => undefined },
    // The queues are sampled when the test says so.
    observe: { template: stackTemplate('prod'), now: () => clock, queueSampleMs: 3_600_000 },
  });
  await runtime.observability!.observer.whenReady();
  browser = await openBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

const score = (id: string) =>
  fetch(`${runtime.url}/score`, { method: 'POST', headers: { 'x-api-key': runtime.apiKey.value, 'content-type': 'application/json' }, body: JSON.stringify(company(id)) });

/** One minute of traffic: `requests` scores (`parallel` at a time) and one canary run, then the clock moves on. */
async function minuteOf(requests: number, parallel = 1): Promise<string[]> {
  const statuses: string[] = [];
  for (let at = 0; at < requests; at += parallel) {
    const answers = await Promise.all(Array.from({ length: Math.min(parallel, requests - at) }, (_, index) => score(`co-${clock}-${at + index}`)));
    // A status the test does not expect comes with its body, so that a failure says what happened.
    statuses.push(...(await Promise.all(answers.map(async (answer) => (answer.status === 200 || answer.status === 503 ? (await answer.arrayBuffer(), String(answer.status)) : `${answer.status} ${await answer.text()}`)))));
  }
  await runtime.observability!.runCanary();
  await runtime.observability!.sampleQueues();
  clock += MINUTE;
  return statuses;
}

/** The latest (or highest) value the page shows for a line of a graph; NaN when it shows none. */
async function legendValue(title: string, series: string, which: 'latest' | 'max' = 'latest'): Promise<number> {
  const value = await browser.page.locator(`.widget.graph[data-title="${title}"] tr[data-series="${series}"]`).getAttribute(`data-${which}`);
  return value === null || value === '' ? NaN : Number(value);
}

/** Until the page's latest (or highest) value of a line passes `check` (the page polls the runtime; jest's timeout fails a value that never comes). */
async function untilShown(title: string, series: string, which: 'latest' | 'max', check: (value: number) => boolean): Promise<number> {
  let value = await legendValue(title, series, which);
  // The page polls every 2 s: a value that has not come after 120 looks will not come.
  for (let look = 0; look < 120 && !check(value); look++) {
    await browser.page.waitForTimeout(500);
    value = await legendValue(title, series, which);
  }
  return value;
}

it('shows the stack dashboard moving with traffic, then 5xx rising and the paging alarm in ALARM when DynamoDB Local stops', async () => {
  const { page, errors } = browser;
  await page.goto(`${runtime.observability!.url}/`);
  await page.waitForSelector('.widget.graph[data-title="Requests"]');
  const alarmNames = ((await (await fetch(`${runtime.observability!.url}/alarms.json`)).json()) as { alarms: { name: string }[] }).alarms.map((alarm) => alarm.name);
  expect(alarmNames).toEqual(expect.arrayContaining(['prod-echo-ridge-ApiIncident', 'prod-echo-ridge-ServiceDown', 'prod-echo-ridge-HighErrorRate']));

  for (let minute = 0; minute < 3; minute++) expect(new Set(await minuteOf(6, 2))).toEqual(new Set(['200']));
  await page.waitForSelector('[data-alarm="prod-echo-ridge-ServiceDown"][data-state="OK"]');
  expect(await untilShown('Requests', 'API Gateway requests', 'latest', (value) => value > 0)).toBeGreaterThan(0);
  expect(await legendValue('Requests', 'Errors5xx Sum')).toBe(0);
  expect(await page.locator('[data-alarm="prod-echo-ridge-ApiIncident"]').first().getAttribute('data-state')).not.toBe('ALARM');
  expect(await page.locator('#keys tr[data-key]').count()).toBe(1);
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'dashboard-healthy.png'), fullPage: true });

  await runtime.dynamoDb.stop();
  // Over 100 requests in the outage's 5-minute period, so that the 5xx rate counts (HighErrorRate's minimum).
  for (let minute = 0; minute < 3; minute++) expect(new Set(await minuteOf(minute === 0 ? 110 : 10, 10))).toEqual(new Set(['503']));

  await page.waitForSelector('[data-alarm="prod-echo-ridge-ServiceDown"][data-state="ALARM"]');
  await page.waitForSelector('#alarm-summary [data-alarm="prod-echo-ridge-ApiIncident"][data-state="ALARM"]');
  // The outage's 5-minute period: over 100 requests, nearly all 503 (the later periods hold too few requests to count).
  expect(await untilShown('API 5xx rate (%)', '5xx rate (%)', 'max', (value) => value > 0)).toBeGreaterThan(50);
  expect(await legendValue('Requests', 'Errors5xx Sum', 'max')).toBeGreaterThan(0);
  const states = ((await (await fetch(`${runtime.observability!.url}/alarms.json`)).json()) as { alarms: { name: string; state: string; since: string }[] }).alarms;
  expect(states.find((alarm) => alarm.name === 'prod-echo-ridge-ApiIncident')).toMatchObject({ state: 'ALARM', since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'dashboard-outage.png'), fullPage: true });
  expect(errors).toEqual([]);
}, 600_000);
