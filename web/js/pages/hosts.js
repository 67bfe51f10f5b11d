// Hosts: paged, sorted and searched on the server (fine with 100,000 hosts).
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render } from '../ui.js';
import { hostColumns, listParams, pagedList } from './common.js';
import { countryName } from '../geo.js';

const SORTS = ['ip', 'bytes', 'sent', 'received', 'packets', 'first_seen', 'last_seen', 'flows', 'name', 'country', 'asn'];

function readParams(p) {
  return {
    ...listParams(p, SORTS, 'ip'),
    filter: ['local', 'remote'].includes(p.get('filter')) ? p.get('filter') : '',
    asn: /^\d+$/.test(p.get('asn') || '') ? p.get('asn') : '',
    country: /^([A-Za-z]{2}|--)$/.test(p.get('country') || '') ? p.get('country').toUpperCase() : '',
    os: p.get('os') || '',   // drill-down from the operating systems page
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
      <input type="text" id="hosts-country" placeholder="Country" aria-label="Only hosts of this country (two-letter code)" value="${s.country}" size="7" maxlength="2" spellcheck="false">
      <input type="text" id="hosts-asn" placeholder="AS number" aria-label="Only hosts of this AS number" value="${s.asn}" size="9" inputmode="numeric" spellcheck="false">
      <span id="hosts-geo-filter"></span>
      <input type="search" id="hosts-q" placeholder="Filter by address or name, e.g. 192.168. or example.com" aria-label="Filter hosts by address or name" value="${s.q}" spellcheck="false">
    </form>
    <section class="card flush" id="hosts-card"></section>`);

  const nowRef = { now: 0 };
  const card = ctx.main.querySelector('#hosts-card');
  const list = pagedList(ctx, {
    card,
    search: ctx.main.querySelector('#hosts-q'),
    state: () => s,
    ascSort: 'ip',
    filters: ['filter', 'q', 'asn', 'country', 'os'],
    table: { columns: hostColumns(nowRef), empty: 'No host matches.' },
  });
  const { table, pager, go } = list;

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
  const countryInput = ctx.main.querySelector('#hosts-country');
  const asnInput = ctx.main.querySelector('#hosts-asn');
  // (A page being left may still get the change event of its focused field: ignored.)
  countryInput.addEventListener('change', () => {
    if (!ctx.alive || !countryInput.isConnected) return;
    const v = countryInput.value.trim().toUpperCase();
    if (v === '' || /^([A-Z]{2}|--)$/.test(v)) go({ country: v, page: 1 });
  });
  asnInput.addEventListener('change', () => {
    if (!ctx.alive || !asnInput.isConnected) return;
    const v = asnInput.value.trim().replace(/^AS/i, '');
    if (v === '' || /^\d+$/.test(v)) go({ asn: v, page: 1 });
  });
  geoFilter.addEventListener('click', (ev) => {
    const b = ev.target.closest('[data-clear]');
    if (b) go({ [b.dataset.clear]: '', page: 1 });
  });
  ctx.main.querySelector('.segmented').addEventListener('click', (ev) => {
    const b = ev.target.closest('[data-filter]');
    if (b) go({ filter: b.dataset.filter, page: 1 });
  });
  let seq = 0;
  const loop = ctx.every(1000, async () => {
    const mine = ++seq;
    const [doc, iface] = await Promise.all([
      api.get(`/interfaces/${ctx.iface}/hosts${api.query({ page: s.page, per_page: s.per_page, sort: s.sort, order: s.order, filter: s.filter, q: s.q, asn: s.asn, country: s.country, os: s.os })}`),
      api.get(`/interfaces/${ctx.iface}`),
    ]);
    if (mine !== seq || !ctx.alive) return;   // parameters changed meanwhile
    nowRef.now = iface.snapshot_time;
    table.setRows(doc.hosts);
    pager.update(doc.total, s.page, s.per_page);
    card.dataset.total = String(doc.total);
    card.dataset.page = String(s.page);
    ctx.main.querySelector('#hosts-count').textContent =
      `${fmt.count(doc.total)} ${s.filter ? `${s.filter} ` : ''}host${doc.total === 1 ? '' : 's'}${s.q ? ` matching “${s.q}”` : ''}${s.asn ? ` in AS${s.asn}` : ''}${s.country ? ` in ${s.country === '--' ? 'no country' : countryName(s.country)}` : ''}${s.os ? ` running ${s.os}` : ''}`;
  });

  return {
    update(params) {
      s = readParams(params);
      list.update(s);
      setFilterButtons();
      showGeoFilter();
      if (document.activeElement !== countryInput) countryInput.value = s.country;
      if (document.activeElement !== asnInput) asnInput.value = s.asn;
      seq++;
      loop.refresh();
    },
  };
}
