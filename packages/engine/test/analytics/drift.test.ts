import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { defaultContext } from '../../src/default-context.js';
import { parseWeights, type Weights } from '../../src/weights.js';
import {
  AlertSchema,
  excessMagnitude,
  hasAlertAtLeast,
  meanShiftAlert,
  nullRateAlert,
  scoreDistributionAlert,
  sensitivityAlerts,
  type Alert,
} from '../../src/analytics/drift-alerts.js';
import { fieldValue, profileField } from '../../src/analytics/drift-fields.js';
import { detectDrift } from '../../src/analytics/drift.js';
import { ksTwoSample } from '../../src/analytics/ks-test.js';
import { checkLabeledRecord, requireLabeled, type LabeledSet } from '../../src/analytics/labeled.js';
import { perturbWeight, rateSensitivity, weightSensitivity } from '../../src/analytics/sensitivity.js';
import type { Subscores } from '../../src/subscores.js';

const weights: Weights = parseWeights(readFileSync(new URL('../../../../weights.yaml', import.meta.url), 'utf8'));
const readJsonl = (name: string): unknown[] =>
  readFileSync(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);

/** Records whose `digital.pagespeed` takes the given values (null: the field is absent). */
const pagespeeds = (values: (number | null)[]): unknown[] => values.map((p) => ({ digital: p === null ? {} : { pagespeed: p } }));
const profile = (values: (number | null)[]) => profileField(pagespeeds(values), 'digital.pagespeed');

function expectWellFormed(alert: Alert): void {
  expect(v.safeParse(AlertSchema, alert).success).toBe(true);
  expect(alert.magnitude).toBeGreaterThan(0);
  expect(alert.magnitude).toBeLessThanOrEqual(1);
  expect(alert.recommended_actions.length).toBeGreaterThan(0);
}

describe('field values and profiles', () => {
  it('reads a dotted path, counting booleans as 0/1 and anything else non-numeric as null', () => {
    expect(fieldValue({ digital: { pagespeed: 71 } }, 'digital.pagespeed')).toBe(71);
    expect(fieldValue({ digital: { crm_flag: true } }, 'digital.crm_flag')).toBe(1);
    expect(fieldValue({ digital: { crm_flag: false } }, 'digital.crm_flag')).toBe(0);
    for (const record of [{}, { digital: null }, { digital: { pagespeed: null } }, { digital: { pagespeed: '71' } }, null, 'text']) {
      expect(fieldValue(record, 'digital.pagespeed')).toBeNull();
    }
  });

  it('takes null and zero rates over all records and the moments over the present values', () => {
    const p = profile([0, 10, null, 30]);
    expect(p).toMatchObject({ records: 4, n: 3, null_rate: 0.25, zero_rate: 0.25, mean: 40 / 3, median: 10, min: 0, max: 30 });
  });
});

