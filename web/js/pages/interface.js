// Interface summary: totals, IP versions, L4 protocols, non-IP frames, decode errors, drops,
// the flow and host tables' counters, what feeds a flow collector and where flows are exported.
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render, facts, tiles, shareBar } from '../ui.js';
import { l4Names } from './common.js';
import { HistoryChart } from '../history.js';

const LABELS = {
  arp: 'ARP', lldp: 'LLDP', stp: 'STP', lacp: 'LACP', ipx: 'IPX', pppoe_discovery: 'PPPoE discovery', other: 'other',
  too_short: 'too short', unsupported_link_type: 'unsupported link type', bad_link_header: 'bad link header',
  bad_ip_header: 'bad IP header', truncated_ip: 'truncated IP', bad_ipv6_ext_header: 'bad IPv6 extension header',
  ip_fragment: 'IP fragment (not first)', bad_tunnel: 'bad tunnel',
};
const label = (k) => LABELS[k] || k.replace(/_/g, ' ');

function trafficTable(rows, totalBytes, id) {
  return html`<table class="data compact" id="${id}"><thead><tr><th></th><th class="num">Packets</th><th class="num">Bytes</th><th class="bar">Share</th></tr></thead><tbody>${
    rows.map(([name, t]) => html`<tr><th scope="row">${name}</th><td class="num">${fmt.count(t.packets)}</td><td class="num">${fmt.bytes(t.bytes)}</td><td class="bar">${shareBar(t.bytes, totalBytes)}</td></tr>`)
  }</tbody></table>`;
}

function counterTable(obj, id, empty) {
  const rows = Object.entries(obj);
  const any = rows.some(([, v]) => (typeof v === 'object' ? v.packets : v));
  return html`<table class="data compact" id="${id}"><tbody>${rows.map(([k, v]) => {
    const n = typeof v === 'object' ? v.packets : v;
    return html`<tr class="${n ? '' : 'zero'}"><th scope="row">${label(k)}</th><td class="num">${fmt.count(n)}</td>${typeof v === 'object' ? html`<td class="num">${fmt.bytes(v.bytes)}</td>` : ''}</tr>`;
  })}</tbody></table>${any ? '' : html`<p class="dim small">${empty}</p>`}`;
}

function tableCounters(t) {
  return facts([
    ['Active', fmt.count(t.active)], ['Created', fmt.count(t.created)], ['Expired', fmt.count(t.expired)],
    ['Evicted (table full)', fmt.count(t.evicted)], ['Dropped (table full)', fmt.count(t.dropped)],
  ]);
}

// What feeds a flow collector (netflow://, sflow://, tcp:// for ZMQ probes): its totals, one row
// per peer (NetFlow: exporter, sFlow: agent, ZMQ: probe), and the interface counters sFlow agents
// report. The columns past the traffic are the kind's own: templates, samples, or the ZMQ
// messages skipped by reason.
const PEER_COLUMNS = {
  netflow: [['templates', 'Templates'], ['template_errors', 'Template errors'], ['unknown_template_sets', 'Unknown template sets']],
  sflow: [['counter_samples', 'Counter samples'], ['skipped_records', 'Skipped records']],
  zmq: [['bad_header', 'Bad header'], ['bad_json', 'Bad JSON'], ['bad_compression', 'Bad zlib'], ['too_large', 'Too large'],
    ['unsupported', 'TLV'], ['other_topics', 'Other topics']],
};

