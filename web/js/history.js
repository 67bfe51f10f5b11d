// Charts of the stored time series (uPlot over /api/v1/timeseries) and timelines of the local
// hosts' activity (/api/v1/interfaces/{id}/activity, one bit per second).
//
// HistoryChart: time ranges (5 min, 1 h, 1 day, 1 week, 1 month, custom), drag on the chart to
// zoom in, "Zoom out" to go back one step and "Latest" to return to the newest data; stacked
// charts for applications and L4 protocols; the summary line (total, average, 95th percentile,
// minimum and maximum with their times). Ranges end at the newest data (packet time for a
// capture file), not at the browser's clock.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import * as api from './api.js';
import * as fmt from './format.js';
import { html, render, hostLink } from './ui.js';

export const RANGES = [
  ['5 min', 300], ['1 h', 3600], ['1 day', 86400], ['1 week', 7 * 86400], ['1 month', 30 * 86400],
];
const COLORS = ['#1d5fbf', '#e07a1f', '#2a9d5c', '#b23a48', '#7b4fb5', '#1f9bb5', '#c5a200', '#6b7280', '#d45fa0', '#3d5a80', '#8c564b', '#17becf'];

const clock = (t) => fmt.datetime(t);
const shortClock = (t, span) => (span > 2 * 86400 ? fmt.datetime(t).slice(5, 16) : fmt.datetime(t).slice(11));

/** How a metric's values read: bytes as bits per second, packets per second, levels as counts. */
function formatter(doc) {
  if (doc.kind === 'gauge') return { value: (v) => fmt.count(v), amount: null, scale: (v) => v };
  if (doc.unit === 'bytes') return { value: (v) => fmt.bps(v), amount: (v) => fmt.bytes(v), scale: (v) => v * 8 };
  return { value: (v) => fmt.pps(v), amount: (v) => `${fmt.count(v)} ${doc.unit}`, scale: (v) => v };
}

function summaryLine(s, f) {
  if (!s || !s.points) return html`<span class="dim">No data in this range.</span>`;
  const parts = [];
  if (f.amount && s.total != null) parts.push(html`<span data-k="total">Total <b>${f.amount(s.total)}</b></span>`);
  parts.push(html`<span data-k="average">Average <b>${f.value(f.scale(s.average))}</b></span>`);
  parts.push(html`<span data-k="p95">95th percentile <b>${f.value(f.scale(s.p95))}</b></span>`);
  parts.push(html`<span data-k="min">Min <b>${f.value(f.scale(s.min.value))}</b> at ${clock(s.min.time)}</span>`);
  parts.push(html`<span data-k="max">Max <b>${f.value(f.scale(s.max.value))}</b> at ${clock(s.max.time)}</span>`);
  return parts.map((p, i) => html`${i ? ' · ' : ''}${p}`);
}

export class HistoryChart {
  /**
   * container: an empty element. opts: {entity, metrics: [{metric, label}], title, span,
   * empty}: metric "app:*" / "l4:*" draws a stacked chart.
   */
  constructor(container, opts) {
    this.el = container;
    this.opts = opts;
    this.metric = opts.metrics[0].metric;
    this.span = opts.span || 3600;
    this.range = null;        // {from, to} when zoomed or custom; null: the latest `span` seconds
    this.zoomStack = [];
    this.plot = null;
    this.seq = 0;
    this.alive = true;
    render(container, html`
      <div class="hist-head">
        <h2>${opts.title || 'History'}</h2>
        ${opts.metrics.length > 1 ? html`<select class="hist-metric" aria-label="Series">${opts.metrics.map((m) => html`<option value="${m.metric}">${m.label}</option>`)}</select>` : ''}
        <span class="hist-ranges" role="group" aria-label="Time range">
          ${RANGES.map(([label, s]) => html`<button type="button" class="chip" data-span="${s}">${label}</button>`)}
          <button type="button" class="chip" data-custom>custom</button>
        </span>
        <button type="button" class="chip hist-out" disabled title="Back to the range before the last zoom">Zoom out</button>
        <button type="button" class="chip hist-latest" title="The newest data">Latest</button>
      </div>
      <form class="hist-custom" hidden>
        <label>From <input type="datetime-local" step="1" name="from" required></label>
        <label>To <input type="datetime-local" step="1" name="to" required></label>
        <button type="submit" class="button">Show</button>
      </form>
      <div class="hist-range dim small"></div>
      <div class="chart hist-plot"></div>
      <p class="hist-summary small"></p>
      <p class="hist-hint dim small">Drag across the chart to zoom in.</p>`);
    this.q = (sel) => container.querySelector(sel);
    this.plotEl = this.q('.hist-plot');
    this.q('.hist-metric')?.addEventListener('change', (e) => { this.metric = e.target.value; this.load(); });
    for (const b of container.querySelectorAll('[data-span]')) {
      b.addEventListener('click', () => { this.span = Number(b.dataset.span); this.range = null; this.zoomStack = []; this.load(); });
    }
    this.q('[data-custom]').addEventListener('click', () => {
      const f = this.q('.hist-custom');
      f.hidden = !f.hidden;
      if (!f.hidden && this.shown) {
        f.from.value = toLocalInput(this.shown.from);
        f.to.value = toLocalInput(this.shown.to);
      }
    });
    this.q('.hist-custom').addEventListener('submit', (e) => {
      e.preventDefault();
      const f = e.target;
      const from = Math.floor(new Date(f.from.value).getTime() / 1000), to = Math.floor(new Date(f.to.value).getTime() / 1000);
      if (!(to > from)) return;
      this.zoomTo({ from, to });
    });
    this.q('.hist-out').addEventListener('click', () => {
      this.range = this.zoomStack.pop() || null;
      this.load();
    });
    this.q('.hist-latest').addEventListener('click', () => { this.range = null; this.zoomStack = []; this.load(); });
    this.onResize = () => this.plot && this.plot.setSize({ width: this.width(), height: 240 });
    window.addEventListener('resize', this.onResize);
    this.timer = setInterval(() => { if (!this.range && !document.hidden) this.load(); }, opts.refreshMs || 5000);
    this.load();
  }

