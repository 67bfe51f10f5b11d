// The live throughput chart (uPlot): bits per second and packets per second over the last
// five minutes, one point a second, computed from the interface's byte and packet counters.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import * as fmt from './format.js';

const KEEP = 300;

export class ThroughputChart {
  constructor(container) {
    this.container = container;
    this.data = [[], [], []];
    this.prev = null;
    const axisFont = '11px system-ui, sans-serif';
    this.plot = new uPlot({
      width: this.width(),
      height: 240,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true, range: (u, min, max) => (min == null ? [Date.now() / 1000 - 60, Date.now() / 1000] : [Math.min(min, max - 60), max]) }, bps: { range: (u, min, max) => [0, Math.max(1000, max * 1.1)] }, pps: { range: (u, min, max) => [0, Math.max(10, max * 1.1)] } },
      series: [
        { label: 'time', value: (u, v) => (v == null ? '–' : fmt.datetime(v).slice(11)) },
        { label: 'throughput', scale: 'bps', stroke: '#1d5fbf', width: 2, fill: 'rgba(29,95,191,0.10)', value: (u, v) => (v == null ? '–' : fmt.bps(v)), points: { show: false } },
        { label: 'packets', scale: 'pps', stroke: '#e07a1f', width: 1.5, value: (u, v) => (v == null ? '–' : fmt.pps(v)), points: { show: false } },
      ],
      axes: [
        { font: axisFont, stroke: '#555', grid: { stroke: '#eceff3' }, space: 70, values: (u, vals) => vals.map((v) => fmt.datetime(v).slice(11)) },
        { scale: 'bps', font: axisFont, stroke: '#1d5fbf', size: 84, values: (u, vals) => vals.map((v) => fmt.bps(v)), grid: { stroke: '#eceff3' } },
        { scale: 'pps', side: 1, font: axisFont, stroke: '#e07a1f', size: 60, values: (u, vals) => vals.map((v) => fmt.pps(v)), grid: { show: false } },
      ],
    }, this.data, container);
    this.onResize = () => this.plot.setSize({ width: this.width(), height: 240 });
    window.addEventListener('resize', this.onResize);
    container.dataset.points = '0';
  }

  width() { return Math.max(280, this.container.clientWidth || 600); }

  /**
   * Adds a sample of the interface: cumulative bytes and packets, the engine's clock (seconds)
   * and the browser's. Returns {bps, pps} or null for the first sample.
   */
  sample(bytes, packets, engineTime, wallTime) {
    const prev = this.prev;
    if (!prev) { this.prev = { bytes, packets, engineTime, wallTime }; return null; }
    const wall = wallTime - prev.wallTime;
    const engine = engineTime - prev.engineTime;
    // The same snapshot as last time: the packet thread has not published a newer one yet
    // (between packets of a slow capture file or stdin). Wait for it, up to 1.5 s; after that
    // the interface is idle (or the file is read to its end) and the rate is zero.
    if (engine <= 0 && wall < 1.5) return null;
    this.prev = { bytes, packets, engineTime, wallTime };
    // When the engine's clock runs like the wall clock (live sources, paced input) it measures
    // the interval between the two snapshots exactly; a capture file read at full speed runs
    // its packet clock far ahead, and then the rate is per second of wall time.
    const dt = engine > 0 && engine < 3 * wall ? engine : wall;
    if (dt <= 0) return null;
    const rate = {
      bps: Math.max(0, ((bytes - prev.bytes) * 8) / dt),
      pps: Math.max(0, (packets - prev.packets) / dt),
    };
    const [xs, b, p] = this.data;
    xs.push(wallTime); b.push(rate.bps); p.push(rate.pps);
    if (xs.length > KEEP) { xs.shift(); b.shift(); p.shift(); }
    this.plot.setData(this.data);
    this.container.dataset.points = String(xs.length);
    return rate;
  }

  destroy() {
    window.removeEventListener('resize', this.onResize);
    this.plot.destroy();
  }
}