function collectorSection(c) {
  if (!c) return '';
  const sflow = c.kind === 'sflow';
  const zmq = c.kind === 'zmq';
  const unit = zmq ? 'Messages' : 'Datagrams';
  const own = PEER_COLUMNS[c.kind] || [];
  const lost = (e) => (e.lost_flows ? `${fmt.count(e.lost_flows)} flows` : '') + (e.lost_flows && e.lost_messages ? ', ' : '') +
    (e.lost_messages ? `${fmt.count(e.lost_messages)} ${unit.toLowerCase()}` : '') || '0';
  const peers = html`<div class="tablewrap"><table class="data compact" id="if-peers"><thead><tr>
      <th>${sflow ? 'Agent' : zmq ? 'Probe' : 'Exporter'}</th><th>Versions</th><th>${sflow ? 'Sub-agents' : zmq ? 'Source ids' : 'Domains'}</th>
      <th class="num">${unit}</th><th class="num">${sflow ? 'Samples' : 'Flows'}</th><th class="num">Packets</th><th class="num">Bytes</th>
      ${own.map(([, title]) => html`<th class="num">${title}</th>`)}
      <th class="num">Malformed</th><th class="num">Lost</th><th>Last seen</th></tr></thead><tbody>${
    c.peers.map((e) => html`<tr data-peer="${e.address}"><th scope="row" class="mono">${e.address}</th>
      <td>${e.versions.map((v) => (v === 10 && !zmq ? 'IPFIX' : sflow ? `sFlow v${v}` : `v${v}`)).join(', ')}</td><td class="mono">${e.domains.join(', ')}</td>
      <td class="num">${fmt.count(e.messages)}</td><td class="num">${fmt.count(e.flows)}</td><td class="num">${fmt.count(e.packets)}</td><td class="num">${fmt.bytes(e.bytes)}</td>
      ${own.map(([k]) => html`<td class="num">${fmt.count(e[k])}</td>`)}
      <td class="num" title="${e.last_error || ''}">${fmt.count(e.malformed)}</td><td class="num">${lost(e)}</td><td>${fmt.datetime(e.last_seen)}</td></tr>`)
  }</tbody></table></div>${c.peers.length ? '' : html`<p class="dim small">No ${zmq ? 'message' : 'datagram'} received yet.</p>`}`;
  const agentIfaces = !sflow ? '' : html`<h2>Agent interfaces</h2><table class="data compact" id="if-agent-interfaces"><thead><tr>
      <th>Agent</th><th class="num">ifIndex</th><th class="num">Speed</th><th>Status</th><th class="num">In</th><th class="num">Out</th>
      <th class="num">In errors / discards</th><th class="num">Out errors / discards</th><th>Last seen</th></tr></thead><tbody>${
    c.interfaces.map((i) => html`<tr><th scope="row" class="mono">${i.agent}</th><td class="num">${i.if_index}</td><td class="num">${fmt.bps(i.if_speed)}</td>
      <td>${i.oper_up ? 'up' : 'down'}${i.admin_up ? '' : ' (admin down)'}</td><td class="num">${fmt.bytes(i.in.octets)}</td><td class="num">${fmt.bytes(i.out.octets)}</td>
      <td class="num">${fmt.count(i.in.errors)} / ${fmt.count(i.in.discards)}</td><td class="num">${fmt.count(i.out.errors)} / ${fmt.count(i.out.discards)}</td><td>${fmt.datetime(i.last_seen)}</td></tr>`)
  }</tbody></table>`;
  const totals = [
    [unit, `${fmt.count(c.messages)} (${fmt.bytes(c.bytes)})`], [sflow ? 'Flow samples' : 'Flow records', fmt.count(c.flows)],
    [`Malformed ${unit.toLowerCase()}`, fmt.count(c.malformed)],
    ...(zmq ? [['Flow messages', fmt.count(c.flow_messages)], ...own.map(([k, title]) => [title, fmt.count(c[k])]),
      ['Lost messages', fmt.count(c.lost_messages)]]
      : [['Socket drops', fmt.count(c.socket_drops)], ['Receive buffer', fmt.bytes(c.receive_buffer_bytes)]]),
    ...(c.peers_not_kept ? [[`${unit} of peers not kept`, fmt.count(c.peers_not_kept)]] : []),
  ];
  return html`<section class="card" id="if-collector"><h2>${sflow ? 'sFlow agents' : zmq ? 'ZMQ probes' : 'Flow exporters'} <span class="subtitle mono">${c.listen}</span></h2>
    ${facts(totals)}${peers}${agentIfaces}</section>`;
}

// Where the interface's flows go (--zmq-export, --netflow-export): one row per exporter, what it
// is and what became of the flows handed to it.
function exportSection(list) {
  if (!list || !list.length) return '';
  const kind = (e) => (e.kind === 'zmq' ? 'ZMQ JSON' : e.version === 10 ? 'IPFIX' : `NetFlow v${e.version}`);
  const how = (e) => (e.kind === 'zmq' ? [e.connect ? 'connects' : 'binds', e.encrypted ? 'CURVE' : '', `${e.subscribers} subscribed`]
    : [e.round_robin ? 'round-robin' : '']).filter(Boolean).join(', ');
  const n = (v) => (v === undefined ? '' : fmt.count(v));
  return html`<section class="card" id="if-export"><h2>Flow export</h2><div class="tablewrap"><table class="data compact" id="if-export-table"><thead><tr>
      <th>Exporter</th><th>Destinations</th><th class="num">Flows</th><th class="num">Sent</th><th class="num">Records</th>
      <th class="num">Messages</th><th class="num">Queue full</th><th class="num">No subscriber</th><th class="num">Send errors</th>
      <th class="num">Queued</th></tr></thead><tbody>${
    list.map((e) => html`<tr data-export="${e.kind}"><th scope="row">${kind(e)}</th>
      <td><span class="mono">${e.destinations.join(', ')}</span> <span class="dim small">${how(e)}</span></td>
      <td class="num">${n(e.flows)}</td><td class="num">${n(e.flows_sent)}</td><td class="num">${n(e.records_sent)}</td>
      <td class="num">${n(e.messages)}</td><td class="num">${n(e.dropped_queue_full)}</td><td class="num">${n(e.no_subscriber)}</td>
      <td class="num">${n(e.send_errors)}</td><td class="num">${n(e.queued)}</td></tr>`)
  }</tbody></table></div></section>`;
}