describe('mean-shift alert', () => {
  // Baseline 0, 10, …, 100: mean 50, population std 31.62…
  const baseline = profile([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  const shifted = (stds: number) => profile([50 + stds * baseline.std!]);

  it('stays quiet up to 2 baseline standard deviations', () => {
    expect(meanShiftAlert('digital.pagespeed', baseline, shifted(1.99))).toBeNull();
    expect(meanShiftAlert('digital.pagespeed', baseline, shifted(-1.5))).toBeNull();
  });

  it('warns above 2 and is critical above 3, in either direction, with the figures', () => {
    const warning = meanShiftAlert('digital.pagespeed', baseline, shifted(2.5))!;
    expect(warning).toMatchObject({ id: 'mean_shift:digital.pagespeed', type: 'mean_shift', severity: 'warning', threshold: 2, baseline_value: 50 });
    expect(warning.statistic).toBeCloseTo(2.5, 12);
    expect(warning.message).toContain('2.5 baseline standard deviations');
    expectWellFormed(warning);
    const critical = meanShiftAlert('digital.pagespeed', baseline, shifted(-3.5))!;
    expect(critical).toMatchObject({ severity: 'critical', threshold: 3 });
    expect(critical.recommended_actions.join(' ')).toContain('fit-context');
    expectWellFormed(critical);
    expect(critical.magnitude).toBeGreaterThan(warning.magnitude);
  });

  it('is never raised against a constant baseline (std 0)', () => {
    expect(meanShiftAlert('digital.pagespeed', profile([50, 50, 50]), profile([90, 95]))).toBeNull();
  });
});

describe('null-rate alert', () => {
  const baseline = profile(Array.from({ length: 100 }, () => 50));
  const withNulls = (count: number) => profile(Array.from({ length: 100 }, (_, i) => (i < count ? null : 50)));

  it('stays quiet up to an increase of 5 points, and for a decrease', () => {
    expect(nullRateAlert('digital.pagespeed', baseline, withNulls(5))).toBeNull();
    expect(nullRateAlert('digital.pagespeed', withNulls(30), baseline)).toBeNull();
  });

  it('warns above +5 points and is critical above +10', () => {
    const warning = nullRateAlert('digital.pagespeed', baseline, withNulls(7))!;
    expect(warning).toMatchObject({ severity: 'warning', threshold: 0.05, current_value: 0.07, baseline_value: 0 });
    expect(warning.message).toContain('7.0% of current records against 0.0% at baseline');
    expectWellFormed(warning);
    const critical = nullRateAlert('digital.pagespeed', baseline, withNulls(15))!;
    expect(critical).toMatchObject({ severity: 'critical', threshold: 0.1 });
    expectWellFormed(critical);
    expect(critical.magnitude).toBeGreaterThan(warning.magnitude);
  });
});

describe('score-distribution alert', () => {
  const same = Array.from({ length: 20 }, (_, i) => i);

  it('stays quiet when the distributions agree', () => {
    expect(scoreDistributionAlert(ksTwoSample(same, same), 9.5, 9.5, [20, 20])).toBeNull();
  });

  it('warns below p 0.05 and is critical below 0.01', () => {
    // Shifts chosen so that the exact p-values fall in each band.
    const warningKs = ksTwoSample(same, same.map((x) => x + 9));
    expect(warningKs.p_value).toBeLessThan(0.05);
    expect(warningKs.p_value).toBeGreaterThanOrEqual(0.01);
    const warning = scoreDistributionAlert(warningKs, 9.5, 18.5, [20, 20])!;
    expect(warning).toMatchObject({ severity: 'warning', threshold: 0.05, statistic: warningKs.p_value, current_value: 18.5 });
    expect(warning.message).toContain('(exact, 20 baseline and 20 current scores), mean 9.5 → 18.5');
    expectWellFormed(warning);
    const critical = scoreDistributionAlert(ksTwoSample(same, same.map((x) => x + 12)), 9.5, 21.5, [20, 20])!;
    expect(critical).toMatchObject({ severity: 'critical', threshold: 0.01 });
    expectWellFormed(critical);
    expect(critical.magnitude).toBeGreaterThan(warning.magnitude);
  });
});

describe('weight sensitivity', () => {
  /**
   * Digital rises and ops falls along the labels so that 0.25·digital + 0.20·ops climbs by a hair: the
   * current weights rank perfectly, and a 10% move of either weight reverses the ranking.
   */
  const knifeEdge: LabeledSet = {
    subscores: Array.from({ length: 10 }, (_, i): Subscores => ({ digital: 0.2 + 0.04 * i, ops: 0.8 - 0.05 * i + 0.0001 * i, info_flow: 0.5, market: 0.5, budget: 0.5 })),
    truths: Array.from({ length: 10 }, (_, i) => i),
  };
  /** One subscore carries the whole ranking, far from any tie. */
  const robust: LabeledSet = {
    subscores: Array.from({ length: 10 }, (_, i): Subscores => ({ digital: i / 10, ops: 0.5, info_flow: 0.5, market: 0.5, budget: 0.5 })),
    truths: Array.from({ length: 10 }, (_, i) => i),
  };

  it('moves one weight by the factor (floor 0.01) and renormalises all to sum 1', () => {
    const up = perturbWeight(weights.weights, 'digital', 1.1);
    expect(up.digital / up.ops).toBeCloseTo((0.25 * 1.1) / 0.2, 12);
    expect(Object.values(up).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    const floored = perturbWeight({ ...weights.weights, budget: 0.01 }, 'budget', 0.9);
    expect(floored.budget / floored.market).toBeCloseTo(0.01 / 0.2, 12);
  });

  it('rates by the thresholds of the issue', () => {
    expect([0, 0.019, 0.02, 0.049, 0.05, 0.099, 0.1, 0.5].map(rateSensitivity)).toEqual([
      'highly_stable',
      'highly_stable',
      'stable',
      'stable',
      'moderately_stable',
      'moderately_stable',
      'unstable',
      'unstable',
    ]);
  });

  it('raises a critical alert per weight whose 10% move changes Kendall tau by more than 0.10', () => {
    const report = weightSensitivity(knifeEdge, weights.weights);
    expect(report.kendall_tau).toBeCloseTo(1, 12);
    expect(report.rating).toBe('unstable');
    const alerts = sensitivityAlerts(report);
    expect(alerts.map((a) => a.id)).toEqual(['weight_sensitivity:digital', 'weight_sensitivity:ops']);
    for (const alert of alerts) {
      expect(alert).toMatchObject({ severity: 'critical', threshold: 0.1, baseline_value: report.kendall_tau });
      expect(alert.statistic).toBeGreaterThan(0.1);
      expectWellFormed(alert);
    }
  });

  it('raises nothing when the ranking does not hinge on a weight', () => {
    const report = weightSensitivity(robust, weights.weights);
    expect(report.sensitivity).toBe(0);
    expect(report.rating).toBe('highly_stable');
    expect(sensitivityAlerts(report)).toEqual([]);
  });
});

describe('alert magnitude and severity order', () => {
  it('grows from 0 at the threshold towards 1 with the excess', () => {
    expect(excessMagnitude(2, 2)).toBe(0);
    expect(excessMagnitude(4, 2)).toBe(0.5);
    expect(excessMagnitude(8, 2)).toBe(0.75);
    expect(excessMagnitude(Infinity, 2)).toBe(1);
  });

  it('fails on a severity or worse', () => {
    const warning = { severity: 'warning' } as Alert;
    const critical = { severity: 'critical' } as Alert;
    expect(hasAlertAtLeast([warning], 'warning')).toBe(true);
    expect(hasAlertAtLeast([warning], 'critical')).toBe(false);
    expect(hasAlertAtLeast([critical], 'warning')).toBe(true);
    expect(hasAlertAtLeast([], 'warning')).toBe(false);
  });
});

describe('detectDrift on the shipped examples', () => {
  const baseline = readJsonl('companies.jsonl');

  it('finds the planted drift, critical alerts first', () => {
    const report = detectDrift({ baseline, current: readJsonl('drift-current.jsonl'), context: defaultContext, weights });
    expect(report.alerts.map((a) => [a.id, a.severity])).toEqual([
      ['mean_shift:market.industry_growth_pct', 'critical'],
      ['null_rate_increase:budget.revenue_est_usd', 'critical'],
      ['mean_shift:ops.locations', 'warning'],
      ['score_distribution:final_score', 'warning'],
    ]);
    expect(report.records).toEqual({ baseline: 120, current: 120 });
    // Records missing revenue fail validation and are not scored.
    expect(report.scored).toEqual({ baseline: 120, current: 105 });
    expect(report.fields).toHaveLength(11);
    expect(report.sensitivity).toBeNull();
  });

  it('finds nothing between a period and itself', () => {
    const report = detectDrift({ baseline, current: baseline, context: defaultContext, weights });
    expect(report.alerts).toEqual([]);
    expect(report.scores.ks).toMatchObject({ statistic: 0, p_value: 1 });
  });

  it('checks weight sensitivity against labelled data: the synthetic labels are highly stable', () => {
    const labeled = requireLabeled(readJsonl('labeled.jsonl').map((record, i) => checkLabeledRecord(record, i + 1)));
    const report = detectDrift({ baseline, current: baseline, context: defaultContext, weights, labeled });
    expect(report.sensitivity).toMatchObject({ sample_size: 120, rating: 'highly_stable' });
    expect(report.sensitivity!.weights.map((w) => w.weight)).toEqual(['digital', 'ops', 'info_flow', 'market', 'budget']);
    expect(report.alerts).toEqual([]);
  });

  it('skips the score test below 5 scores a side, and says so', () => {
    const report = detectDrift({ baseline, current: baseline.slice(0, 4), context: defaultContext, weights });
    expect(report.scores.ks).toBeNull();
    expect(report.scores.skipped).toContain('at least 5 scored records on each side, got 120 baseline and 4 current');
  });

  it('refuses an empty side', () => {
    expect(() => detectDrift({ baseline, current: [], context: defaultContext, weights })).toThrow('got 120 baseline and 0 current');
  });
});
