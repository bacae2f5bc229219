// The local dashboard page: polls state.json and draws the stack's widgets with uPlot, the runbook
// thresholds as horizontal lines, and every alarm's state.
'use strict';

const POLL_MS = 2000;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const charts = new Map();

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/** uPlot's columns: the union of the series' period starts (s), and each series' value or null. */
function columns(data) {
  const times = [...new Set(data.flatMap((series) => series.points.map(([time]) => time)))].sort((a, b) => a - b);
  const rows = data.map((series) => {
    const byTime = new Map(series.points);
    return times.map((time) => byTime.get(time) ?? null);
  });
  return [times.map((time) => time / 1000), ...rows];
}

/** Runbook thresholds as dashed lines across the plot, labelled at the right. */
function thresholdPlugin(annotations) {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx, bbox } = u;
          ctx.save();
          ctx.strokeStyle = '#d13212';
          ctx.fillStyle = '#d13212';
          ctx.setLineDash([6, 4]);
          ctx.font = `${11 * devicePixelRatio}px system-ui`;
          ctx.textAlign = 'right';
          for (const line of annotations) {
            const y = u.valToPos(line.value, 'y', true);
            ctx.beginPath();
            ctx.moveTo(bbox.left, y);
            ctx.lineTo(bbox.left + bbox.width, y);
            ctx.stroke();
            ctx.fillText(`${line.label} (${line.value})`, bbox.left + bbox.width - 4, y - 3);
          }
          ctx.restore();
        },
      ],
    },
  };
}

function latest(series) {
  const value = [...series.points].reverse().find(([, v]) => v !== null);
  return value ? value[1] : null;
}

function highest(series) {
  const values = series.points.map(([, v]) => v).filter((v) => v !== null);
  return values.length === 0 ? null : Math.max(...values);
}

const shown = (value) => (value === null ? '–' : String(Math.round(value * 100) / 100));

/** Each line's latest value and its highest over the window shown. */
function legendRows(widget) {
  return widget.data.map((series) => {
    const [last, max] = [latest(series), highest(series)];
    return element(
      'tr',
      { 'data-series': series.label, 'data-latest': last === null ? '' : String(last), 'data-max': max === null ? '' : String(max) },
      element('td', {}, series.label),
      element('td', { class: 'number', title: 'latest' }, shown(last)),
      element('td', { class: 'number', title: 'highest shown' }, `max ${shown(max)}`),
    );
  });
}

function graph(widget, index) {
  const box = element('div', { class: 'widget graph', 'data-title': widget.title, style: `grid-column: span ${widget.width}` }, element('h3', {}, widget.title));
  const target = element('div');
  const legend = element('table', { class: 'legend' }, element('tbody'));
  box.append(target, legend);
  const width = Math.max(260, Math.floor((document.body.clientWidth - 40) * (widget.width / 24)) - 24);
  const thresholds = widget.annotations.map((line) => line.value);
  const options = {
    width,
    height: 200,
    legend: { show: false },
    scales: { y: { range: (u, min, max) => [Math.min(0, min ?? 0, ...thresholds), Math.max(1, max ?? 1, ...thresholds) * 1.1] } },
    series: [{}, ...widget.data.map((series, at) => ({ label: series.label, stroke: COLOURS[at % COLOURS.length], width: 2, spanGaps: false, points: { show: true, size: 4 } }))],
    plugins: [thresholdPlugin(widget.annotations)],
  };
  const chart = new uPlot(options, columns(widget.data), target);
  charts.set(index, { chart, legend });
  legend.tBodies[0].replaceChildren(...legendRows(widget));
  return box;
}

function stateBadge(state) {
  return element('span', { class: `state state-${state}` }, state);
}

function alarmsWidget(widget, states) {
  const byName = new Map(states.map((alarm) => [alarm.name, alarm]));
  const rows = widget.alarms.map((name) => {
    const alarm = byName.get(name);
    return element('tr', { 'data-alarm': name, 'data-state': alarm?.state ?? 'unknown' }, element('td', {}, name), element('td', {}, stateBadge(alarm?.state ?? 'unknown')), element('td', {}, alarm?.since ?? ''));
  });
  return element('div', { class: 'widget alarms', style: `grid-column: span ${widget.width}` }, element('h3', {}, widget.title), element('table', {}, element('tbody', {}, ...rows)));
}

function render(state) {
  const status = document.getElementById('status');
  status.textContent = state.pending ?? `metrics at ${state.now}; ${state.alarms.filter((alarm) => alarm.state === 'ALARM').length} of ${state.alarms.length} alarms in ALARM`;
  const summary = document.getElementById('alarm-summary');
  summary.replaceChildren(
    ...state.alarms.map((alarm) => {
      const badge = stateBadge(alarm.state);
      const topics = alarm.notifies.map((topic) => topic.replace(/^.*-echo-ridge-/, ''));
      badge.textContent = `${alarm.name.replace(/^.*-echo-ridge-/, '')}${topics.length > 0 ? ` → ${topics.join(', ')}` : ''}`;
      badge.setAttribute('title', `${alarm.name}: ${alarm.state} since ${alarm.since}${alarm.notifies.length > 0 ? `; notifies ${alarm.notifies.join(', ')}` : ''}`);
      badge.setAttribute('data-alarm', alarm.name);
      badge.setAttribute('data-state', alarm.state);
      return badge;
    }),
  );
  const container = document.getElementById('widgets');
  if (charts.size === 0 && state.widgets.length > 0) {
    container.replaceChildren(
      ...state.widgets.map((widget, index) => {
        if (widget.type === 'graph') return graph(widget, index);
        if (widget.type === 'alarms') return alarmsWidget(widget, state.alarms);
        return element('div', { class: 'widget text', style: `grid-column: span ${widget.width}` }, widget.markdown.replace(/^# /, ''));
      }),
    );
  } else {
    state.widgets.forEach((widget, index) => {
      if (widget.type === 'graph') {
        const { chart, legend } = charts.get(index);
        chart.setData(columns(widget.data));
        legend.tBodies[0].replaceChildren(...legendRows(widget));
      }
      if (widget.type === 'alarms') container.children[index].replaceWith(alarmsWidget(widget, state.alarms));
    });
  }
  const batches = Array.isArray(state.batches) ? state.batches : [];
  document.querySelector('#batches tbody').replaceChildren(
    ...batches.map((batch) =>
      element(
        'tr',
        { 'data-batch': batch.batch_id },
        element('td', {}, batch.file.replace(/^incoming\//, '')),
        element('td', {}, batch.batch_id.slice(0, 12)),
        element('td', {}, batch.status),
        element('td', {}, element('progress', { max: String(Math.max(1, batch.chunk_count)), value: String(batch.chunks_done) }), ` ${batch.chunks_done}/${batch.chunk_count} chunks`),
        element('td', { class: 'number' }, String(batch.successful)),
        element('td', { class: 'number' }, String(batch.failed)),
      ),
    ),
  );
  document.querySelector('#keys tbody').replaceChildren(
    ...Object.entries(state.requestsPerKey).map(([key, count]) => element('tr', { 'data-key': key }, element('td', {}, key), element('td', { class: 'number' }, String(count)))),
  );
}

async function poll() {
  try {
    const response = await fetch('state.json', { cache: 'no-store' });
    render(await response.json());
  } catch (error) {
    document.getElementById('status').textContent = `the runtime does not answer: ${error.message}`;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
