// Draws the charts of an HTML report (packages/cli/src/html-report.ts) with the inlined uPlot.
'use strict';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e'];

function figure(spec) {
  const box = document.createElement('figure');
  box.setAttribute('data-chart', spec.title);
  const caption = document.createElement('figcaption');
  caption.textContent = spec.title;
  box.append(caption);
  document.getElementById('charts').append(box);
  return box;
}

function note(box, text) {
  if (!text) return;
  const paragraph = document.createElement('p');
  paragraph.className = 'note';
  paragraph.textContent = text;
  box.append(paragraph);
}

/** Bars side by side: the first series left of its category, the second right of it. */
const bars = (share, at, of) => uPlot.paths.bars({ size: [share, 100], align: of === 1 ? 0 : at === 0 ? -1 : 1 });
const fromZero = { range: (u, min, max) => [0, Math.max(1, max) * 1.05] };

function histogram(spec) {
  const box = figure(spec);
  const centres = spec.edges.slice(0, -1).map((edge, index) => (edge + spec.edges[index + 1]) / 2);
  const share = 0.9 / spec.series.length;
  new uPlot(
    {
      width: 420,
      height: 220,
      // From the first bin's lower edge to the last one's upper edge: the outer bins are drawn whole.
      scales: { x: { time: false, range: [spec.edges[0], spec.edges.at(-1)] }, y: fromZero },
      series: [{ label: 'value' }, ...spec.series.map((series, at) => ({ label: series.label, stroke: COLOURS[at], fill: `${COLOURS[at]}55`, paths: bars(share, at, spec.series.length), points: { show: false } }))],
    },
    [centres, ...spec.series.map((series) => series.counts)],
    box,
  );
  note(box, spec.note);
}

function scatter(spec) {
  const box = figure(spec);
  const points = [...spec.points].sort((a, b) => a[0] - b[0]);
  new uPlot(
    {
      width: 420,
      height: 300,
      scales: { x: { time: false } },
      axes: [{ label: spec.xLabel }, { label: spec.yLabel }],
      series: [{ label: spec.xLabel }, { label: spec.yLabel, stroke: COLOURS[0], paths: () => null, points: { show: true, size: 6, fill: COLOURS[0] } }],
    },
    [points.map((point) => point[0]), points.map((point) => point[1])],
    box,
  );
  note(box, spec.note);
}

function categoryBars(spec) {
  const box = figure(spec);
  const share = 0.8 / spec.series.length;
  new uPlot(
    {
      width: 420,
      height: 220,
      scales: { x: { time: false, range: [-0.5, spec.categories.length - 0.5] }, y: { range: [0, 1] } },
      axes: [{ values: (u, ticks) => ticks.map((tick) => spec.categories[tick] ?? ''), incrs: [1] }, {}],
      series: [{ label: 'cut-off' }, ...spec.series.map((series, at) => ({ label: series.label, stroke: COLOURS[at], fill: `${COLOURS[at]}88`, paths: bars(share, at, spec.series.length), points: { show: false } }))],
    },
    [spec.categories.map((_, index) => index), ...spec.series.map((series) => series.values)],
    box,
  );
  note(box, spec.note);
}

const DRAW = { histogram, scatter, bars: categoryBars };
for (const spec of JSON.parse(document.getElementById('chart-data').textContent)) DRAW[spec.kind](spec);
