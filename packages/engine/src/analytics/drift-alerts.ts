import * as v from 'valibot';
import type { DriftField, FieldProfile } from './drift-fields.js';
import type { KsResult } from './ks-test.js';
import type { SensitivityReport } from './sensitivity.js';

export const SEVERITIES = ['warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_TYPES = ['mean_shift', 'null_rate_increase', 'score_distribution', 'weight_sensitivity'] as const;

/** What each alert compares, and where it turns into a warning or a critical alert. */
export const DRIFT_THRESHOLDS = {
  /** |Δmean| in baseline standard deviations. */
  mean_shift: { warning: 2, critical: 3 },
  /** Increase of the share of records where the field is null. */
  null_rate_increase: { warning: 0.05, critical: 0.1 },
  /** Two-sample Kolmogorov–Smirnov p-value of the final scores (smaller is worse). */
  score_distribution: { warning: 0.05, critical: 0.01 },
  /** Largest change of Kendall tau for a ±10% weight move; only critical exists. */
  weight_sensitivity: { critical: 0.1 },
} as const;
/** The KS test is run only with at least this many scores on each side. */
export const MIN_SCORES_FOR_KS = 5;

export const AlertSchema = v.object({
  /** Stable across runs: `<type>:<subject>`. */
  id: v.string(),
  type: v.picklist(ALERT_TYPES),
  severity: v.picklist(SEVERITIES),
  /** The field path, `final_score`, or the weight name. */
  subject: v.string(),
  message: v.string(),
  /** The figure that was compared with the threshold. */
  statistic: v.number(),
  /** The threshold of this severity that the statistic crossed. */
  threshold: v.number(),
  current_value: v.number(),
  baseline_value: v.number(),
  /** 0 at the lowest threshold of its type, growing towards 1 with the excess beyond it. */
  magnitude: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  recommended_actions: v.array(v.string()),
});
export type Alert = v.InferOutput<typeof AlertSchema>;

/** 1 − base/value for value ≥ base > 0: 0 at the base threshold, half-way at twice it, → 1 without bound. */
export function excessMagnitude(value: number, base: number): number {
  return Math.min(1, Math.max(0, 1 - base / value));
}

const severityOf = (value: number, limits: { warning: number; critical: number }): Severity | null =>
  value > limits.critical ? 'critical' : value > limits.warning ? 'warning' : null;

/** Four significant figures: enough to see a change, short enough to read. */
const figure = (x: number): string => String(Number(x.toPrecision(4)));
const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

export function meanShiftAlert(field: DriftField, baseline: FieldProfile, current: FieldProfile): Alert | null {
  if (baseline.mean === null || current.mean === null || baseline.std === null || !(baseline.std > 0)) return null;
  const delta = current.mean - baseline.mean;
  const shift = Math.abs(delta) / baseline.std;
  const limits = DRIFT_THRESHOLDS.mean_shift;
  const severity = severityOf(shift, limits);
  if (severity === null) return null;
  const actions = [
    `Check the source of ${field} for a change of unit, scale or collection method`,
    'Compare a sample of current records with baseline records by hand',
  ];
  if (severity === 'critical') actions.push('Once the shift is confirmed as real, refit the normalization context (`echo-ridge fit-context`) so that scores are not skewed by it');
  return {
    id: `mean_shift:${field}`,
    type: 'mean_shift',
    severity,
    subject: field,
    message: `${field} mean moved from ${figure(baseline.mean)} to ${figure(current.mean)} (${delta > 0 ? '+' : ''}${figure(delta)}), ${figure(shift)} baseline standard deviations (std ${figure(baseline.std)}); ${severity} above ${limits[severity]}`,
    statistic: shift,
    threshold: limits[severity],
    current_value: current.mean,
    baseline_value: baseline.mean,
    magnitude: excessMagnitude(shift, limits.warning),
    recommended_actions: actions,
  };
}

export function nullRateAlert(field: DriftField, baseline: FieldProfile, current: FieldProfile): Alert | null {
  const increase = current.null_rate - baseline.null_rate;
  const limits = DRIFT_THRESHOLDS.null_rate_increase;
  const severity = severityOf(increase, limits);
  if (severity === null) return null;
  const actions = [
    `Find why ${field} is missing more often (collection failures, a renamed or retyped field upstream)`,
    'Run `echo-ridge validate` on the current file: records with a missing field are not scored',
  ];
  if (severity === 'critical') actions.push('Hold scoring of the affected source until the field is filled again');
  return {
    id: `null_rate_increase:${field}`,
    type: 'null_rate_increase',
    severity,
    subject: field,
    message: `${field} is missing, null or not a number in ${percent(current.null_rate)} of current records against ${percent(baseline.null_rate)} at baseline (+${(increase * 100).toFixed(1)} points); ${severity} above +${limits[severity] * 100} points`,
    statistic: increase,
    threshold: limits[severity],
    current_value: current.null_rate,
    baseline_value: baseline.null_rate,
    magnitude: excessMagnitude(increase, limits.warning),
    recommended_actions: actions,
  };
}

export function scoreDistributionAlert(ks: KsResult, baselineMean: number, currentMean: number, sizes: [number, number]): Alert | null {
  const limits = DRIFT_THRESHOLDS.score_distribution;
  const severity: Severity | null = ks.p_value < limits.critical ? 'critical' : ks.p_value < limits.warning ? 'warning' : null;
  if (severity === null) return null;
  const actions = [
    'Look at the field alerts for the inputs that moved the scores',
    'Compare the current score distribution with the baseline before acting on scores',
  ];
  if (severity === 'critical') actions.push('If the shift is real, recalibrate against labelled outcomes (`echo-ridge calibrate --optimize`)');
  return {
    id: 'score_distribution:final_score',
    type: 'score_distribution',
    severity,
    subject: 'final_score',
    message: `final score distribution changed: Kolmogorov–Smirnov D = ${figure(ks.statistic)}, p = ${figure(ks.p_value)} (${ks.method}, ${sizes[0]} baseline and ${sizes[1]} current scores), mean ${figure(baselineMean)} → ${figure(currentMean)}; ${severity} below p ${limits[severity]}`,
    statistic: ks.p_value,
    threshold: limits[severity],
    current_value: currentMean,
    baseline_value: baselineMean,
    // On the log scale p-values span orders of magnitude; p = 0 is the full magnitude.
    magnitude: excessMagnitude(-Math.log(ks.p_value), -Math.log(limits.warning)),
    recommended_actions: actions,
  };
}

export function sensitivityAlerts(report: SensitivityReport): Alert[] {
  const limit = DRIFT_THRESHOLDS.weight_sensitivity.critical;
  return report.weights
    .filter((w) => w.sensitivity > limit)
    .map((w) => {
      const moved = Math.abs(w.tau_up - report.kendall_tau) >= Math.abs(w.tau_down - report.kendall_tau) ? w.tau_up : w.tau_down;
      return {
        id: `weight_sensitivity:${w.weight}`,
        type: 'weight_sensitivity',
        severity: 'critical',
        subject: w.weight,
        message: `ranking agreement with the labels hinges on the ${w.weight} weight (${w.value}): moving it by 10% changes Kendall tau by ${figure(w.sensitivity)} (${figure(report.kendall_tau)} → ${figure(moved)}); critical above ${limit}`,
        statistic: w.sensitivity,
        threshold: limit,
        current_value: moved,
        baseline_value: report.kendall_tau,
        magnitude: excessMagnitude(w.sensitivity, limit),
        recommended_actions: [
          `Collect more labelled outcomes before relying on the ${w.weight} weight`,
          'Run `echo-ridge calibrate --optimize` to see whether better-supported weights exist',
        ],
      };
    });
}

/** Critical alerts first, each group in the order it was raised. */
export function sortAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
}

/** Whether an alert of `level` or worse fired (`--fail-on`). */
export function hasAlertAtLeast(alerts: readonly Alert[], level: Severity): boolean {
  return alerts.some((alert) => SEVERITIES.indexOf(alert.severity) >= SEVERITIES.indexOf(level));
}
