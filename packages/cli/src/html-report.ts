import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A histogram of several samples over the same bins, a scatter plot, or bars by category. */
export type ChartSpec =
  | { kind: 'histogram'; title: string; edges: number[]; series: { label: string; counts: number[] }[]; note?: string }
  | { kind: 'scatter'; title: string; xLabel: string; yLabel: string; points: [number, number][]; note?: string }
  | { kind: 'bars'; title: string; categories: string[]; series: { label: string; values: number[] }[]; note?: string };

const UPLOT_DIST = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
const CHARTS_SCRIPT = new URL('../report/charts.js', import.meta.url);

/** Bin edges shared by every sample (so that they compare bar for bar), over the range of all of them. */
export function sharedEdges(samples: readonly (readonly number[])[], bins = 20): number[] {
  const values = samples.flat();
  if (values.length === 0) return [0, 1];
  let [low, high] = [Math.min(...values), Math.max(...values)];
  if (low === high) [low, high] = [low - 0.5, high + 0.5];
  return Array.from({ length: bins + 1 }, (_, index) => low + ((high - low) * index) / bins);
}

/** How many values fall in each bin; the last bin includes its upper edge. */
export function binCounts(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  const [low, high] = [edges[0]!, edges.at(-1)!];
  for (const value of values) {
    const index = value >= high ? counts.length - 1 : Math.floor(((value - low) / (high - low)) * counts.length);
    if (index >= 0 && index < counts.length) counts[index]! += 1;
  }
  return counts;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * One self-contained HTML file: uPlot, its stylesheet, the chart script and the data are inlined,
 * so the report opens offline, from an e-mail or an artifact store, as it is.
 */
export function htmlReport(title: string, summary: readonly string[], charts: readonly ChartSpec[]): string {
  // `</` in the JSON would end the script element early.
  const data = JSON.stringify(charts).replace(/<\//g, '<\\/');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${readFileSync(join(UPLOT_DIST, 'uPlot.min.css'), 'utf8')}</style>
<style>
body { font-family: system-ui, sans-serif; margin: 1rem 2rem; color: #1d2733; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; border: 1px solid #d5dbe1; border-radius: 4px; padding: 0.5rem; }
figcaption { font-weight: 600; font-size: 0.9rem; }
.note { font-size: 0.8rem; color: #566; margin: 0.25rem 0 0; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${summary.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<div class="charts" id="charts"></div>
<script>${readFileSync(join(UPLOT_DIST, 'uPlot.iife.min.js'), 'utf8')}</script>
<script id="chart-data" type="application/json">${data}</script>
<script>${readFileSync(CHARTS_SCRIPT, 'utf8')}</script>
</body>
</html>
`;
}
