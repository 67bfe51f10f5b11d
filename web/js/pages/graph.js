// Hosts interaction graph: the top hosts by traffic on a circle, an edge for every pair that
// has flows between them (width: bytes), built from each top host's flows. SVG drawn here.
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render, raw, esc } from '../ui.js';
import { intParam } from './common.js';

const SIZE = 900, CENTER = SIZE / 2, RADIUS = 285;

/** Runs the tasks with at most `limit` at a time. */
async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function buildGraph(iface, n, signalAlive) {
  const top = await api.get(`/interfaces/${iface}/hosts?sort=bytes&order=desc&per_page=${n}`);
  const hosts = top.hosts;
  const index = new Map(hosts.map((h, i) => [h.ip, i]));
  const edges = new Map();
  const seen = new Set();
  await pool(hosts, 6, async (h) => {
    if (!signalAlive()) return;
    const doc = await api.get(`/interfaces/${iface}/flows?host=${encodeURIComponent(h.ip)}&sort=bytes&per_page=1000`);
    for (const f of doc.flows) {
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      const a = index.get(f.client_ip), b = index.get(f.server_ip);
      if (a === undefined || b === undefined || a === b) continue;
      const key = a < b ? `${a}-${b}` : `${b}-${a}`;
      const e = edges.get(key) || { a: Math.min(a, b), b: Math.max(a, b), bytes: 0, flows: 0, apps: new Map() };
      const bytes = f.cli2srv_bytes + f.srv2cli_bytes;
      e.bytes += bytes;
      e.flows += 1;
      e.apps.set(f.app, (e.apps.get(f.app) || 0) + bytes);
      edges.set(key, e);
    }
  });
  return { hosts, edges: [...edges.values()] };
}

function draw(svg, g) {
  const { hosts, edges } = g;
  const n = hosts.length;
  if (!n) { render(svg, html`<text x="${CENTER}" y="${CENTER}" text-anchor="middle" class="g-empty">No hosts yet.</text>`); return; }
  // Local hosts on one side of the circle, remote ones on the other, each by traffic.
  const order = hosts.map((h, i) => i).sort((x, y) => (hosts[y].local - hosts[x].local) || 0);
  const pos = new Array(n);
  order.forEach((hi, k) => {
    const ang = (2 * Math.PI * k) / n - Math.PI / 2;
    pos[hi] = { x: CENTER + RADIUS * Math.cos(ang), y: CENTER + RADIUS * Math.sin(ang), ang };
  });
  const maxHost = Math.max(1, ...hosts.map((h) => h.sent.bytes + h.received.bytes));
  const maxEdge = Math.max(1, ...edges.map((e) => e.bytes));
  const edgeEls = edges.sort((x, y) => x.bytes - y.bytes).map((e) => {
    const p = pos[e.a], q = pos[e.b];
    // Curves pulled toward the centre keep the picture readable.
    const cx = (p.x + q.x) / 2 * 0.35 + CENTER * 0.65, cy = (p.y + q.y) / 2 * 0.35 + CENTER * 0.65;
    const w = 1 + 7 * Math.sqrt(e.bytes / maxEdge);
    const apps = [...e.apps.entries()].sort((x, y) => y[1] - x[1]).slice(0, 4).map(([k]) => k).join(', ');
    const title = `${hosts[e.a].ip} ↔ ${hosts[e.b].ip}: ${fmt.bytes(e.bytes)} in ${fmt.count(e.flows)} flow${e.flows === 1 ? '' : 's'} (${apps})`;
    return `<path class="g-edge" data-a="${e.a}" data-b="${e.b}" d="M${p.x.toFixed(1)},${p.y.toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${q.x.toFixed(1)},${q.y.toFixed(1)}" stroke-width="${w.toFixed(2)}"><title>${esc(title)}</title></path>`;
  });
  const degree = new Array(n).fill(0);
  for (const e of edges) { degree[e.a]++; degree[e.b]++; }
  const nodeEls = hosts.map((h, i) => {
    const p = pos[i];
    const total = h.sent.bytes + h.received.bytes;
    const r = 5 + 15 * Math.sqrt(total / maxHost);
    const deg = (p.ang * 180) / Math.PI;
    const flip = Math.cos(p.ang) < 0;
    const lx = p.x + (r + 6) * Math.cos(p.ang), ly = p.y + (r + 6) * Math.sin(p.ang);
    const title = `${h.ip} (${h.local ? 'local' : 'remote'}): ${fmt.bytes(total)}, sent ${fmt.bytes(h.sent.bytes)}, received ${fmt.bytes(h.received.bytes)}; talks with ${degree[i]} of these hosts`;
    return `<a href="#/host/${encodeURIComponent(h.ip)}" class="g-node ${h.local ? 'local' : 'remote'}" data-i="${i}" data-ip="${esc(h.ip)}">` +
      `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${r.toFixed(1)}"><title>${esc(title)}</title></circle>` +
      `<text x="${lx.toFixed(1)}" y="${ly.toFixed(1)}" transform="rotate(${(flip ? deg + 180 : deg).toFixed(1)} ${lx.toFixed(1)} ${ly.toFixed(1)})" text-anchor="${flip ? 'end' : 'start'}" dominant-baseline="middle">${esc(h.ip)}</text></a>`;
  });
  render(svg, raw(`<g class="g-edges">${edgeEls.join('')}</g><g class="g-nodes">${nodeEls.join('')}</g>`));
}

