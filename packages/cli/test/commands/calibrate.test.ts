import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseWeights, type CalibrationMetrics, type Optimization } from '@echo-ridge/engine';
import { calibrate } from '../../src/commands/calibrate.js';
import { inputFile, runCommand } from '../support/run-command.js';

const labeledPath = fileURLToPath(new URL('../../../../examples/labeled.jsonl', import.meta.url));
const labeledLines = readFileSync(labeledPath, 'utf8').split('\n').filter(Boolean);

interface Report {
  metrics: CalibrationMetrics;
  optimization: (Optimization & { proposal: string | null }) | null;
}
const readReport = (path: string): Report => JSON.parse(readFileSync(path, 'utf8')) as Report;

const { dir } = inputFile([]);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('echo-ridge calibrate --optimize on the synthetic labels', () => {
  const output = join(dir, 'calibration.json');
  const proposal = join(dir, 'weights.proposed.yaml');
  let run: { code: number; stderr: string };
  beforeAll(async () => {
    run = await runCommand(calibrate, ['--input', labeledPath, '--output', output, '--optimize']);
  });

  it('reports every metric and the optimisation, and writes the proposal beside the output', () => {
    expect(run.code).toBe(0);
    const report = readReport(output);
    expect(report.metrics.n).toBe(120);
    expect(report.metrics.precision_at_k.map((p) => p.k)).toEqual([5, 10, 20, 50]);
    expect(report.optimization?.refusal).toBeNull();
    expect(report.optimization?.proposal).toBe(proposal);
    expect(run.stderr).toContain(`proposal written to ${proposal}`);
  });

  it('proposes a valid weights file: next version, the proposed weights, the evidence and a change-log entry', () => {
    const { optimization } = readReport(output);
    const proposed = parseWeights(readFileSync(proposal, 'utf8'));
    expect(proposed.version).toBe('1.1');
    expect(proposed.weights).toEqual(optimization!.proposed.weights);
    expect(proposed.calibration).toMatchObject({ sample_size: 120, validation_date: new Date().toISOString().slice(0, 10) });
    expect(proposed.calibration!.kendall_tau).toBeCloseTo(optimization!.proposed.metrics.kendall.statistic, 6);
    expect(proposed.changelog.map((entry) => entry.version)).toEqual(['1.0', '1.1']);
  });

  it('is reproducible: a second run with the same seed writes the same files', async () => {
    const output2 = join(dir, 'calibration-2.json');
    const proposal2 = join(dir, 'weights-2.yaml');
    await runCommand(calibrate, ['--input', labeledPath, '--output', output2, '--optimize', '--proposal', proposal2, '--seed', '1']);
    expect(readFileSync(proposal2, 'utf8')).toBe(readFileSync(proposal, 'utf8'));
    const { optimization } = readReport(output2);
    expect({ ...optimization, proposal: null }).toEqual({ ...readReport(output).optimization, proposal: null });
  });
});

describe('echo-ridge calibrate without a proposal', () => {
  it('measures the current weights only without --optimize', async () => {
    const output = join(dir, 'metrics-only.json');
    const run = await runCommand(calibrate, ['--input', labeledPath, '--output', output]);
    expect(run.code).toBe(0);
    expect(readReport(output).optimization).toBeNull();
    expect(run.stderr).toMatch(/Kendall tau 0\.\d+ \(p [\d.e-]+\), Spearman rho/);
  });

  it('refuses to propose a gain it cannot tell from noise, and says why', async () => {
    const { input } = inputFile(labeledLines.slice(0, 15));
    const output = join(dir, 'few.json');
    const proposal = join(dir, 'few.yaml');
    const run = await runCommand(calibrate, ['--input', input, '--output', output, '--optimize', '--proposal', proposal]);
    expect(run.code).toBe(0);
    expect(existsSync(proposal)).toBe(false);
    expect(readReport(output).optimization?.refusal).toMatch(/^the gain in Kendall tau \(\+0\.\d{4}\) is not significant: its 95% bootstrap interval \[.*\] does not exclude 0/);
    expect(run.stderr).toContain('no change proposed: the gain in Kendall tau');
  });
});

describe('echo-ridge calibrate input errors', () => {
  it('names every unusable line and refuses too few labels', async () => {
    const company = JSON.parse(labeledLines[0]!) as Record<string, unknown>;
    const { input } = inputFile([...labeledLines.slice(0, 3), { ...company, ground_truth_score: 101 }, { ...company, domain: '' }, '{oops']);
    const run = runCommand(calibrate, ['--input', input, '--output', join(dir, 'x.json')]);
    await expect(run).rejects.toThrow(`${input}: need at least 5 lines with a valid ground_truth_score (a number from 0 to 100), got 4`);
  });

  it('prints the line problems on stderr', async () => {
    const company = JSON.parse(labeledLines[0]!) as Record<string, unknown>;
    const { input } = inputFile([...labeledLines.slice(0, 5), { ...company, ground_truth_score: 101 }, { ...company, domain: '' }]);
    const run = await runCommand(calibrate, ['--input', input, '--output', join(dir, 'y.json')]);
    expect(run.stderr).toContain(`${input} line 6: not usable: ground_truth_score must be a number from 0 to 100`);
    expect(run.stderr).toContain(`${input} line 7: labelled, but the company cannot be scored: domain must be a string of 1 to 253 characters`);
    expect(readReport(join(dir, 'y.json')).metrics.n).toBe(5);
  });

  it('refuses labels that are all equal, and a bad seed', async () => {
    const constant = labeledLines.slice(0, 5).map((line) => ({ ...(JSON.parse(line) as object), ground_truth_score: 50 }));
    const { input } = inputFile(constant);
    await expect(runCommand(calibrate, ['--input', input, '--output', join(dir, 'z.json')])).rejects.toThrow('every ground_truth_score is 50');
    await expect(runCommand(calibrate, ['--input', labeledPath, '--output', join(dir, 'z.json'), '--seed', '1.5'])).rejects.toThrow('--seed must be a whole number ≥ 0, got "1.5"');
  });
});
