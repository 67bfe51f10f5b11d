// Geo map: the located hosts with the most traffic and the largest flows between them, on a
// world map drawn in the browser from world-atlas's countries with d3 and topojson-client (all
// served by netlens: no tile server, no CDN). Countries are shaded by their hosts' traffic.
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render } from '../ui.js';
import { countryName, countryNumeric, attribution } from '../geo.js';

const scripts = new Map();
function loadScript(src) {
  if (!scripts.has(src)) {
    scripts.set(src, new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`cannot load ${src}`));
      document.head.append(s);
    }));
  }
  return scripts.get(src);
}

let atlas = null;
async function world() {
  await Promise.all([loadScript('vendor/d3/d3.min.js'), loadScript('vendor/topojson-client/topojson-client.min.js')]);
  if (!atlas) {
    const res = await fetch('vendor/world-atlas/countries-110m.json');
    if (!res.ok) throw new Error(`cannot load the world map (HTTP ${res.status})`);
    atlas = await res.json();
  }
  return { d3: window.d3, topojson: window.topojson, atlas };
}


export async function mount(ctx) {
  ctx.title = 'Geo map';
  render(ctx.main, html`
    <h1>Geo map <span class="subtitle" id="map-count"></span></h1>
    <form class="toolbar" id="map-tools" autocomplete="off">
      <label title="Local hosts with private addresses have no location: draw them (and their flows) here">Local hosts at
        <input type="text" id="map-home" placeholder="latitude, longitude" aria-label="Position of local hosts: latitude, longitude" spellcheck="false" size="22"></label>
      <span class="dim small" id="map-home-hint"></span>
    </form>
    <section class="card flush geomap-card">
      <div class="geomap" id="geomap" aria-label="World map of hosts and flows"></div>
      <div class="maptip" id="maptip" hidden></div>
    </section>
    <p class="legend"><span class="sw map-host"></span> host (size: traffic) <span class="sw map-local"></span> local host <span class="sw map-flow"></span> flow between located hosts · countries shaded by their hosts' traffic · scroll to zoom, drag to pan</p>
    ${attribution()}`);
  const { d3, topojson, atlas: topo } = await world();
  if (!ctx.alive) return;
  const el = ctx.main.querySelector('#geomap');
  const tip = ctx.main.querySelector('#maptip');
  const width = 960, height = 500;
  const svg = d3.select(el).append('svg').attr('viewBox', `0 0 ${width} ${height}`).attr('role', 'img');
  const projection = d3.geoNaturalEarth1().fitExtent([[4, 4], [width - 4, height - 4]], { type: 'Sphere' });
  const path = d3.geoPath(projection);
  const root = svg.append('g');
  root.append('path').attr('class', 'sphere').attr('d', path({ type: 'Sphere' }));
  const countries = topojson.feature(topo, topo.objects.countries).features;
  const countryPaths = root.append('g').attr('class', 'countries').selectAll('path').data(countries).join('path')
    .attr('class', 'country').attr('d', path).attr('data-name', (d) => d.properties.name);
  root.append('path').attr('class', 'borders').attr('d', path(topojson.mesh(topo, topo.objects.countries, (a, b) => a !== b)));
  const flowLayer = root.append('g').attr('class', 'flows');
  const hostLayer = root.append('g').attr('class', 'hosts');
  // Where local hosts without a location are drawn: kept in this browser.
  const HOME_KEY = 'netlens.geomap.home';
  const homeInput = ctx.main.querySelector('#map-home');
  const parseHome = (text) => {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text || '');
    if (!m) return null;
    const lat = Number(m[1]), lon = Number(m[2]);
    return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? `${lat},${lon}` : null;
  };
  let home = parseHome(localStorage.getItem(HOME_KEY));
  homeInput.value = home ? home.replace(',', ', ') : '';
  let loop = null;
  ctx.main.querySelector('#map-tools').addEventListener('submit', (ev) => ev.preventDefault());
  homeInput.addEventListener('change', () => {
    const next = parseHome(homeInput.value);
    const hint = ctx.main.querySelector('#map-home-hint');
    if (homeInput.value.trim() && !next) { hint.textContent = 'latitude, longitude in degrees, e.g. 48.85, 2.35'; return; }
    hint.textContent = '';
    home = next;
    if (home) localStorage.setItem(HOME_KEY, home); else localStorage.removeItem(HOME_KEY);
    loop?.refresh();
  });
  let scale = 1;
  svg.call(d3.zoom().scaleExtent([1, 12]).on('zoom', (ev) => {
    scale = ev.transform.k;
    root.attr('transform', ev.transform);
    hostLayer.selectAll('circle').attr('r', (d) => d.r / scale).attr('stroke-width', 1 / scale);
    flowLayer.selectAll('path').attr('stroke-width', (d) => d.w / scale);
  }));
  const showTip = (ev, text) => {
    tip.textContent = text;
    tip.hidden = false;
    const box = el.getBoundingClientRect();
    tip.style.left = `${ev.clientX - box.left + 12}px`;
    tip.style.top = `${ev.clientY - box.top + 12}px`;
  };
  const hideTip = () => { tip.hidden = true; };

  loop = ctx.every(2000, async () => {
    const [doc, ctry] = await Promise.all([
      api.get(`/interfaces/${ctx.iface}/geomap${api.query({ hosts: 500, flows: 300, home })}`),
      api.get(`/interfaces/${ctx.iface}/countries?per_page=300`),
    ]);
    if (!ctx.alive) return;
    ctx.main.querySelector('#map-count').textContent =
      `${fmt.count(doc.hosts.length)} of ${fmt.count(doc.hosts_located)} located hosts (${fmt.count(doc.hosts_total)} in all) · ${fmt.count(doc.flows.length)} flows`;
    // Countries: shade by traffic.
    // world-atlas names countries by ISO 3166-1 numeric code, the API by alpha-2.
    const byId = new Map(ctry.countries.map((c) => [countryNumeric(c.country), c]));
    const max = Math.max(1, ...ctry.countries.map((c) => c.bytes));
    countryPaths
      .classed('seen', (d) => byId.has(d.id))
      .attr('fill-opacity', (d) => { const c = byId.get(d.id); return c ? 0.25 + 0.6 * Math.sqrt(c.bytes / max) : null; })
      .on('mousemove', (ev, d) => {
        const c = byId.get(d.id);
        showTip(ev, c ? `${d.properties.name}: ${fmt.count(c.hosts)} hosts, ${fmt.bytes(c.bytes)}` : d.properties.name);
      })
      .on('mouseleave', hideTip)
      .on('click', (ev, d) => { const c = byId.get(d.id); if (c) location.hash = `#/country/${c.country}`; });
    // Flows as great-circle arcs.
    const maxFlow = Math.max(1, ...doc.flows.map((f) => f.bytes));
    const flows = doc.flows.map((f) => ({ ...f, w: 0.6 + 2.4 * Math.sqrt(f.bytes / maxFlow) }));
    flowLayer.selectAll('path').data(flows, (f) => f.id).join('path')
      .attr('class', 'flow')
      .attr('d', (f) => path({ type: 'LineString', coordinates: [[f.client[1], f.client[0]], [f.server[1], f.server[0]]] }))
      .attr('stroke-width', (f) => f.w / scale)
      .on('mousemove', (ev, f) => showTip(ev, `${f.client_ip} → ${f.server_ip}: ${f.app}, ${fmt.bytes(f.bytes)}`))
      .on('mouseleave', hideTip)
      .on('click', (ev, f) => { location.hash = `#/flow/${f.id}`; });
    // Hosts, largest last so that they are on top.
    const maxHost = Math.max(1, ...doc.hosts.map((h) => h.bytes));
    const hosts = doc.hosts.map((h) => ({ ...h, r: 2.5 + 7 * Math.sqrt(h.bytes / maxHost), xy: projection([h.longitude, h.latitude]) }))
      .filter((h) => h.xy).reverse();
    hostLayer.selectAll('circle').data(hosts, (h) => `${h.ip}|${h.vlan}`).join('circle')
      .attr('class', (h) => `host${h.local ? ' local' : ''}${h.at_home ? ' home' : ''}`)
      .attr('data-ip', (h) => h.ip)
      .attr('cx', (h) => h.xy[0]).attr('cy', (h) => h.xy[1])
      .attr('r', (h) => h.r / scale).attr('stroke-width', 1 / scale)
      .on('mousemove', (ev, h) => showTip(ev, `${h.ip} · ${[h.city, countryName(h.country)].filter(Boolean).join(', ')}${h.asn ? ` · AS${h.asn} ${h.as_name || ''}` : ''} · ${fmt.bytes(h.bytes)}`))
      .on('mouseleave', hideTip)
      .on('click', (ev, h) => { location.hash = `#/host/${encodeURIComponent(h.ip)}`; });
    el.dataset.hosts = String(hosts.length);
    el.dataset.flows = String(flows.length);
  });
}
