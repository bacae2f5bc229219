import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { DriftReport } from '@echo-ridge/engine';
import { drift } from '../../src/commands/drift.js';
import { inputFile, runCommand } from '../support/run-command.js';

const example = (name: string): string => fileURLToPath(new URL(`../../../../examples/${name}`, import.meta.url));
const baseline = example('companies.jsonl');
const drifted = example('drift-current.jsonl');
const labeled = example('labeled.jsonl');

/** Runs drift and also captures the report it prints on stdout. */
async function runDrift(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const printed: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    return { ...(await runCommand(drift, args)), stdout: printed.join('') };
  } finally {
    spy.mockRestore();
  }
}

const { dir } = inputFile([]);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('echo-ridge drift on the shipped examples', () => {
  const json = join(dir, 'drift.json');
  let run: { code: number; stderr: string; stdout: string };
  beforeAll(async () => {
    run = await runDrift(['--baseline', baseline, '--current', drifted, '--labeled', labeled, '--json', json, '--fail-on', 'critical']);
  });

  it('exits non-zero under --fail-on critical when a critical alert fired', () => {
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`drift report written to ${json}`);
  });

  it('prints the alerts first, then the scores, the sensitivity and a table per field', () => {
    const order = ['ALERTS: 2 critical, 2 warning', 'CRITICAL  mean_shift:market.industry_growth_pct', 'WARNING   score_distribution:final_score', 'FINAL SCORES', 'WEIGHT SENSITIVITY (120 labelled companies', 'FIELDS', 'digital.pagespeed\n', 'budget.revenue_est_usd\n'];
    const positions = order.map((text) => run.stdout.indexOf(text));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(run.stdout).toContain('  null rate       0.0%      12.5%  +12.5 pts');
  });

  it('writes the whole report as JSON, every alert with its figures', () => {
    const report = JSON.parse(readFileSync(json, 'utf8')) as DriftReport;
    expect(report.alerts.map((alert) => alert.id)).toEqual([
      'mean_shift:market.industry_growth_pct',
      'null_rate_increase:budget.revenue_est_usd',
      'mean_shift:ops.locations',
      'score_distribution:final_score',
    ]);
    for (const alert of report.alerts) {
      expect(Object.keys(alert)).toEqual(['id', 'type', 'severity', 'subject', 'message', 'statistic', 'threshold', 'current_value', 'baseline_value', 'magnitude', 'recommended_actions']);
      expect(alert.magnitude).toBeGreaterThan(0);
      expect(alert.magnitude).toBeLessThanOrEqual(1);
    }
    expect(report.fields).toHaveLength(11);
    expect(report.sensitivity?.rating).toBe('highly_stable');
  });
});

describe('echo-ridge drift exit codes and inputs', () => {
  it('exits 0 without --fail-on even when alerts fired', async () => {
    expect((await runDrift(['--baseline', baseline, '--current', drifted])).code).toBe(0);
  });

  it('exits 0 under --fail-on warning when nothing drifted', async () => {
    const run = await runDrift(['--baseline', baseline, '--current', baseline, '--fail-on', 'warning']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ALERTS: none');
  });

  it('counts a line that is not JSON as a record with every field missing, and names it', async () => {
    const { input } = inputFile(['{not json', ...readFileSync(baseline, 'utf8').split('\n').filter(Boolean).slice(0, 9)]);
    const json = join(dir, 'broken.json');
    const run = await runDrift(['--baseline', baseline, '--current', input, '--json', json]);
    expect(run.stderr).toContain(`${input} line 1: Line is not valid JSON`);
    const report = JSON.parse(readFileSync(json, 'utf8')) as DriftReport;
    expect(report.records.current).toBe(10);
    expect(report.fields[0]!.current.null_rate).toBe(0.1);
    rmSync(dirname(input), { recursive: true, force: true });
  });

  it('refuses a bad --fail-on and missing files with the usage', async () => {
    await expect(runDrift(['--baseline', baseline, '--current', drifted, '--fail-on', 'severe'])).rejects.toThrow('--fail-on must be one of warning, critical, got "severe"');
    await expect(runDrift(['--baseline', baseline])).rejects.toThrow('--baseline and --current are required');
    await expect(runDrift(['--baseline', baseline, '--current', join(dir, 'missing.jsonl')])).rejects.toThrow('no such file');
  });
});
