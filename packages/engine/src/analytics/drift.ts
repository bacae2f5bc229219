import type { NormContext } from '../context.js';
import { rawScore } from '../final-score.js';
import { validateCompany } from '../schema.js';
import { computeSubscores } from '../subscores.js';
import type { Weights } from '../weights.js';
import { describeSample, type Description } from './descriptive.js';
import {
  MIN_SCORES_FOR_KS,
  meanShiftAlert,
  nullRateAlert,
  scoreDistributionAlert,
  sensitivityAlerts,
  sortAlerts,
  type Alert,
} from './drift-alerts.js';
import { DRIFT_FIELDS, profileField, type DriftField, type FieldProfile } from './drift-fields.js';
import { AnalyticsInputError } from './errors.js';
import { ksTwoSample, type KsResult } from './ks-test.js';
import { assertRankable, prepareLabeled, type LabeledCompany } from './labeled.js';
import { weightSensitivity, type SensitivityReport } from './sensitivity.js';

export interface DriftInput {
  /** Parsed JSON records of the reference period, valid or not. */
  baseline: readonly unknown[];
  /** Parsed JSON records of the period under test. */
  current: readonly unknown[];
  /** Both sides are scored with this one context and these weights, so only the data can differ. */
  context: NormContext;
  weights: Weights;
  /** Labelled companies for the weight-sensitivity check. */
  labeled?: readonly LabeledCompany[];
}

export interface ScoreDrift {
  baseline: Description;
  current: Description;
  /** null when a side has fewer than MIN_SCORES_FOR_KS scores; `skipped` says so. */
  ks: KsResult | null;
  skipped: string | null;
}

export interface DriftReport {
  context_version: string;
  weights_version: string;
  records: { baseline: number; current: number };
  /** Records that passed validation and were scored. */
  scored: { baseline: number; current: number };
  fields: { field: DriftField; baseline: FieldProfile; current: FieldProfile }[];
  scores: ScoreDrift;
  sensitivity: SensitivityReport | null;
  /** Critical first. */
  alerts: Alert[];
}

/**
 * The unmasked, unrounded final score of every valid record. Masking zeroes every infeasible company, and
 * that mass at 0 would hide a shift among the others; calibration judges the same score.
 */
export function finalScores(records: readonly unknown[], context: NormContext, weights: Weights): number[] {
  const scores: number[] = [];
  for (const record of records) {
    const checked = validateCompany(record);
    if (checked.ok) scores.push(rawScore(computeSubscores(checked.value, context).values, weights.weights));
  }
  return scores;
}

function compareScores(baseline: number[], current: number[]): { drift: ScoreDrift; alert: Alert | null } {
  const summary = { baseline: describeSample(baseline), current: describeSample(current) };
  if (baseline.length < MIN_SCORES_FOR_KS || current.length < MIN_SCORES_FOR_KS) {
    const skipped = `score distribution not tested: it needs at least ${MIN_SCORES_FOR_KS} scored records on each side, got ${baseline.length} baseline and ${current.length} current`;
    return { drift: { ...summary, ks: null, skipped }, alert: null };
  }
  const ks = ksTwoSample(baseline, current);
  const alert = scoreDistributionAlert(ks, summary.baseline.mean!, summary.current.mean!, [baseline.length, current.length]);
  return { drift: { ...summary, ks, skipped: null }, alert };
}

/** Compares a period's inputs and scores with a baseline period, and raises an alert for every threshold crossed. */
export function detectDrift(input: DriftInput): DriftReport {
  const { baseline, current, context, weights } = input;
  if (baseline.length === 0 || current.length === 0) throw new AnalyticsInputError(`drift needs records on both sides, got ${baseline.length} baseline and ${current.length} current`);
  const alerts: Alert[] = [];

  const fields = DRIFT_FIELDS.map((field) => {
    const profiles = { field, baseline: profileField(baseline, field), current: profileField(current, field) };
    for (const alert of [meanShiftAlert(field, profiles.baseline, profiles.current), nullRateAlert(field, profiles.baseline, profiles.current)]) {
      if (alert) alerts.push(alert);
    }
    return profiles;
  });

  const baselineScores = finalScores(baseline, context, weights);
  const currentScores = finalScores(current, context, weights);
  const scores = compareScores(baselineScores, currentScores);
  if (scores.alert) alerts.push(scores.alert);

  let sensitivity: SensitivityReport | null = null;
  if (input.labeled) {
    const set = prepareLabeled(input.labeled, context);
    assertRankable(set);
    sensitivity = weightSensitivity(set, weights.weights);
    alerts.push(...sensitivityAlerts(sensitivity));
  }

  return {
    context_version: context.version,
    weights_version: weights.version,
    records: { baseline: baseline.length, current: current.length },
    scored: { baseline: baselineScores.length, current: currentScores.length },
    fields,
    scores: scores.drift,
    sensitivity,
    alerts: sortAlerts(alerts),
  };
}
