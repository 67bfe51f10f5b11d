// Autonomous systems and countries: entities with their own totals (hosts, flows, traffic sent
// and received by their hosts, applications), paged and sorted on the server, with drill-down
// to their hosts. One module, two pages (asns, countries) and their detail pages (asn, country).
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render, DataTable, breakdown, shareBar, tiles, facts } from '../ui.js';
import { listParams, pagedList } from './common.js';
import { countryName, countryLink, asLink, flag, attribution } from '../geo.js';

const SORTS = ['bytes', 'sent', 'received', 'hosts', 'flows', 'last_seen', 'name'];

export const KINDS = {
  asns: {
    title: 'Autonomous systems', one: 'autonomous system', many: 'autonomous systems', path: 'asns', list: 'asns', detail: 'asn',
    key: (e) => String(e.asn),
    label: (e) => asLink(e.asn, e.name),
    name: (e) => `AS${e.asn}${e.name ? ` ${e.name}` : ''}`,
    hostsFilter: (e) => ({ asn: e.asn }),
    placeholder: 'Filter by number or organisation',
  },
  countries: {
    title: 'Countries', one: 'country', many: 'countries', path: 'countries', list: 'countries', detail: 'country',
    key: (e) => e.country,
    label: (e) => html`${countryLink(e.country, e.name)} <span class="dim small">${e.name || countryName(e.country)}</span>`,
    name: (e) => `${flag(e.country)} ${e.name || countryName(e.country)} (${e.country})`,
    hostsFilter: (e) => ({ country: e.country }),
    placeholder: 'Filter by code, e.g. DE',
  },
};

function readParams(p) {
  return listParams(p, SORTS, 'name');
}

function hostsHref(kind, e) {
  return `#/hosts?${new URLSearchParams(KINDS[kind].hostsFilter(e)).toString()}`;
}

export function entityColumns(kind, totalRef) {
  const k = KINDS[kind];
  return [
    { label: k.one[0].toUpperCase() + k.one.slice(1), sort: 'name', firstOrder: 'asc', render: (e) => k.label(e) },
    { label: 'Hosts', sort: 'hosts', cls: 'num', render: (e) => html`<a href="${hostsHref(kind, e)}" title="Hosts of ${k.name(e)}">${fmt.count(e.hosts)}</a>` },
    { label: 'Flows', sort: 'flows', cls: 'num', render: (e) => fmt.count(e.flows) },
    { label: 'Sent', sort: 'sent', cls: 'num', render: (e) => fmt.bytes(e.sent.bytes) },
    { label: 'Received', sort: 'received', cls: 'num', render: (e) => fmt.bytes(e.received.bytes) },
    { label: 'Sent / received', cls: 'bar', render: (e) => breakdown(e.sent.bytes, e.received.bytes) },
    { label: 'Traffic', sort: 'bytes', cls: 'num', render: (e) => fmt.bytes(e.bytes) },
    { label: 'Share', cls: 'bar', render: (e) => shareBar(e.bytes, totalRef.total) },
    { label: 'Top applications', cls: 'info', render: (e) => html`<span class="ellipsis">${(e.applications || []).slice(0, 3).map((a) => a.name).join(', ')}</span>` },
  ];
}

export async function mountList(ctx, kind) {
  const k = KINDS[kind];
  ctx.title = k.title;
  let s = readParams(ctx.params);
  render(ctx.main, html`
    <h1>${k.title} <span class="subtitle" id="geo-count"></span></h1>
    <form class="toolbar" id="geo-tools" autocomplete="off">
      <input type="search" id="geo-q" placeholder="${k.placeholder}" aria-label="${k.placeholder}" value="${s.q}" spellcheck="false">
    </form>
    <section class="card flush" id="geo-card"></section>
    ${attribution()}`);
  const totalRef = { total: 0 };
  const card = ctx.main.querySelector('#geo-card');
  const list = pagedList(ctx, {
    card,
    search: ctx.main.querySelector('#geo-q'),
    state: () => s,
    ascSort: 'name',
    filters: ['q'],
    table: {
      columns: entityColumns(kind, totalRef),
      empty: `No ${k.one} yet (hosts get one from the GeoIP databases; see --geoip-dir).`,
      rowAttrs: (e) => `data-key="${k.key(e)}"`,
    },
  });
  const { table, pager } = list;
  let seq = 0;
  const loop = ctx.every(1000, async () => {
    const mine = ++seq;
    const [doc, iface] = await Promise.all([
      api.get(`/interfaces/${ctx.iface}/${k.path}${api.query(s)}`),
      api.get(`/interfaces/${ctx.iface}`),
    ]);
    if (mine !== seq || !ctx.alive) return;
    totalRef.total = iface.interface.bytes;
    table.setRows(doc[k.list]);
    pager.update(doc.total, s.page, s.per_page);
    card.dataset.total = String(doc.total);
    ctx.main.querySelector('#geo-count').textContent = `${fmt.count(doc.total)} ${doc.total === 1 ? k.one : k.many}`;
  });
  return {
    update(params) {
      s = readParams(params);
      list.update(s);
      seq++;
      loop.refresh();
    },
  };
}

