// Column sets and list wiring shared by several pages.
import * as fmt from '../format.js';
import { html, breakdown, hostLink, badge, DataTable, Pager, debounce } from '../ui.js';
import { countryLink, asLink, countryName } from '../geo.js';

/** Reading a page's integer parameter with bounds. */
export function intParam(params, name, def, min = 1, max = 1e9) {
  const n = Number(params.get(name));
  return Number.isInteger(n) && n >= min && n <= max ? n : def;
}

/**
 * Paging, sorting and the search text of a list paged on the server (hosts, AS, countries), from
 * the page's URL parameters: 50 rows a page by bytes unless they say otherwise; a sort by
 * `ascSort` starts ascending, by any other of `sorts` descending.
 */
export function listParams(params, sorts, ascSort) {
  const order = params.get('order');
  return {
    page: intParam(params, 'page', 1),
    per_page: intParam(params, 'per_page', 50, 1, 1000),
    sort: sorts.includes(params.get('sort')) ? params.get('sort') : 'bytes',
    order: order === 'asc' ? 'asc' : order === 'desc' ? 'desc' : (params.get('sort') === ascSort ? 'asc' : 'desc'),
    q: params.get('q') || '',
  };
}

/**
 * The table, pager and search field of a list paged on the server: a sort, a page, a search
 * typed (300 ms later, replacing the history entry) and the page's own changes through `go`
 * become the page's URL, and the router hands its parameters to the page's update. The URL
 * leaves the defaults of listParams out and then gives `filters`, the page's other parameters
 * (the search `q` among them), in that order. `state()`: the page's current state; `table`: the
 * DataTable's options but its sort. Returns { table, pager, go, update(state) }.
 */
export function pagedList(ctx, { card, search, state, ascSort, filters, table: tableOptions }) {
  function go(change, replace = false) {
    const next = { ...state(), ...change };
    const params = {
      page: next.page > 1 ? next.page : '',
      per_page: next.per_page !== 50 ? next.per_page : '',
      sort: next.sort !== 'bytes' ? next.sort : '',
      order: next.order !== (next.sort === ascSort ? 'asc' : 'desc') ? next.order : '',
    };
    for (const name of filters) params[name] = next[name];
    ctx.navigate(params, replace);
  }
  const table = new DataTable({
    ...tableOptions,
    sort: state().sort,
    order: state().order,
    onSort: (sort, order) => go({ sort, order, page: 1 }),
  });
  const pager = new Pager({ onChange: (page, per_page) => go({ page, per_page }) });
  card.append(table.el, pager.el);
  search.form.addEventListener('submit', (ev) => ev.preventDefault());
  search.addEventListener('input', debounce(() => go({ q: search.value.trim(), page: 1 }, true), 300));
  return {
    table,
    pager,
    go,
    /** A new state from the URL: the sort arrows and the search field (unless being typed in) follow. */
    update(s) {
      table.setSort(s.sort, s.order);
      if (document.activeElement !== search) search.value = s.q;
    },
  };
}

export function flowInfo(f) {
  return f.url || f.server_name || f.info || '';
}

