import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { bootstrapTau, quantile } from '../../src/analytics/bootstrap.js';
import { describeChange, optimizeCalibration } from '../../src/analytics/calibration.js';
import { checkLabeledRecord, prepareLabeled, requireLabeled, type LabeledSet } from '../../src/analytics/labeled.js';
import { calibrationMetrics, precisionAtK } from '../../src/analytics/metrics.js';
import { maximizeWeights, projectWeights, roundWeights } from '../../src/analytics/optimizer.js';
import { createRandom } from '../../src/analytics/random.js';
import { nextWeightsVersion, proposeWeightsFile } from '../../src/analytics/weights-proposal.js';
import { defaultContext } from '../../src/default-context.js';
import { rawScore } from '../../src/final-score.js';
import { SUBSCORE_NAMES } from '../../src/subscores.js';
import { parseWeights, type ComponentWeights } from '../../src/weights.js';

const weightsText = readFileSync(new URL('../../../../weights.yaml', import.meta.url), 'utf8');
const weights = parseWeights(weightsText);
const bounds = { min: weights.constraints.min_component_weight, max: weights.constraints.max_component_weight };
const labeledRecords = readFileSync(new URL('../../../../examples/labeled.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Record<string, unknown>);
const examples: LabeledSet = prepareLabeled(requireLabeled(labeledRecords.map((record, i) => checkLabeledRecord(record, i + 1))), defaultContext);
/** A lighter search and bootstrap keep the suite quick; the shipped defaults are exercised by the CLI. */
const quick = { search: { seed: 7, restarts: 3, steps: 150 }, bootstrap: { seed: 7, resamples: 300, confidence: 0.95 } };

const sum = (w: ComponentWeights): number => SUBSCORE_NAMES.reduce((total, name) => total + w[name], 0);
function expectWithinConstraints(w: ComponentWeights): void {
  for (const name of SUBSCORE_NAMES) {
    expect(w[name]).toBeGreaterThanOrEqual(bounds.min - 1e-12);
    expect(w[name]).toBeLessThanOrEqual(bounds.max + 1e-12);
  }
  expect(Math.abs(sum(w) - 1)).toBeLessThanOrEqual(1e-9);
}

describe('labelled lines', () => {
  const record = labeledRecords[0]!;

  it('tells scored, unscored (valid label, invalid company) and unlabelled lines apart, naming the fields', () => {
    expect(checkLabeledRecord(record, 1).status).toBe('scored');
    const unscored = checkLabeledRecord({ ...record, domain: '' }, 2);
    expect(unscored).toMatchObject({ line: 2, status: 'unscored', issues: [{ path: 'domain' }] });
    const unlabeled = checkLabeledRecord({ ...record, ground_truth_score: 120 }, 3);
    expect(unlabeled).toMatchObject({ line: 3, status: 'unlabeled', issues: [{ path: 'ground_truth_score', message: 'must be a number from 0 to 100' }] });
    expect(checkLabeledRecord({ ...record, ground_truth_score: undefined }, 4)).toMatchObject({ status: 'unlabeled', issues: [{ path: 'ground_truth_score', message: 'is required' }] });
  });

  it('needs at least 5 labelled lines and 3 scorable ones', () => {
    const lines = (scored: number, unscored: number, unlabeled: number) => [
      ...Array.from({ length: scored }, (_, i) => checkLabeledRecord(record, i + 1)),
      ...Array.from({ length: unscored }, (_, i) => checkLabeledRecord({ ...record, domain: '' }, scored + i + 1)),
      ...Array.from({ length: unlabeled }, (_, i) => checkLabeledRecord({ ...record, ground_truth_score: -1 }, 100 + i)),
    ];
    expect(requireLabeled(lines(3, 2, 0))).toHaveLength(3);
    expect(() => requireLabeled(lines(4, 0, 5))).toThrow('need at least 5 lines with a valid ground_truth_score (a number from 0 to 100), got 4');
    expect(() => requireLabeled(lines(2, 3, 0))).toThrow('need at least 3 labelled lines whose company record is valid, got 2');
  });
});

describe('calibration metrics', () => {
  it('computes precision@k against the median label, reporting k above n once as n', () => {
    const scores = [90, 80, 70, 60, 50, 40, 30];
    const truths = [10, 90, 80, 20, 70, 30, 60]; // median 60: relevant = 90, 80, 70, 60
    expect(precisionAtK(scores, truths)).toEqual([
      { k: 5, precision: 3 / 5 },
      { k: 7, precision: 4 / 7 },
    ]);
  });

  it('ranks equal scores in input order', () => {
    // Median 3.5: the labels 4, 5 and 6 are relevant.
    expect(precisionAtK([1, 1, 1, 1, 1, 1], [1, 2, 3, 4, 5, 6], [5])).toEqual([{ k: 5, precision: 2 / 5 }]);
    expect(precisionAtK([1, 1, 1, 1, 1, 1], [6, 5, 4, 3, 2, 1], [5])).toEqual([{ k: 5, precision: 3 / 5 }]);
  });

  it('reports n, the mean absolute error and the three correlations', () => {
    const metrics = calibrationMetrics([10, 20, 30, 40, 50], [12, 18, 35, 39, 60]);
    expect(metrics.n).toBe(5);
    expect(metrics.mean_absolute_error).toBeCloseTo((2 + 2 + 5 + 1 + 10) / 5, 12);
    expect(metrics.kendall.statistic).toBeCloseTo(1, 12);
    expect(metrics.spearman.statistic).toBeCloseTo(1, 12);
    expect(metrics.pearson.statistic).toBeGreaterThan(0.97);
  });
});

describe('constraint handling', () => {
  const vector = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 5, maxLength: 5 });

  it('projects any vector into the bounds with sum 1', () => {
    fc.assert(
      fc.property(vector, (raw) => {
        const projected = projectWeights(raw, bounds);
        expect(projected.every((w) => w >= bounds.min && w <= bounds.max)).toBe(true);
        expect(Math.abs(projected.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(1e-9);
      }),
    );
  });

  it('leaves a feasible point where it is', () => {
    const current = SUBSCORE_NAMES.map((name) => weights.weights[name]);
    projectWeights(current, bounds).forEach((w, i) => expect(w).toBeCloseTo(current[i]!, 12));
  });

  it('rounds to 4 decimals that still sum to 1 within the bounds', () => {
    fc.assert(
      fc.property(vector, (raw) => {
        const projected = projectWeights(raw, bounds);
        const rounded = roundWeights(Object.fromEntries(SUBSCORE_NAMES.map((name, i) => [name, projected[i]!])) as ComponentWeights, bounds);
        expectWithinConstraints(rounded);
        const units = SUBSCORE_NAMES.map((name) => rounded[name] * 1e4);
        units.forEach((u) => expect(Math.abs(u - Math.round(u))).toBeLessThan(1e-6));
        expect(units.reduce((a, b) => a + Math.round(b), 0)).toBe(10_000);
      }),
    );
  });

  it('refuses bounds that no weights can meet', () => {
    expect(() => maximizeWeights(() => 0, weights.weights, { min: 0.25, max: 0.4 })).toThrow('the bounds need min·5 ≤ 1 ≤ max·5');
  });
});

describe('optimiser', () => {
  const search = { seed: 3, restarts: 4, steps: 200 };
  /** Prefers digital as large as possible: the optimum sits on the max bound. */
  const pushDigital = (w: ComponentWeights): number => w.digital - Math.abs(w.ops - w.market);

  it('is deterministic for a seed', () => {
    const first = maximizeWeights(pushDigital, weights.weights, bounds, search);
    const second = maximizeWeights(pushDigital, weights.weights, bounds, search);
    expect(second).toEqual(first);
  });

  it('stays within the constraints while pressing against them', () => {
    const result = maximizeWeights(pushDigital, weights.weights, bounds, search);
    expectWithinConstraints(result.weights);
    expect(result.weights.digital).toBeGreaterThan(0.39);
  });

  it('finds an interior optimum', () => {
    const target: ComponentWeights = { digital: 0.3, ops: 0.1, info_flow: 0.25, market: 0.15, budget: 0.2 };
    const distance = (w: ComponentWeights): number => -Math.hypot(...SUBSCORE_NAMES.map((name) => w[name] - target[name]));
    const result = maximizeWeights(distance, weights.weights, bounds, search);
    for (const name of SUBSCORE_NAMES) expect(result.weights[name]).toBeCloseTo(target[name], 2);
  });

  it('keeps the current weights when nothing is strictly better', () => {
    expect(maximizeWeights(() => 0.5, weights.weights, bounds, search).weights).toEqual(weights.weights);
  });
});

describe('bootstrap', () => {
  it('interpolates quantiles linearly, like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([1, 2, 3, 4], 0.975)).toBeCloseTo(3.925, 12);
    expect(quantile([5], 0.5)).toBe(5);
  });

  it('is deterministic for a seed, and pairs the two weight sets on each resample', () => {
    const options = { seed: 11, resamples: 200, confidence: 0.9 };
    const first = bootstrapTau(examples, weights.weights, weights.weights, options);
    expect(bootstrapTau(examples, weights.weights, weights.weights, options)).toEqual(first);
    // Identical weights on the same resample: the gain is exactly 0 every time.
    expect(first.gain).toEqual([0, 0]);
    expect(first.resamples).toBe(200);
    expect(first.proposed[0]).toBeLessThan(first.proposed[1]);
  });
});

describe('optimizeCalibration', () => {
  it('proposes better weights on the synthetic labels, deterministically and within the constraints', () => {
    const result = optimizeCalibration(examples, weights, quick);
    expect(result.refusal).toBeNull();
    expectWithinConstraints(result.proposed.weights);
    expect(result.gain.kendall_tau).toBeGreaterThan(0);
    expect(result.gain.confidence_interval[0]).toBeGreaterThan(0);
    expect(result.proposed.metrics.kendall.statistic - result.current.metrics.kendall.statistic).toBeCloseTo(result.gain.kendall_tau, 12);
    // The labels were made with digital 0.35 and ops 0.10: the search moves towards them.
    expect(result.proposed.weights.digital).toBeGreaterThan(weights.weights.digital);
    expect(result.proposed.weights.ops).toBeLessThan(weights.weights.ops);
    expect(optimizeCalibration(examples, weights, quick)).toEqual(result);
    expect(describeChange(result)).toMatch(/^Calibrated on 120 labelled companies: Kendall tau 0\.\d{4} → 0\.\d{4} \(\+0\.\d{4}, 95% bootstrap interval \[\+0\.\d{4}, \+0\.\d{4}\]\); digital 0\.25 → 0\.\d+/);
  });

  it('refuses when the current weights already rank the labels perfectly', () => {
    const exact: LabeledSet = { ...examples, truths: examples.subscores.map((s) => rawScore(s, weights.weights)) };
    const result = optimizeCalibration(exact, weights, quick);
    expect(result.gain.kendall_tau).toBeLessThanOrEqual(0);
    expect(result.refusal).toMatch(/^no weights within the constraints rank the labelled companies better than the current ones \(Kendall tau 1\.0000\)$/);
  });

  it('refuses a gain that the bootstrap cannot tell from noise', () => {
    const random = createRandom(5);
    const noise: LabeledSet = { subscores: examples.subscores.slice(0, 30), truths: Array.from({ length: 30 }, () => random.next() * 100) };
    const result = optimizeCalibration(noise, weights, quick);
    expect(result.refusal).toMatch(/not significant/);
  });
});

describe('proposed weights file', () => {
  const evidence = {
    sample_size: 120,
    kendall_tau: 0.850855361,
    spearman_rho: 0.966019443,
    pearson_r: 0.976149898,
    p_value: 3.933959115603706e-43,
    confidence_interval: [0.8127498786573915, 0.8837539212259793] as [number, number],
    validation_date: '2025-11-26',
  };
  const proposal = { weights: { digital: 0.3779, ops: 0.0561, info_flow: 0.2465, market: 0.1587, budget: 0.1608 }, evidence, change: 'Calibrated on 120 labelled companies.' };

  it('bumps the version and fills weights, evidence and change log, keeping comments and rationale', () => {
    const text = proposeWeightsFile(weightsText, proposal);
    const parsed = parseWeights(text);
    expect(parsed.version).toBe('1.1');
    expect(parsed.frozen).toBe(true);
    expect(parsed.weights).toEqual(proposal.weights);
    expect(parsed.calibration).toEqual({ ...evidence, kendall_tau: 0.850855, spearman_rho: 0.966019, pearson_r: 0.97615, p_value: 3.93396e-43, confidence_interval: [0.81275, 0.883754] });
    expect(parsed.changelog.at(-1)).toEqual({ version: '1.1', date: '2025-11-26', change: 'Calibrated on 120 labelled companies.' });
    expect(parsed.rationale).toEqual(weights.rationale);
    expect(parsed.constraints).toEqual(weights.constraints);
    for (const comment of ['# Echo Ridge component weights', '# web performance, CRM and e-commerce systems', '# no subscore may dominate the score']) expect(text).toContain(comment);
    expect(text).toContain('confidence_interval: [ 0.81275, 0.883754 ]');
    expect(text).not.toContain('carried over unchanged');
  });

  it('keeps the alias key `operations` when the file uses it', () => {
    const aliased = weightsText.replace(/^ {2}ops:/m, '  operations:');
    const text = proposeWeightsFile(aliased, proposal);
    expect((parse(text) as { weights: Record<string, number> }).weights).toMatchObject({ operations: 0.0561 });
    expect(parseWeights(text).weights.ops).toBe(0.0561);
  });

  it('derives the next version from the last number', () => {
    expect(['1.0', '1.9', '2', 'v3.4'].map(nextWeightsVersion)).toEqual(['1.1', '1.10', '3', 'v3.5']);
    expect(() => nextWeightsVersion('draft')).toThrow('weights version "draft" does not end in a number');
  });
});
