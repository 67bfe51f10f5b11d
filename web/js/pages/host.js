// One host: overview, traffic, applications, peers, its flows, and its full JSON.
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render, facts, tiles, breakdown, shareBar, hostLink, badge, DataTable, downloadJson } from '../ui.js';
import { flowsView, readFlowParams } from './flows.js';
import { HistoryChart, drawActivity } from '../history.js';
import { countryLink, asLink, countryName } from '../geo.js';

export async function mount(ctx) {
  const ip = ctx.args[0] || '';
  ctx.title = ip;
  const vlan = ctx.params.get('vlan') || '';
  const hostPath = `/interfaces/${ctx.iface}/hosts/${encodeURIComponent(ip)}${api.query({ vlan })}`;
  render(ctx.main, html`
    <nav class="crumbs"><a href="#/hosts">Hosts</a> › <span class="mono">${ip}</span></nav>
    <h1><span class="mono" id="host-ip">${ip}</span> <span class="subtitle" id="host-name"></span> <span id="host-badge"></span>
      <button type="button" class="button right" id="host-json" title="Download everything netlens knows about this host as JSON">Download JSON</button></h1>
    <div id="host-missing" hidden class="card notice"></div>
    <div id="host-body">
      <section class="tiles" id="host-tiles"></section>
      <div class="grid2">
        <section class="card"><h2>Overview</h2><div id="host-overview"></div>
          <form class="toolbar" id="host-alias" autocomplete="off" hidden>
            <label>Alias <input type="text" name="alias" id="host-alias-input" maxlength="64" placeholder="a name for this host" spellcheck="false"></label>
            <button type="submit" class="button">Save alias</button>
            <button type="button" class="button" id="host-alias-remove" hidden>Remove alias</button>
            <span class="msg" id="host-alias-msg" role="status" hidden></span>
          </form></section>
        <section class="card"><h2>Traffic</h2><div id="host-traffic"></div></section>
      </div>
      <div class="grid2">
        <section class="card"><h2>Applications</h2><div id="host-apps"></div></section>
        <section class="card"><h2>Peers <span class="subtitle" id="host-peers-count"></span></h2><div id="host-peers"></div></section>
      </div>
      <section class="card hist" id="host-history"></section>
      <section class="card" id="host-activity-card"><div class="hist-head"><h2>Activity</h2>
        <span class="hist-ranges" role="group" aria-label="Activity range">${[['5 min', 300], ['1 h', 3600], ['1 day', 86400]].map(([l, s]) => html`<button type="button" class="chip" data-aspan="${s}">${l}</button>`)}</span></div>
        <div id="host-activity" class="act-rows"></div></section>
      <section class="card"><h2>Flows</h2><div id="host-flows"></div></section>
    </div>`);
  const $ = (sel) => ctx.main.querySelector(sel);
  const hostKey = vlan && vlan !== '0' ? `${ip}@${vlan}` : ip;
  const history = new HistoryChart($('#host-history'), {
    title: 'History', entity: `host:${ctx.iface}/${hostKey}`, span: 3600, refreshMs: 30000,
    empty: 'No stored series for this host (series are kept for local hosts, one point every 5 minutes).',
    metrics: [
      { metric: 'bytes', label: 'Traffic' }, { metric: 'bytes_sent', label: 'Sent' }, { metric: 'bytes_rcvd', label: 'Received' },
      { metric: 'packets', label: 'Packets' }, { metric: 'flows', label: 'Active flows' }, { metric: 'app:*', label: 'Applications (stacked)' },
    ],
  });
  ctx.onDispose(() => history.destroy());
  let activitySpan = 3600;
  const markActivity = () => { for (const b of ctx.main.querySelectorAll('[data-aspan]')) b.classList.toggle('active', Number(b.dataset.aspan) === activitySpan); };
  for (const b of ctx.main.querySelectorAll('[data-aspan]')) b.addEventListener('click', () => { activitySpan = Number(b.dataset.aspan); markActivity(); activityLoop.refresh(); });
  markActivity();
  const activityLoop = ctx.every(5000, async () => {
    const iface = (await api.get(`/interfaces/${ctx.iface}`)).interface;
    const to = Math.floor(iface.last_packet || Date.now() / 1000), from = to - activitySpan + 1;
    let doc;
    try {
      doc = await api.get(`/interfaces/${ctx.iface}/activity${api.query({ hosts: hostKey, from, to })}`);
    } catch (e) {
      if (e instanceof api.ApiError) { render($('#host-activity'), html`<p class="dim">${e.message}</p>`); return; }
      throw e;
    }
    if (ctx.alive) drawActivity($('#host-activity'), doc.hosts, from, to, { links: false });
  });

  // Aliases: administrators set them (PUT/DELETE /api/v1/hosts/{ip}/alias).
  const aliasForm = $('#host-alias');
  const aliasPath = `/hosts/${encodeURIComponent(ip)}/alias${api.query({ vlan })}`;
  let shownAlias = null;
  aliasForm.hidden = !(!ctx.user || ctx.user.role === 'administrator');
  const aliasMsg = (text, kind = 'info') => {
    const m = $('#host-alias-msg');
    m.textContent = text;
    m.className = `msg ${kind}`;
    m.hidden = !text;
  };
  aliasForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const alias = aliasForm.alias.value.trim();
    if (!alias) { aliasMsg('Enter an alias, or remove it.', 'error'); return; }
    try {
      await api.put(aliasPath, { alias });
      aliasMsg('Saved.');
      shownAlias = null;
      loop.refresh();
    } catch (e) { if (!(e instanceof api.AuthRedirect)) aliasMsg(e.message, 'error'); }
  });
  $('#host-alias-remove').addEventListener('click', async () => {
    try {
      await api.del(aliasPath);
      aliasMsg('Removed.');
      shownAlias = null;
      loop.refresh();
    } catch (e) { if (!(e instanceof api.AuthRedirect)) aliasMsg(e.message, 'error'); }
  });

  $('#host-json').addEventListener('click', async () => {
    const doc = await api.get(hostPath);
    downloadJson(doc, `netlens-host-${ip.replace(/[^0-9a-fA-F.]/g, '_')}.json`);
  });

  let appTotal = 0;
  const apps = new DataTable({
    empty: 'No application (applications are kept for local hosts only).',
    columns: [
      { label: 'Application', render: (a) => html`<a href="#/flows?app=${encodeURIComponent(a.name)}&host=${encodeURIComponent(ip)}">${a.name}</a>` },
      { label: 'Sent', cls: 'num', render: (a) => fmt.bytes(a.sent.bytes) },
      { label: 'Received', cls: 'num', render: (a) => fmt.bytes(a.received.bytes) },
      { label: 'Share', cls: 'bar', render: (a) => shareBar(a.sent.bytes + a.received.bytes, appTotal) },
      { label: 'Flows', cls: 'num', render: (a) => fmt.count(a.flows) },
    ],
  });
  let peerTotal = 0;
  const peers = new DataTable({
    empty: 'No peer (peers are kept for local hosts only).',
    columns: [
      { label: 'Peer', render: (p) => hostLink(p.ip) },
      { label: 'Traffic', cls: 'num', render: (p) => fmt.bytes(p.bytes) },
      { label: 'Share', cls: 'bar', render: (p) => shareBar(p.bytes, peerTotal) },
      { label: 'Flows', cls: 'num', render: (p) => html`<a href="#/flows?host=${encodeURIComponent(ip)}" title="flows of this host">${fmt.count(p.flows)}</a>` },
    ],
  });
  $('#host-apps').append(apps.el);
  $('#host-peers').append(peers.el);

  // The host without its flows (the flows table below pages them): /hosts/{ip} also carries up
  // to 1,000 flows, too much to fetch every second for a busy server. The hosts list searched
  // for the address has the same host object; /hosts/{ip} remains the fallback (and the 404).
  async function hostSummary() {
    const list = await api.get(`/interfaces/${ctx.iface}/hosts${api.query({ q: ip, sort: 'ip', order: 'asc', per_page: 100 })}`);
    const h = list.hosts.find((x) => x.ip === ip && String(x.vlan) === String(vlan || 0));
    return h ? { host: h } : api.get(hostPath);
  }

  let flowState = { ...readFlowParams(new URLSearchParams(ctx.params)), host: ip };
  let view = null;

  const loop = ctx.every(1000, async () => {
    let doc, iface;
    try {
      [doc, iface] = await Promise.all([hostSummary(), api.get(`/interfaces/${ctx.iface}`)]);
    } catch (e) {
      if (e instanceof api.ApiError && (e.status === 404 || e.status === 400)) {
        $('#host-body').hidden = true;
        $('#host-json').disabled = true;
        const m = $('#host-missing');
        m.hidden = false;
        render(m, html`<p>${e.message}.</p><p>The host may have expired (idle hosts leave the table). <a href="#/hosts?q=${encodeURIComponent(ip)}">Search the hosts</a>.</p>`);
        return;
      }
      throw e;
    }
    $('#host-body').hidden = false;
    $('#host-missing').hidden = true;
    $('#host-json').disabled = false;
    const h = doc.host;
    const now = iface.snapshot_time;
    const total = h.sent.bytes + h.received.bytes;
    render($('#host-badge'), badge(h.local));
    $('#host-name').textContent = h.alias || h.name || '';
    if ((h.alias || '') !== shownAlias) {
      shownAlias = h.alias || '';
      if (document.activeElement !== aliasForm.alias) aliasForm.alias.value = shownAlias;
      $('#host-alias-remove').hidden = !shownAlias;
    }
    render($('#host-tiles'), tiles([
      ['Traffic', fmt.bytes(total), `${fmt.count(h.sent.packets + h.received.packets)} packets`, 'total'],
      ['Sent', fmt.bytes(h.sent.bytes), `${fmt.count(h.sent.packets)} packets`, 'sent'],
      ['Received', fmt.bytes(h.received.bytes), `${fmt.count(h.received.packets)} packets`, 'received'],
      ['Active flows', fmt.count(h.active_flows), `${fmt.count(h.flows_as_client)} as client · ${fmt.count(h.flows_as_server)} as server`, 'flows'],
    ]));
    render($('#host-overview'), facts([
      ['Address', html`<span class="mono">${h.ip}</span>`],
      h.alias ? ['Alias', html`<strong id="host-alias-value">${h.alias}</strong>`] : null,
      h.name ? ['Name', html`${h.name} <span class="dim">(${(h.name_source || '').replace('_', ' ')})</span>`] : null,
      ...Object.entries(h.names || {}).filter(([src]) => src !== h.name_source)
        .map(([src, n]) => [`Name (${src.replace('_', ' ')})`, n]),
      h.os ? ['Operating system', html`${h.os} <span class="dim">(from ${(h.os_source || '').replaceAll('_', ' ')})</span>`] : null,
      h.vlan ? ['VLAN', h.vlan] : null,
      ['Location', h.local ? `local${h.network ? ` (${h.network})` : ''}` : 'remote'],
      h.mac ? ['MAC address', html`<span class="mono">${h.mac}</span>`] : null,
      h.mac_vendor ? ['MAC vendor', h.mac_vendor] : null,
      h.country ? ['Country', html`${countryLink(h.country)} ${countryName(h.country)}`] : null,
      h.city ? ['City', h.city] : null,
      h.latitude !== undefined ? ['Coordinates', `${h.latitude}, ${h.longitude}`] : null,
      h.asn ? ['Autonomous system', asLink(h.asn, h.as_name)] : null,
      ['First seen', html`${fmt.ago(h.first_seen, now)} <span class="dim">(${fmt.datetime(h.first_seen)})</span>`],
      ['Last seen', html`${fmt.ago(h.last_seen, now)} <span class="dim">(${fmt.datetime(h.last_seen)})</span>`],
      ['Active for', fmt.duration(h.last_seen - h.first_seen)],
      ['Flows as client', fmt.count(h.flows_as_client)],
      ['Flows as server', fmt.count(h.flows_as_server)],
      h.peers_not_kept ? ['Peers not kept', fmt.count(h.peers_not_kept)] : null,
    ]));
    render($('#host-traffic'), html`
      <table class="data compact" id="host-traffic-table">
        <thead><tr><th></th><th class="num">Bytes</th><th class="num">Packets</th></tr></thead>
        <tbody>
          <tr data-dir="sent"><th scope="row">Sent</th><td class="num">${fmt.bytes(h.sent.bytes)}</td><td class="num">${fmt.count(h.sent.packets)}</td></tr>
          <tr data-dir="received"><th scope="row">Received</th><td class="num">${fmt.bytes(h.received.bytes)}</td><td class="num">${fmt.count(h.received.packets)}</td></tr>
          <tr data-dir="total"><th scope="row">Total</th><td class="num">${fmt.bytes(total)}</td><td class="num">${fmt.count(h.sent.packets + h.received.packets)}</td></tr>
        </tbody>
      </table>
      <div class="bigbar">${breakdown(h.sent.bytes, h.received.bytes)}</div>
      <p class="legend"><span class="sw bd-a"></span> sent ${fmt.percent(h.sent.bytes, total)} <span class="sw bd-b"></span> received ${fmt.percent(h.received.bytes, total)}</p>`);
    $('#host-traffic').dataset.sent = String(h.sent.bytes);
    $('#host-traffic').dataset.received = String(h.received.bytes);
    const appRows = (h.applications || []).slice().sort((a, b) => (b.sent.bytes + b.received.bytes) - (a.sent.bytes + a.received.bytes));
    appTotal = appRows.reduce((s, a) => s + a.sent.bytes + a.received.bytes, 0);
    apps.setRows(appRows);
    const peerRows = (h.peers || []).slice().sort((a, b) => b.bytes - a.bytes);
    peerTotal = peerRows.reduce((s, p) => s + p.bytes, 0);
    peers.setRows(peerRows.slice(0, 50));
    $('#host-peers-count').textContent = peerRows.length > 50 ? `top 50 of ${fmt.count(peerRows.length)}` : '';
    if (!view) {
      view = await flowsView(ctx, $('#host-flows'), flowState, {
        fixedHost: ip,
        onChange(next) { flowState = next; view.update(next); },
      });
    }
  });
  void loop;
}