/** The flows table's columns (the API's sort keys in `sort`). */
export function flowColumns(l4names) {
  return [
    { label: '', cls: 'narrow', render: (f) => html`<a href="#/flow/${f.id}" class="detail" title="Flow details" aria-label="Details of flow ${f.id}">⌕</a>` },
    { label: 'Application', sort: 'app', firstOrder: 'asc', render: (f) => html`<a href="#/flows?app=${encodeURIComponent(f.app)}" title="${f.category}">${f.app}</a>` },
    { label: 'L4', render: (f) => fmt.l4name(f.l4_proto, l4names) },
    { label: 'Client', sort: 'client', firstOrder: 'asc', render: (f) => html`${hostLink(f.client_ip)}${f.client_port ? html`<span class="port">:${f.client_port}</span>` : ''}` },
    { label: 'Server', sort: 'server', firstOrder: 'asc', render: (f) => html`${hostLink(f.server_ip)}${f.server_port ? html`<span class="port">:${f.server_port}</span>` : ''}` },
    { label: 'Duration', sort: 'duration', cls: 'num', render: (f) => fmt.duration(f.duration) },
    { label: 'Client / server', cls: 'bar', title: 'bytes sent by the client and by the server', render: (f) => breakdown(f.cli2srv_bytes, f.srv2cli_bytes, ['client → server', 'server → client']) },
    { label: 'Throughput', sort: 'throughput', cls: 'num', render: (f) => fmt.bps(f.throughput_bps) },
    { label: 'Bytes', sort: 'bytes', cls: 'num', render: (f) => fmt.bytes(f.cli2srv_bytes + f.srv2cli_bytes) },
    { label: 'Info', cls: 'info', render: (f) => { const i = flowInfo(f); return html`<span class="ellipsis" title="${i}">${i}</span>`; } },
  ];
}

/** A host's name (its alias first) with where the name comes from in its tooltip. */
export function hostName(h) {
  if (h.alias) return html`<span class="ellipsis alias" title="alias set by an administrator">${h.alias}</span>`;
  if (!h.name) return '';
  const all = Object.entries(h.names || {}).map(([src, n]) => `${n} (${src.replace('_', ' ')})`).join('\n');
  return html`<span class="ellipsis" title="${all}">${h.name}</span>`;
}

/** Host table columns (API sort keys); now: the engine's clock, for ages. */
export function hostColumns(nowRef) {
  return [
    { label: 'IP address', sort: 'ip', firstOrder: 'asc', render: (h) => html`${hostLink(h.ip)}${h.vlan ? html` <span class="vlan">VLAN ${h.vlan}</span>` : ''}` },
    { label: 'Name', sort: 'name', firstOrder: 'asc', cls: 'hostname', render: (h) => hostName(h) },
    { label: 'Location', render: (h) => badge(h.local) },
    { label: 'Country', sort: 'country', firstOrder: 'asc', render: (h) => html`${countryLink(h.country)}${h.city ? html` <span class="dim small" title="${h.city}, ${countryName(h.country)}">${h.city}</span>` : ''}` },
    { label: 'AS', sort: 'asn', firstOrder: 'asc', cls: 'as', render: (h) => asLink(h.asn, h.as_name) },
    { label: 'Seen since', sort: 'first_seen', firstOrder: 'asc', render: (h) => html`<span title="${fmt.datetime(h.first_seen)}">${fmt.ago(h.first_seen, nowRef.now)}</span>` },
    { label: 'Last seen', sort: 'last_seen', render: (h) => html`<span title="${fmt.datetime(h.last_seen)}">${fmt.ago(h.last_seen, nowRef.now)}</span>` },
    { label: 'Sent', sort: 'sent', cls: 'num', render: (h) => fmt.bytes(h.sent.bytes) },
    { label: 'Received', sort: 'received', cls: 'num', render: (h) => fmt.bytes(h.received.bytes) },
    { label: 'Sent / received', cls: 'bar', render: (h) => breakdown(h.sent.bytes, h.received.bytes) },
    { label: 'Traffic', sort: 'bytes', cls: 'num', render: (h) => fmt.bytes(h.sent.bytes + h.received.bytes) },
    { label: 'Packets', sort: 'packets', cls: 'num', render: (h) => fmt.count(h.sent.packets + h.received.packets) },
    { label: 'Flows', sort: 'flows', cls: 'num', render: (h) => fmt.count(h.active_flows) },
  ];
}

/** L4 protocol names by number, from the API (cached per interface). */
const l4cache = new Map();
export async function l4Names(api, iface) {
  if (l4cache.has(iface)) return l4cache.get(iface);
  const list = await api.get(`/interfaces/${iface}/l4protocols`);
  const names = Object.fromEntries(list.map((p) => [p.proto, p.name]));
  l4cache.set(iface, names);
  return names;
}
