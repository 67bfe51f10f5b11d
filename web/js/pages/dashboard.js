// Dashboard: live throughput chart, headline counters, top talkers, top applications, top
// local and remote hosts.
import * as api from '../api.js';
import * as fmt from '../format.js';
import { ThroughputChart } from '../chart.js';
import { HistoryChart } from '../history.js';
import { html, render, tiles, breakdown, shareBar, hostLink, badge, DataTable } from '../ui.js';
import { asLink, countryLink } from '../geo.js';

export async function mount(ctx) {
  ctx.title = 'Dashboard';
  const id = ctx.iface;
  render(ctx.main, html`
    <h1>Dashboard <span class="subtitle" id="dash-iface"></span></h1>
    <section class="tiles" id="dash-tiles" aria-label="Counters"></section>
    <section class="card">
      <h2>Throughput <span class="now" id="dash-rate"></span></h2>
      <div class="chart" id="dash-chart" aria-label="Throughput of the last five minutes"></div>
    </section>
    <section class="card hist" id="dash-history"></section>
    <section class="card hist" id="dash-apps-history"></section>
    <div class="grid2">
      <section class="card"><h2>Top talkers <a class="more" href="#/hosts?sort=bytes">all hosts ›</a></h2><div id="dash-talkers"></div></section>
      <section class="card"><h2>Top applications <a class="more" href="#/applications">all applications ›</a></h2><div id="dash-apps"></div></section>
      <section class="card"><h2>Top local hosts <a class="more" href="#/hosts?filter=local">local hosts ›</a></h2><div id="dash-local"></div></section>
      <section class="card"><h2>Top remote hosts <a class="more" href="#/hosts?filter=remote">remote hosts ›</a></h2><div id="dash-remote"></div></section>
      <section class="card"><h2>Top ASNs <a class="more" href="#/asns">all ASNs ›</a></h2><div id="dash-asns"></div></section>
      <section class="card"><h2>Top senders <a class="more" href="#/hosts?sort=sent">all hosts ›</a></h2><div id="dash-senders"></div></section>
    </div>`);

  const chart = new ThroughputChart(ctx.main.querySelector('#dash-chart'));
  ctx.onDispose(() => chart.destroy());
  const history = new HistoryChart(ctx.main.querySelector('#dash-history'), {
    title: 'Traffic history', entity: `interface:${id}`, span: 3600,
    metrics: [{ metric: 'bytes', label: 'Throughput' }, { metric: 'packets', label: 'Packets' }],
  });
  const appHistory = new HistoryChart(ctx.main.querySelector('#dash-apps-history'), {
    title: 'Applications', entity: `interface:${id}`, span: 3600, refreshMs: 30000,
    metrics: [{ metric: 'app:*', label: 'Applications (stacked)' }],
  });
  ctx.onDispose(() => { history.destroy(); appHistory.destroy(); });

  const hostCols = [
    { label: 'Host', render: (h) => hostLink(h.ip) },
    { label: '', cls: 'narrow', render: (h) => badge(h.local) },
    { label: 'Sent / received', cls: 'bar', render: (h) => breakdown(h.sent.bytes ?? h.sent, h.received.bytes ?? h.received) },
    { label: 'Traffic', cls: 'num', render: (h) => fmt.bytes(h.bytes ?? h.sent.bytes + h.received.bytes) },
  ];
  const talkers = new DataTable({ columns: hostCols, empty: 'No hosts yet.' });
  const local = new DataTable({ columns: hostCols, empty: 'No local hosts.' });
  const remote = new DataTable({ columns: hostCols, empty: 'No remote hosts.' });
  let appTotal = 0;
  const apps = new DataTable({
    empty: 'No traffic yet.',
    columns: [
      { label: 'Application', render: (a) => html`<a href="#/flows?app=${encodeURIComponent(a.name)}">${a.name}</a>` },
      { label: 'Share', cls: 'bar', render: (a) => shareBar(a.bytes, appTotal) },
      { label: 'Traffic', cls: 'num', render: (a) => fmt.bytes(a.bytes) },
      { label: 'Flows', cls: 'num', render: (a) => fmt.count(a.flows) },
    ],
  });
  ctx.main.querySelector('#dash-talkers').append(talkers.el);
  ctx.main.querySelector('#dash-apps').append(apps.el);
  ctx.main.querySelector('#dash-local').append(local.el);
  ctx.main.querySelector('#dash-remote').append(remote.el);
  let asTotal = 0;
  const asns = new DataTable({
    empty: 'No AS yet (see --geoip-dir).',
    columns: [
      { label: 'AS', render: (a) => asLink(a.asn, a.name) },
      { label: 'Hosts', cls: 'num', render: (a) => html`<a href="#/hosts?asn=${a.asn}">${fmt.count(a.hosts)}</a>` },
      { label: 'Share', cls: 'bar', render: (a) => shareBar(a.bytes, asTotal) },
      { label: 'Traffic', cls: 'num', render: (a) => fmt.bytes(a.bytes) },
    ],
  });
  const senders = new DataTable({
    empty: 'No hosts yet.',
    columns: [
      { label: 'Host', render: (h) => hostLink(h.ip) },
      { label: '', cls: 'narrow', render: (h) => badge(h.local) },
      { label: 'Country', render: (h) => countryLink(h.country) },
      { label: 'Sent', cls: 'num', render: (h) => fmt.bytes(h.sent.bytes) },
    ],
  });
  ctx.main.querySelector('#dash-asns').append(asns.el);
  ctx.main.querySelector('#dash-senders').append(senders.el);

  const tilesEl = ctx.main.querySelector('#dash-tiles');
  const rateEl = ctx.main.querySelector('#dash-rate');
  let tick = 0;
  let rate = null, lastRate = null;

  ctx.every(1000, async () => {
    const doc = await api.get(`/interfaces/${id}`);
    const i = doc.interface;
    rate = chart.sample(i.bytes, i.packets, doc.snapshot_time, performance.now() / 1000 + performance.timeOrigin / 1000);
    if (rate) lastRate = rate;
    rate = lastRate;
    if (rate) rateEl.textContent = `${fmt.bps(rate.bps)} · ${fmt.pps(rate.pps)}`;
    ctx.main.querySelector('#dash-iface').textContent = i.name;
    const localHosts = doc.networks.reduce((s, n) => s + n.hosts, 0);
    render(tilesEl, tiles([
      ['Traffic', fmt.bytes(i.bytes), `${fmt.count(i.packets)} packets`, 'traffic'],
      ['Throughput', rate ? fmt.bps(rate.bps) : '…', rate ? fmt.pps(rate.pps) : 'measuring', 'throughput'],
      ['Hosts', fmt.count(i.hosts.active), `${fmt.count(localHosts)} local`, 'hosts'],
      ['Flows', fmt.count(i.flows.active), `${fmt.count(i.flows.created)} seen`, 'flows'],
      ['Applications', fmt.count(doc.applications.filter((a) => a.bytes).length), 'with traffic', 'apps'],
      ['Capture time', fmt.duration(i.last_packet - i.first_packet), i.last_packet ? fmt.datetime(i.last_packet) : 'no packet yet', 'span'],
    ]));
    // The tables change slower than the chart: every other second is plenty.
    if (tick++ % 2 === 0) {
      const [top, loc, rem] = await Promise.all([
        api.get(`/interfaces/${id}/top_talkers?n=10`),
        api.get(`/interfaces/${id}/hosts?filter=local&sort=bytes&per_page=8`),
        api.get(`/interfaces/${id}/hosts?filter=remote&sort=bytes&per_page=8`),
      ]);
      if (!ctx.alive) return;
      talkers.setRows(top.hosts);
      appTotal = doc.applications.reduce((s, a) => s + a.bytes, 0);
      apps.setRows(top.applications);
      local.setRows(loc.hosts);
      remote.setRows(rem.hosts);
      const [topAs, topSent] = await Promise.all([
        api.get(`/interfaces/${id}/asns?sort=bytes&per_page=8`),
        api.get(`/interfaces/${id}/hosts?sort=sent&per_page=8`),
      ]);
      if (!ctx.alive) return;
      asTotal = i.bytes;
      asns.setRows(topAs.asns);
      senders.setRows(topSent.hosts);
    }
  });
}
