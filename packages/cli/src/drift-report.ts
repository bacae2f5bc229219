import type { Description, DriftReport, FieldProfile } from '@echo-ridge/engine';
import { figure, percentage, signedFigure, textTable } from './text-table.js';

/** current − baseline, with the rounding noise of equal figures (1e-15 of a skewness) shown as 0. */
function difference(baseline: number | null, current: number | null): string {
  if (baseline === null || current === null) return '–';
  const delta = current - baseline;
  return signedFigure(Math.abs(delta) <= 1e-12 * Math.max(Math.abs(baseline), Math.abs(current)) ? 0 : delta);
}

const MOMENTS: (keyof Description)[] = ['n', 'mean', 'std', 'median', 'min', 'max', 'skewness', 'kurtosis'];

function momentRows(baseline: Description, current: Description): string[][] {
  return MOMENTS.map((key) => [key, figure(baseline[key]), figure(current[key]), difference(baseline[key], current[key])]);
}

function fieldTable(baseline: FieldProfile, current: FieldProfile): string {
  return textTable([
    ['', 'baseline', 'current', 'change'],
    ...momentRows(baseline, current),
    ['null rate', percentage(baseline.null_rate), percentage(current.null_rate), `${signedFigure(Number(((current.null_rate - baseline.null_rate) * 100).toFixed(1)))} pts`],
    ['zero rate', percentage(baseline.zero_rate), percentage(current.zero_rate), `${signedFigure(Number(((current.zero_rate - baseline.zero_rate) * 100).toFixed(1)))} pts`],
  ]);
}

function alertLines(report: DriftReport): string[] {
  const critical = report.alerts.filter((alert) => alert.severity === 'critical').length;
  if (report.alerts.length === 0) return ['ALERTS: none'];
  return [
    `ALERTS: ${critical} critical, ${report.alerts.length - critical} warning`,
    ...report.alerts.flatMap((alert) => [
      `  ${alert.severity.toUpperCase().padEnd(8)}  ${alert.id}  (magnitude ${alert.magnitude.toFixed(2)})`,
      `            ${alert.message}`,
      ...alert.recommended_actions.map((action) => `            → ${action}`),
    ]),
  ];
}

function scoreLines(report: DriftReport): string[] {
  const { scores } = report;
  const test = scores.ks
    ? `  Kolmogorov–Smirnov (two-sided, ${scores.ks.method}): D = ${figure(scores.ks.statistic)}, p = ${figure(scores.ks.p_value)}`
    : `  ${scores.skipped}`;
  return ['FINAL SCORES (unmasked, unrounded)', textTable([['', 'baseline', 'current', 'change'], ...momentRows(scores.baseline, scores.current)]), test];
}

function sensitivityLines(report: DriftReport): string[] {
  const { sensitivity } = report;
  if (!sensitivity) return [];
  return [
    `WEIGHT SENSITIVITY (${sensitivity.sample_size} labelled companies, Kendall tau ${figure(sensitivity.kendall_tau)}): ${sensitivity.rating}`,
    textTable([
      ['weight', 'value', 'tau ×1.1', 'tau ×0.9', 'sensitivity', 'rating'],
      ...sensitivity.weights.map((w) => [w.weight, figure(w.value), figure(w.tau_up), figure(w.tau_down), figure(w.sensitivity), w.rating]),
    ]),
  ];
}

/** The report as people read it: alerts first, then the scores, the sensitivity and one table per field. */
export function renderDriftReport(report: DriftReport, sources: { baseline: string; current: string }): string {
  const sections = [
    [
      `Drift: ${sources.current} (${report.records.current} records, ${report.scored.current} scored) against ${sources.baseline} (${report.records.baseline} records, ${report.scored.baseline} scored)`,
      `context ${report.context_version}, weights ${report.weights_version}`,
    ],
    alertLines(report),
    scoreLines(report),
    sensitivityLines(report),
    ['FIELDS', ...report.fields.map(({ field, baseline, current }) => `${field}\n${fieldTable(baseline, current)}`)],
  ];
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n')}\n`;
}
