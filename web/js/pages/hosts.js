// Hosts: paged, sorted and searched on the server (fine with 100,000 hosts).
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render, DataTable, Pager, debounce } from '../ui.js';
import { hostColumns, intParam } from './common.js';
import { countryName } from '../geo.js';

const SORTS = ['ip', 'bytes', 'sent', 'received', 'packets', 'first_seen', 'last_seen', 'flows', 'name', 'country', 'asn'];

function readParams(p) {
  return {
    page: intParam(p, 'page', 1),
    per_page: intParam(p, 'per_page', 50, 1, 1000),
    sort: SORTS.includes(p.get('sort')) ? p.get('sort') : 'bytes',
    order: p.get('order') === 'asc' ? 'asc' : p.get('order') === 'desc' ? 'desc' : (p.get('sort') === 'ip' ? 'asc' : 'desc'),
    filter: ['local', 'remote'].includes(p.get('filter')) ? p.get('filter') : '',
    q: p.get('q') || '',
    asn: /^\d+$/.test(p.get('asn') || '') ? p.get('asn') : '',
    country: /^([A-Za-z]{2}|--)$/.test(p.get('country') || '') ? p.get('country').toUpperCase() : '',
  };
}

export async function mount(ctx) {
  ctx.title = 'Hosts';
  let s = readParams(ctx.params);
  render(ctx.main, html`
    <h1>Hosts <span class="subtitle" id="hosts-count"></span></h1>
    <form class="toolbar" id="hosts-tools" autocomplete="off">
      <div class="segmented" role="group" aria-label="Local or remote">
        <button type="button" data-filter="">All</button>
        <button type="button" data-filter="local">Local</button>
        <button type="button" data-filter="remote">Remote</button>
      </div>
      <span id="hosts-geo-filter"></span>
      <input type="search" id="hosts-q" placeholder="Filter by address or name, e.g. 192.168. or example.com" aria-label="Filter hosts by address or name" value="${s.q}" spellcheck="false">
    </form>
    <section class="card flush" id="hosts-card"></section>`);

  const nowRef = { now: 0 };
  const table = new DataTable({
    columns: hostColumns(nowRef),
    sort: s.sort,
    order: s.order,
    empty: 'No host matches.',
    onSort: (sort, order) => go({ sort, order, page: 1 }),
  });
  const pager = new Pager({ onChange: (page, per_page) => go({ page, per_page }) });
  const card = ctx.main.querySelector('#hosts-card');
  card.append(table.el, pager.el);

  const setFilterButtons = () => {
    for (const b of ctx.main.querySelectorAll('[data-filter]')) b.setAttribute('aria-pressed', String(b.dataset.filter === s.filter));
  };
  setFilterButtons();
  // Drill-down from the AS and country pages: the filter shows, and goes away with its ×.
  const geoFilter = ctx.main.querySelector('#hosts-geo-filter');
  const showGeoFilter = () => {
    const chips = [];
    if (s.asn) chips.push(html`<span class="filter-chip" data-geo="asn">AS${s.asn} <button type="button" class="linkbutton" data-clear="asn" aria-label="Remove the AS filter">×</button></span>`);
    if (s.country) chips.push(html`<span class="filter-chip" data-geo="country">${s.country === '--' ? 'no country' : `${countryName(s.country)} (${s.country})`} <button type="button" class="linkbutton" data-clear="country" aria-label="Remove the country filter">×</button></span>`);
    render(geoFilter, html`${chips}`);
  };
  showGeoFilter();
  geoFilter.addEventListener('click', (ev) => {
    const b = ev.target.closest('[data-clear]');
    if (b) go({ [b.dataset.clear]: '', page: 1 });
  });
  ctx.main.querySelector('.segmented').addEventListener('click', (ev) => {
    const b = ev.target.closest('[data-filter]');
    if (b) go({ filter: b.dataset.filter, page: 1 });
  });
  ctx.main.querySelector('#hosts-tools').addEventListener('submit', (ev) => ev.preventDefault());
  const q = ctx.main.querySelector('#hosts-q');
  q.addEventListener('input', debounce(() => go({ q: q.value.trim(), page: 1 }, true), 300));

  function go(change, replace = false) {
    const next = { ...s, ...change };
    ctx.navigate({
      page: next.page > 1 ? next.page : '',
      per_page: next.per_page !== 50 ? next.per_page : '',
      sort: next.sort !== 'bytes' ? next.sort : '',
      order: next.order !== (next.sort === 'ip' ? 'asc' : 'desc') ? next.order : '',
      filter: next.filter,
      q: next.q,
      asn: next.asn,
      country: next.country,
    }, replace);
  }

  let seq = 0;
  const loop = ctx.every(1000, async () => {
    const mine = ++seq;
    const [doc, iface] = await Promise.all([
      api.get(`/interfaces/${ctx.iface}/hosts${api.query({ page: s.page, per_page: s.per_page, sort: s.sort, order: s.order, filter: s.filter, q: s.q, asn: s.asn, country: s.country })}`),
      api.get(`/interfaces/${ctx.iface}`),
    ]);
    if (mine !== seq || !ctx.alive) return;   // parameters changed meanwhile
    nowRef.now = iface.snapshot_time;
    table.setRows(doc.hosts);
    pager.update(doc.total, s.page, s.per_page);
    card.dataset.total = String(doc.total);
    card.dataset.page = String(s.page);
    ctx.main.querySelector('#hosts-count').textContent =
      `${fmt.count(doc.total)} ${s.filter ? `${s.filter} ` : ''}host${doc.total === 1 ? '' : 's'}${s.q ? ` matching “${s.q}”` : ''}${s.asn ? ` in AS${s.asn}` : ''}${s.country ? ` in ${s.country === '--' ? 'no country' : countryName(s.country)}` : ''}`;
  });

  return {
    update(params) {
      s = readParams(params);
      table.setSort(s.sort, s.order);
      setFilterButtons();
      showGeoFilter();
      if (document.activeElement !== q) q.value = s.q;
      seq++;
      loop.refresh();
    },
  };
}