// CPU time of the thread that reads and processes the interface's input (status API).
function threadCpu(status, iface) {
  const me = (status.interfaces || []).find((x) => String(x.id) === String(iface));
  return me && me.packet_thread_cpu !== undefined ? `${me.packet_thread_cpu.toFixed(3)} s` : '-';
}

export async function mount(ctx) {
  ctx.title = 'Interface';
  render(ctx.main, html`<h1>Interface <span class="subtitle mono" id="if-name"></span></h1>
    <section class="card hist" id="if-history"></section><div id="if-body"></div>`);
  const history = new HistoryChart(ctx.main.querySelector('#if-history'), {
    title: 'History', entity: `interface:${ctx.iface}`, span: 3600,
    metrics: [
      { metric: 'bytes', label: 'Throughput' }, { metric: 'packets', label: 'Packets' },
      { metric: 'app:*', label: 'Applications (stacked)' }, { metric: 'l4:*', label: 'L4 protocols (stacked)' },
      { metric: 'flows', label: 'Active flows' }, { metric: 'hosts', label: 'Active hosts' },
      { metric: 'local_hosts', label: 'Active local hosts' }, { metric: 'drops', label: 'Drops' },
    ],
  });
  ctx.onDispose(() => history.destroy());
  const l4 = await l4Names(api, ctx.iface);
  const body = ctx.main.querySelector('#if-body');
  ctx.every(1000, async () => {
    const [doc, status] = await Promise.all([api.get(`/interfaces/${ctx.iface}`), api.get('/status')]);
    const i = doc.interface;
    ctx.main.querySelector('#if-name').textContent = i.name;
    const drops = i.drops.kernel + i.drops.interface + i.drops.engine;
    const errors = Object.values(i.decode_errors).reduce((s, v) => s + v, 0);
    const nonIp = Object.values(i.non_ip).reduce((s, v) => s + v.packets, 0);
    render(body, html`
      <section class="tiles">${tiles([
        ['Packets', fmt.count(i.packets), fmt.bytes(i.bytes), 'packets'],
        ['Throughput', fmt.bps(i.throughput.bps), fmt.pps(i.throughput.pps), 'throughput'],
        ['Non-IP frames', fmt.count(nonIp), 'counted, not traffic', 'nonip'],
        ['Decode errors', fmt.count(errors), 'malformed frames', 'errors'],
        ['Drops', fmt.count(drops), 'capture and engine', 'drops'],
      ])}</section>
      <div class="grid2">
        <section class="card"><h2>Totals</h2>${facts([
          ['Source', html`<span class="mono">${i.name}</span>`],
          ['Packets', fmt.count(i.packets)],
          ['Bytes', `${fmt.bytes(i.bytes)} (${fmt.count(i.bytes)} B)`],
          ['First packet', fmt.datetime(i.first_packet)],
          ['Last packet', fmt.datetime(i.last_packet)],
          ['Capture span', fmt.duration(i.last_packet - i.first_packet)],
          ['Packets inspected by nDPI', fmt.count(i.inspected_packets)],
          ['nDPI reloads', `${fmt.count(i.ndpi_reloads)}${i.ndpi_reload_failures ? ` (${fmt.count(i.ndpi_reload_failures)} failed)` : ''}`],
          ['Packet thread CPU', threadCpu(status, ctx.iface)],
          ['netlens', `${status.version}, up ${fmt.duration(status.uptime)}, ${fmt.bytes(status.resident_memory_bytes)} resident`],
        ])}</section>
        <section class="card"><h2>IP versions</h2>${trafficTable([['IPv4', i.ipv4], ['IPv6', i.ipv6]], i.bytes, 'if-ipver')}
          <h2>L4 protocols</h2>${trafficTable(i.l4_protocols.slice().sort((a, b) => b.bytes - a.bytes).map((p) => [fmt.l4name(p.proto, l4), p]), i.bytes, 'if-l4')}</section>
      </div>
      <div class="grid3">
        <section class="card"><h2>Non-IP frames</h2>${counterTable(i.non_ip, 'if-nonip', 'None.')}</section>
        <section class="card"><h2>Decode errors</h2>${counterTable(i.decode_errors, 'if-errors', 'No malformed frame.')}</section>
        <section class="card"><h2>Drops</h2>${counterTable(i.drops, 'if-drops', 'Nothing dropped.')}</section>
      </div>
      <div class="grid2">
        <section class="card"><h2>Flow table</h2>${tableCounters(i.flows)}</section>
        <section class="card"><h2>Host table</h2>${tableCounters(i.hosts)}</section>
      </div>
      ${collectorSection(i.collector)}${exportSection(i.export)}`);
  });
}