  width() { return Math.max(280, this.plotEl.clientWidth || this.el.clientWidth || 600); }

  zoomTo(r) {
    this.zoomStack.push(this.range || (this.shown ? { ...this.shown } : null));
    this.range = r;
    this.load();
  }

  async load() {
    const seq = ++this.seq;
    const p = { entity: this.opts.entity, metric: this.metric };
    if (this.range) { p.from = this.range.from; p.to = this.range.to; } else { p.span = this.span; }
    if (this.metric.endsWith(':*')) p.top = 8;
    let doc;
    try {
      // Which series exist (a remote host has none; a new interface none yet): asked first, so
      // that a missing series is not a failed request.
      if (!this.metricsKnown) {
        const list = (await api.get(`/timeseries${api.query({ entity: this.opts.entity })}`)).metrics;
        if (list.length) this.metricsKnown = list;
      }
      const known = this.metricsKnown || [];
      const exists = this.metric.endsWith(':*') ? known.some((m) => m.startsWith(this.metric.slice(0, -1))) : known.includes(this.metric);
      if (!exists) {
        this.metricsKnown = null;  // asked again next time
        if (seq === this.seq && this.alive) this.draw(null);
        return;
      }
      doc = await api.get(`/timeseries${api.query(p)}`);
    } catch (e) {
      if (!this.alive || seq !== this.seq) return;
      this.draw(null, e instanceof api.ApiError ? e.message : String(e));
      return;
    }
    if (!this.alive || seq !== this.seq) return;
    this.draw(doc);
  }

