import { fieldValue, finalScores, type DriftField, type DriftReport, type NormContext, type Weights } from '@echo-ridge/engine';
import { binCounts, htmlReport, sharedEdges, type ChartSpec } from './html-report.js';

const present = (records: readonly unknown[], field: DriftField) => records.map((record) => fieldValue(record, field)).filter((value): value is number => value !== null);

/** The drift report as charts: each field's baseline and current distributions, and the scores' with their KS statistic. */
export function driftHtml(report: DriftReport, input: { baseline: readonly unknown[]; current: readonly unknown[]; context: NormContext; weights: Weights; names: { baseline: string; current: string } }): string {
  const histogram = (title: string, baseline: number[], current: number[], note?: string): ChartSpec => {
    const edges = sharedEdges([baseline, current]);
    return { kind: 'histogram', title, edges, series: [{ label: `baseline (${baseline.length})`, counts: binCounts(baseline, edges) }, { label: `current (${current.length})`, counts: binCounts(current, edges) }], note };
  };
  const { ks, skipped } = report.scores;
  const scoreNote = ks ? `KS statistic ${ks.statistic.toFixed(3)}, p ${ks.p_value.toPrecision(3)}` : (skipped ?? '');
  const charts = [
    histogram('final score (unmasked)', finalScores(input.baseline, input.context, input.weights), finalScores(input.current, input.context, input.weights), scoreNote),
    ...report.fields.map(({ field, baseline, current }) =>
      histogram(field, present(input.baseline, field), present(input.current, field), `missing: ${(baseline.null_rate * 100).toFixed(1)} % baseline, ${(current.null_rate * 100).toFixed(1)} % current`),
    ),
  ];
  const summary = [
    `baseline ${input.names.baseline} (${report.records.baseline} records, ${report.scored.baseline} scored), current ${input.names.current} (${report.records.current} records, ${report.scored.current} scored)`,
    `context ${report.context_version}, weights ${report.weights_version}; score distribution: ${scoreNote}`,
    report.alerts.length === 0 ? 'no drift alerts' : `${report.alerts.length} alert${report.alerts.length === 1 ? '' : 's'}: ${report.alerts.map((alert) => `${alert.severity} ${alert.message}`).join('; ')}`,
  ];
  return htmlReport('Echo Ridge drift report', summary, charts);
}