export async function mount(ctx) {
  ctx.title = 'Hosts graph';
  const n = intParam(ctx.params, 'n', 30, 2, 100);
  render(ctx.main, html`
    <h1>Who talks to whom <span class="subtitle" id="graph-info"></span></h1>
    <form class="toolbar" id="graph-tools">
      <label>Top hosts <select name="n">${[10, 20, 30, 50, 100].map((v) => html`<option ${raw(v === n ? 'selected' : '')}>${v}</option>`)}</select></label>
      <span class="legend"><span class="sw local"></span> local <span class="sw remote"></span> remote · circle: host traffic · line: traffic between the two</span>
    </form>
    <section class="card graph-card"><svg id="graph" viewBox="0 0 ${SIZE} ${SIZE}" role="img" aria-label="Hosts interaction graph" preserveAspectRatio="xMidYMid meet"></svg></section>`);
  const svg = ctx.main.querySelector('#graph');
  ctx.main.querySelector('#graph-tools').addEventListener('change', (ev) => ctx.navigate({ n: ev.target.value }));
  ctx.main.querySelector('#graph-tools').addEventListener('submit', (ev) => ev.preventDefault());
  // Hovering a host lights its edges.
  svg.addEventListener('mouseover', (ev) => {
    const node = ev.target.closest('.g-node');
    if (!node) return;
    const i = node.dataset.i;
    svg.classList.add('focus');
    for (const p of svg.querySelectorAll('.g-edge')) p.classList.toggle('on', p.dataset.a === i || p.dataset.b === i);
    node.classList.add('on');
  });
  svg.addEventListener('mouseout', (ev) => {
    if (!ev.target.closest('.g-node')) return;
    svg.classList.remove('focus');
    for (const el of svg.querySelectorAll('.on')) el.classList.remove('on');
  });
  let first = true;
  // n + 1 requests per refresh: every 5 seconds is enough for a picture.
  ctx.every(5000, async () => {
    if (svg.classList.contains('focus') && !first) return;   // do not redraw under the pointer
    const g = await buildGraph(ctx.iface, n, () => ctx.alive);
    if (!ctx.alive) return;
    first = false;
    draw(svg, g);
    svg.dataset.nodes = String(g.hosts.length);
    svg.dataset.edges = String(g.edges.length);
    ctx.main.querySelector('#graph-info').textContent = `${g.hosts.length} hosts, ${g.edges.length} links`;
  });
}