  draw(doc, error) {
    for (const b of this.el.querySelectorAll('[data-span]')) b.classList.toggle('active', !this.range && Number(b.dataset.span) === this.span);
    this.q('.hist-out').disabled = this.zoomStack.length === 0;
    if (!doc) {
      this.destroyPlot();
      this.el.dataset.points = '0';
      render(this.plotEl, html`<p class="dim">${this.opts.empty || 'No stored series yet.'} ${error ? html`<span class="small">(${error})</span>` : ''}</p>`);
      render(this.q('.hist-summary'), '');
      render(this.q('.hist-range'), '');
      return;
    }
    this.shown = { from: doc.from, to: doc.to };
    this.el.dataset.from = String(doc.from);
    this.el.dataset.to = String(doc.to);
    this.el.dataset.step = String(doc.step);
    const f = formatter(doc);
    const stacked = Array.isArray(doc.series);
    const list = stacked ? doc.series : [{ metric: doc.metric, points: doc.points, summary: doc.summary }];
    // Align every series on one time axis.
    const times = [...new Set(list.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    const raw = list.map((s) => {
      const ys = new Array(times.length).fill(null);
      for (const [t, v] of s.points) ys[index.get(t)] = v == null ? null : f.scale(v);
      return ys;
    });
    // Stacked: each band is drawn at the sum of itself and those below; the legend shows its own value.
    const drawn = raw.map((ys, k) => (stacked ? ys.map((v, i) => (v == null ? null : raw.slice(0, k + 1).reduce((s, r) => s + (r[i] ?? 0), 0))) : ys));
    const known = raw.reduce((n, ys) => n + ys.filter((v) => v != null).length, 0);
    this.el.dataset.points = String(known);
    this.el.dataset.series = String(list.length);
    render(this.q('.hist-range'), html`${clock(doc.from)} – ${clock(doc.to)} · ${fmt.duration(doc.to - doc.from)} at ${fmt.duration(doc.step)} per point`);
    if (stacked) {
      render(this.q('.hist-summary'), list.length ? list.map((s, i) => html`${i ? ' · ' : ''}<span><span class="sw" style="background:${COLORS[i % COLORS.length]}"></span> ${s.metric.replace(/^(app|l4):/, '')} <b>${f.amount ? f.amount(s.summary.total) : ''}</b> (95th ${f.value(f.scale(s.summary.p95))})</span>`) : html`<span class="dim">No traffic in this range.</span>`);
    } else {
      render(this.q('.hist-summary'), summaryLine(doc.summary, f));
    }
    const span = doc.to - doc.from;
    const series = [{ label: 'time', value: (u, v) => (v == null ? '–' : clock(v)) }];
    list.forEach((s, k) => {
      const color = COLORS[k % COLORS.length];
      series.push({
        label: stacked ? s.metric.replace(/^(app|l4):/, '') : (this.opts.metrics.find((m) => m.metric === this.metric)?.label || s.metric),
        stroke: color, width: 1.5, fill: stacked ? color + '55' : color + '1a', points: { show: false },
        value: (u, v, si, i) => (i == null || raw[k][i] == null ? '–' : f.value(raw[k][i])),
      });
    });
    const data = [times, ...(stacked ? drawn.slice().reverse() : drawn)];
    if (stacked) series.splice(1, series.length - 1, ...series.slice(1).reverse());
    this.destroyPlot();
    render(this.plotEl, '');
    const axisFont = '11px system-ui, sans-serif';
    this.plot = new uPlot({
      width: this.width(),
      height: 240,
      cursor: { drag: { x: true, y: false, setScale: false } },
      select: { show: true },
      legend: { live: true },
      scales: { x: { time: true, range: () => [doc.from, doc.to] }, y: { range: (u, min, max) => [0, Math.max(1, (max || 0) * 1.1)] } },
      series,
      axes: [
        { font: axisFont, stroke: '#555', grid: { stroke: '#eceff3' }, space: 80, values: (u, vals) => vals.map((v) => shortClock(v, span)) },
        { font: axisFont, stroke: '#555', size: 84, grid: { stroke: '#eceff3' }, values: (u, vals) => vals.map((v) => f.value(v)) },
      ],
      hooks: {
        setSelect: [(u) => {
          const w = u.select.width;
          if (w < 5) return;
          const from = Math.floor(u.posToVal(u.select.left, 'x'));
          const to = Math.ceil(u.posToVal(u.select.left + w, 'x'));
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          if (to - from >= 2) this.zoomTo({ from, to });
        }],
      },
    }, data, this.plotEl);
  }

  destroyPlot() {
    if (this.plot) { this.plot.destroy(); this.plot = null; }
  }

  destroy() {
    this.alive = false;
    clearInterval(this.timer);
    window.removeEventListener('resize', this.onResize);
    this.destroyPlot();
  }
}

function toLocalInput(t) {
  const d = new Date(t * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Rows of 1-second activity, one per host: a canvas where each active second is lit.
 * hosts: [{host, ip, vlan, active_seconds, runs: [[first, length]]}]; [from, to] in seconds.
 */
export function drawActivity(container, hosts, from, to, { links = true } = {}) {
  const span = Math.max(1, to - from + 1);
  render(container, html`
    <div class="act-axis"><span>${clock(from)}</span><span>${fmt.duration(span)} · 1 second per ${span <= 1200 ? 'column' : `${Math.ceil(span / 1200)} columns`}</span><span>${clock(to)}</span></div>
    ${hosts.length ? '' : html`<p class="dim">No local host was active in this range.</p>`}
    ${hosts.map((h) => html`<div class="act-row" data-host="${h.host}" data-active="${h.active_seconds}">
      <span class="act-label">${links ? hostLink(h.ip) : html`<span class="mono">${h.ip}</span>`}${h.vlan ? html` <span class="dim">@${h.vlan}</span>` : ''}</span>
      <canvas class="act-canvas" height="14"></canvas>
      <span class="act-count num" title="active seconds">${fmt.duration(h.active_seconds)}</span></div>`)}`);
  const rows = container.querySelectorAll('.act-row');
  hosts.forEach((h, i) => {
    const c = rows[i].querySelector('canvas');
    const w = Math.max(100, Math.floor(c.clientWidth || 600));
    c.width = w;
    const g = c.getContext('2d');
    g.fillStyle = '#eef2f7';
    g.fillRect(0, 0, w, c.height);
    g.fillStyle = '#1d5fbf';
    const x = (t) => ((t - from) / span) * w;
    for (const [start, len] of h.runs) {
      const x0 = Math.floor(x(start));
      const x1 = Math.max(x0 + 1, Math.ceil(x(start + len)));
      g.fillRect(x0, 0, x1 - x0, c.height);
    }
  });
}
