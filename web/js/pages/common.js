// Column sets shared by several pages.
import * as fmt from '../format.js';
import { html, breakdown, hostLink, badge } from '../ui.js';
import { countryLink, asLink, countryName } from '../geo.js';

/** Reading a page's integer parameter with bounds. */
export function intParam(params, name, def, min = 1, max = 1e9) {
  const n = Number(params.get(name));
  return Number.isInteger(n) && n >= min && n <= max ? n : def;
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
