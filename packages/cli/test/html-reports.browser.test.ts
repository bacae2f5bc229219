import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ARTIFACTS_DIR, openBrowser } from '@echo-ridge/local/test/browser';
import { runMain } from './support/run-command.js';

/** The HTML reports open in a real browser, offline, and draw every chart without a console error. */

const EXAMPLES = new URL('../../../examples/', import.meta.url);
const example = (name: string) => new URL(name, EXAMPLES).pathname;
let browser: Awaited<ReturnType<typeof openBrowser>>;
const dir = mkdtempSync(join(tmpdir(), 'echo-ridge-html-'));

beforeAll(async () => {
  browser = await openBrowser();
  // Nothing may come from the network: the file carries its chart library.
  await browser.context.route(/^https?:/, (route) => route.abort());
}, 120_000);
afterAll(() => browser?.close());

async function open(file: string, screenshot: string): Promise<{ charts: string[]; canvases: number }> {
  const { page, errors } = browser;
  errors.length = 0;
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('figure canvas');
  const figures = page.locator('figure[data-chart]');
  const charts = await Promise.all(Array.from({ length: await figures.count() }, async (_, index) => (await figures.nth(index).getAttribute('data-chart')) ?? ''));
  const canvases = await page.locator('figure canvas').count();
  await page.screenshot({ path: join(ARTIFACTS_DIR, screenshot), fullPage: true });
  expect(errors).toEqual([]);
  return { charts, canvases };
}

it('drift --html: one file with the score distribution (KS statistic) and each field, baseline against current', async () => {
  const html = join(dir, 'drift.html');
  const { code } = await runMain(['drift', '--baseline', example('companies.jsonl'), '--current', example('drift-current.jsonl'), '--html', html]);
  expect(code).toBe(0);
  const text = readFileSync(html, 'utf8');
  expect(text).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet[^>]+href=/);
  expect(text).toMatch(/KS statistic 0\.\d{3}/);
  const { charts, canvases } = await open(html, 'drift-report.png');
  expect(charts).toEqual(['final score (unmasked)', 'digital.pagespeed', 'digital.crm_flag', 'digital.ecom_flag', 'ops.employees', 'ops.locations', 'ops.services_count', 'info_flow.daily_docs_est', 'market.competitor_density', 'market.industry_growth_pct', 'market.rivalry_index', 'budget.revenue_est_usd']);
  expect(canvases).toBe(charts.length);
}, 120_000);

it('calibrate --html: score against label as a scatter plot, and precision@k', async () => {
  const html = join(dir, 'calibration.html');
  const { code } = await runMain(['calibrate', '--input', example('labeled.jsonl'), '--output', join(dir, 'calibration.json'), '--html', html]);
  expect(code).toBe(0);
  const { charts, canvases } = await open(html, 'calibration-report.png');
  expect(charts).toEqual(['score against label', 'precision@k']);
  expect(canvases).toBe(2);
}, 120_000);