export async function mountDetail(ctx, kind) {
  const k = KINDS[kind];
  const key = ctx.args[0] || '';
  ctx.title = key;
  render(ctx.main, html`
    <nav class="crumbs"><a href="#/${k.path}">${k.title}</a> › <span id="geo-name">${key}</span></nav>
    <h1 id="geo-title">${key}</h1>
    <div id="geo-missing" hidden class="card notice"></div>
    <div id="geo-body">
      <section class="tiles" id="geo-tiles"></section>
      <div class="grid2">
        <section class="card"><h2>Overview</h2><div id="geo-overview"></div></section>
        <section class="card"><h2>Applications</h2><div id="geo-apps"></div></section>
      </div>
      <section class="card"><h2>Hosts <a class="more" id="geo-hosts-link" href="#/hosts">all its hosts ›</a></h2><div id="geo-hosts"></div></section>
    </div>
    ${attribution()}`);
  const $ = (sel) => ctx.main.querySelector(sel);
  let appTotal = 0;
  const apps = new DataTable({
    empty: 'No decided application yet.',
    columns: [
      { label: 'Application', render: (a) => html`<a href="#/flows?app=${encodeURIComponent(a.name)}">${a.name}</a>` },
      { label: 'Share', cls: 'bar', render: (a) => shareBar(a.bytes, appTotal) },
      { label: 'Traffic', cls: 'num', render: (a) => fmt.bytes(a.bytes) },
      { label: 'Packets', cls: 'num', render: (a) => fmt.count(a.packets) },
    ],
  });
  const hosts = new DataTable({
    empty: 'No host now.',
    columns: [
      { label: 'Host', render: (h) => html`<a class="mono" href="#/host/${encodeURIComponent(h.ip)}">${h.ip}</a>` },
      { label: 'City', render: (h) => h.city || '' },
      { label: kind === 'asns' ? 'Country' : 'AS', render: (h) => (kind === 'asns' ? countryLink(h.country) : asLink(h.asn, h.as_name)) },
      { label: 'Sent / received', cls: 'bar', render: (h) => breakdown(h.sent.bytes, h.received.bytes) },
      { label: 'Traffic', cls: 'num', render: (h) => fmt.bytes(h.sent.bytes + h.received.bytes) },
    ],
  });
  $('#geo-apps').append(apps.el);
  $('#geo-hosts').append(hosts.el);
  ctx.every(1000, async () => {
    let e;
    try {
      e = await api.get(`/interfaces/${ctx.iface}/${k.path}/${encodeURIComponent(key)}`);
    } catch (err) {
      if (err instanceof api.ApiError && (err.status === 404 || err.status === 400)) {
        $('#geo-body').hidden = true;
        const m = $('#geo-missing');
        m.hidden = false;
        render(m, html`<p>${err.message}.</p>`);
        return;
      }
      throw err;
    }
    $('#geo-body').hidden = false;
    $('#geo-missing').hidden = true;
    const filter = k.hostsFilter(e);
    $('#geo-hosts-link').setAttribute('href', hostsHref(kind, e));
    $('#geo-title').textContent = k.name(e);
    $('#geo-name').textContent = k.name(e);
    ctx.title = k.name(e);
    render($('#geo-tiles'), tiles([
      ['Traffic', fmt.bytes(e.bytes), `${fmt.count(e.sent.packets + e.received.packets)} packets`, 'total'],
      ['Sent', fmt.bytes(e.sent.bytes), 'by its hosts', 'sent'],
      ['Received', fmt.bytes(e.received.bytes), 'by its hosts', 'received'],
      ['Hosts', fmt.count(e.hosts), `${fmt.count(e.hosts_seen)} seen`, 'hosts'],
      ['Flows', fmt.count(e.flows), 'seen', 'flows'],
    ]));
    render($('#geo-overview'), facts([
      kind === 'asns' ? ['AS number', `AS${e.asn}`] : ['Country code', e.country],
      ['Name', e.name || (kind === 'countries' ? countryName(e.country) : '–')],
      ['First seen', fmt.datetime(e.first_seen)],
      ['Last seen', fmt.datetime(e.last_seen)],
    ]));
    appTotal = (e.applications || []).reduce((s, a) => s + a.bytes, 0);
    apps.setRows(e.applications || []);
    const list = await api.get(`/interfaces/${ctx.iface}/hosts${api.query({ ...filter, per_page: 20 })}`);
    if (ctx.alive) hosts.setRows(list.hosts);
  });
}
