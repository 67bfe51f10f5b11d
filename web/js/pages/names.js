// Aggregations by name: the DNS names clients asked for, and the server names (TLS SNI, HTTP
// Host) they used. Paged, sorted and searched on the server; each row lists the hosts involved.
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render, DataTable, Pager, hostLink, debounce } from '../ui.js';
import { intParam } from './common.js';

const SORTS = ['hits', 'bytes', 'name', 'first_seen', 'last_seen', 'flows'];

function hostList(ips) {
  if (!ips || !ips.length) return '';
  return html`${ips.slice(0, 4).map((ip, i) => html`${i ? ', ' : ''}${hostLink(ip)}`)}${ips.length > 4 ? html` <span class="dim">+${ips.length - 4}</span>` : ''}`;
}

export async function mountNames(ctx, kind) {
  const dns = kind === 'dns_names';
  ctx.title = dns ? 'DNS names' : 'Server names';
  const read = (p) => ({
    page: intParam(p, 'page', 1),
    sort: SORTS.includes(p.get('sort')) ? p.get('sort') : 'hits',
    order: p.get('order') === 'asc' ? 'asc' : p.get('order') === 'desc' ? 'desc' : (p.get('sort') === 'name' ? 'asc' : 'desc'),
    q: p.get('q') || '',
  });
  let s = read(ctx.params);
  render(ctx.main, html`
    <h1>${ctx.title} <span class="subtitle" id="names-count"></span></h1>
    <p class="lead">${dns ? 'The names clients asked the DNS for, with the DNS flows that asked.' : 'The names clients asked servers for (TLS SNI, HTTP Host), with the traffic of those flows.'}</p>
    <form class="toolbar" id="names-tools" autocomplete="off">
      <input type="search" id="names-q" placeholder="Filter by name" aria-label="Filter by name" value="${s.q}" spellcheck="false">
    </form>
    <section class="card flush" id="names-card"></section>`);
  const nowRef = { now: 0 };
  const columns = [
    { label: 'Name', sort: 'name', firstOrder: 'asc', render: (n) => html`<a href="#/hosts?q=${encodeURIComponent(n.name)}" class="mono" title="Hosts known by this name">${n.name}</a>` },
    { label: 'Seen since', sort: 'first_seen', firstOrder: 'asc', render: (n) => html`<span title="${fmt.datetime(n.first_seen)}">${fmt.ago(n.first_seen, nowRef.now)}</span>` },
    { label: 'Last seen', sort: 'last_seen', render: (n) => html`<span title="${fmt.datetime(n.last_seen)}">${fmt.ago(n.last_seen, nowRef.now)}</span>` },
    { label: dns ? 'Queries (flows)' : 'Flows', sort: 'hits', cls: 'num', render: (n) => fmt.count(n.hits) },
    { label: 'Active flows', sort: 'flows', cls: 'num', render: (n) => fmt.count(n.active_flows) },
    { label: 'Traffic', sort: 'bytes', cls: 'num', render: (n) => fmt.bytes(n.bytes) },
    { label: 'Clients', render: (n) => hostList(n.clients) },
  ];
  if (!dns) columns.push({ label: 'Servers', render: (n) => hostList(n.servers) });
  const table = new DataTable({ columns, sort: s.sort, order: s.order, empty: 'No name yet.', onSort: (sort, order) => go({ sort, order, page: 1 }) });
  const pager = new Pager({ onChange: (page) => go({ page }) });
  const card = ctx.main.querySelector('#names-card');
  card.append(table.el, pager.el);
  ctx.main.querySelector('#names-tools').addEventListener('submit', (ev) => ev.preventDefault());
  const q = ctx.main.querySelector('#names-q');
  q.addEventListener('input', debounce(() => go({ q: q.value.trim(), page: 1 }, true), 300));
  function go(change, replace = false) {
    const n = { ...s, ...change };
    ctx.navigate({ page: n.page > 1 ? n.page : '', sort: n.sort !== 'hits' ? n.sort : '', order: n.order, q: n.q }, replace);
  }
  let seq = 0;
  const loop = ctx.every(1000, async () => {
    const mine = ++seq;
    const [doc, iface] = await Promise.all([
      api.get(`/interfaces/${ctx.iface}/${kind}${api.query({ page: s.page, sort: s.sort, order: s.order, q: s.q })}`),
      api.get(`/interfaces/${ctx.iface}`),
    ]);
    if (mine !== seq || !ctx.alive) return;
    nowRef.now = iface.snapshot_time;
    table.setRows(doc[kind]);
    pager.update(doc.total, s.page, doc.per_page);
    card.dataset.total = String(doc.total);
    ctx.main.querySelector('#names-count').textContent = `${fmt.count(doc.total)} name${doc.total === 1 ? '' : 's'}`;
  });
  return {
    update(params) {
      s = read(params);
      table.setSort(s.sort, s.order);
      if (document.activeElement !== q) q.value = s.q;
      seq++;
      loop.refresh();
    },
  };
}
