// One flow: endpoints, application, traffic per direction, TCP details, L7 information.
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render, facts, tiles, breakdown, hostLink, downloadJson } from '../ui.js';
import { l4Names } from './common.js';

const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'];
const flags = (n) => TCP_FLAGS.filter((_, i) => n & (1 << i)).join(' ') || 'none';

function direction(title, d, packets, bytesCount, now) {
  if (!d) return html`<section class="card"><h2>${title}</h2><p class="dim">Nothing sent in this direction.</p></section>`;
  return html`<section class="card"><h2>${title}</h2>${facts([
    ['Packets', fmt.count(packets)],
    ['Bytes', `${fmt.bytes(bytesCount)} (${fmt.count(bytesCount)} B)`],
    ['Payload', fmt.bytes(d.payload_bytes)],
    ['First packet', html`${fmt.ago(d.first_seen, now)} <span class="dim">(${fmt.datetime(d.first_seen)})</span>`],
    ['Last packet', html`${fmt.ago(d.last_seen, now)} <span class="dim">(${fmt.datetime(d.last_seen)})</span>`],
    d.tcp_flags !== undefined ? ['TCP flags seen', flags(d.tcp_flags)] : null,
    d.retransmissions !== undefined ? ['Retransmissions', fmt.count(d.retransmissions)] : null,
    d.out_of_order !== undefined ? ['Out of order', fmt.count(d.out_of_order)] : null,
  ])}</section>`;
}

export async function mount(ctx) {
  const id = ctx.args[0] || '';
  ctx.title = `Flow ${id}`;
  const l4 = await l4Names(api, ctx.iface);
  render(ctx.main, html`
    <nav class="crumbs"><a href="#/flows">Flows</a> › flow ${id}</nav>
    <h1 id="flow-title">Flow ${id}</h1>
    <div id="flow-body"></div>`);
  const body = ctx.main.querySelector('#flow-body');
  let last = null;
  ctx.every(1000, async () => {
    let f, iface;
    try {
      [f, iface] = await Promise.all([api.get(`/interfaces/${ctx.iface}/flows/${encodeURIComponent(id)}`), api.get(`/interfaces/${ctx.iface}`)]);
    } catch (e) {
      if (e instanceof api.ApiError && (e.status === 404 || e.status === 400)) {
        render(body, html`<div class="card notice"><p>${e.message}.</p><p>Flows leave the table when they expire. <a href="#/flows">All active flows</a>.</p></div>`);
        return;
      }
      throw e;
    }
    last = f;
    const now = iface.snapshot_time;
    const total = f.cli2srv_bytes + f.srv2cli_bytes;
    render(ctx.main.querySelector('#flow-title'), html`${f.app} <span class="subtitle mono" id="flow-endpoints">${fmt.endpoint(f.client_ip, f.client_port)} → ${fmt.endpoint(f.server_ip, f.server_port)}</span>
      <button type="button" class="button right" id="flow-json">Download JSON</button>`);
    ctx.main.querySelector('#flow-json').onclick = () => downloadJson(last, `netlens-flow-${id}.json`);
    render(body, html`
      <section class="tiles">${tiles([
        ['Traffic', fmt.bytes(total), `${fmt.count(f.cli2srv_packets + f.srv2cli_packets)} packets`],
        ['Throughput', fmt.bps(f.throughput_bps), 'average'],
        ['Duration', fmt.duration(f.duration), `last packet ${fmt.ago(f.last_seen, now)}`],
        ['Application', f.app, f.category],
      ])}</section>
      <div class="grid2">
        <section class="card"><h2>Flow</h2>${facts([
          ['Client', html`${hostLink(f.client_ip)}${f.client_port ? `:${f.client_port}` : ''}`],
          ['Server', html`${hostLink(f.server_ip)}${f.server_port ? `:${f.server_port}` : ''}`],
          ['Protocol', `${fmt.l4name(f.l4_proto, l4)} over IPv${f.ip_version}`],
          f.vlan ? ['VLAN', f.vlan] : null,
          f.tunnel ? ['Tunnel', f.tunnel] : null,
          ['Application', html`<a href="#/flows?app=${encodeURIComponent(f.app)}">${f.app}</a> <span class="dim">(${f.category})</span>`],
          ['Detection', f.detection_final ? `final${f.confidence ? `, ${f.confidence}` : ''}` : 'in progress'],
          ['Inspected packets', fmt.count(f.inspected_packets)],
          f.tcp_state ? ['TCP state', f.tcp_state] : null,
          ['First seen', html`${fmt.ago(f.first_seen, now)} <span class="dim">(${fmt.datetime(f.first_seen)})</span>`],
          ['Last seen', html`${fmt.ago(f.last_seen, now)} <span class="dim">(${fmt.datetime(f.last_seen)})</span>`],
        ])}</section>
        <section class="card"><h2>Application layer</h2>${facts([
          f.server_name ? ['Server name', f.server_name] : null,
          f.url ? ['URL', html`<span class="wrap">${f.url}</span>`] : null,
          f.http_status ? ['HTTP status', f.http_status] : null,
          f.content_type ? ['Content type', f.content_type] : null,
          f.user_agent ? ['User agent', html`<span class="wrap">${f.user_agent}</span>`] : null,
          f.tls_version ? ['TLS version', f.tls_version] : null,
          f.ja3_client ? ['JA3 client', html`<span class="mono">${f.ja3_client}</span>`] : null,
          f.ja3_server ? ['JA3 server', html`<span class="mono">${f.ja3_server}</span>`] : null,
          f.info ? ['Info', html`<span class="wrap">${f.info}</span>`] : null,
          f.risk ? ['Risk', `score ${f.risk_score} (bitmap ${f.risk})`] : null,
        ]) || ''}${!(f.server_name || f.url || f.info || f.tls_version) ? html`<p class="dim">No application-layer information.</p>` : ''}</section>
      </div>
      <section class="card"><h2>Client / server</h2><div class="bigbar">${breakdown(f.cli2srv_bytes, f.srv2cli_bytes, ['client → server', 'server → client'])}</div>
        <p class="legend"><span class="sw bd-a"></span> client → server ${fmt.bytes(f.cli2srv_bytes)} (${fmt.percent(f.cli2srv_bytes, total)}) <span class="sw bd-b"></span> server → client ${fmt.bytes(f.srv2cli_bytes)} (${fmt.percent(f.srv2cli_bytes, total)})</p></section>
      <div class="grid2">
        ${direction('Client → server', f.cli2srv, f.cli2srv_packets, f.cli2srv_bytes, now)}
        ${direction('Server → client', f.srv2cli, f.srv2cli_packets, f.srv2cli_bytes, now)}
      </div>`);
  });
}
