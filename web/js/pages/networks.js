// Local networks: traffic entering (ingress), leaving (egress) and staying inside (inner).
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render, DataTable, raw } from '../ui.js';

function threeBar(n) {
  const parts = [['in', n.ingress.bytes], ['out', n.egress.bytes], ['inner', n.inner.bytes]];
  const total = parts.reduce((s, [, v]) => s + v, 0);
  const title = parts.map(([k, v]) => `${k} ${fmt.bytes(v)} (${fmt.percent(v, total)})`).join(' · ');
  return html`<div class="breakdown three" title="${title}" role="img" aria-label="${title}">${total ? parts.map(([k, v]) => html`<span class="seg-${k}" style="width:${((100 * v) / total).toFixed(2)}%"></span>`) : raw('<span class="bd-none"></span>')}</div>`;
}

export async function mount(ctx) {
  ctx.title = 'Local networks';
  render(ctx.main, html`
    <h1>Local networks</h1>
    <p class="lead">Ingress: traffic from outside into the network. Egress: from the network to outside. Inner: between hosts of the same network.</p>
    <section class="card flush" id="nets-card"></section>
    <p class="legend"><span class="sw seg-in"></span> ingress <span class="sw seg-out"></span> egress <span class="sw seg-inner"></span> inner</p>`);
  const table = new DataTable({
    empty: 'No local network: declare them with -m CIDR (live devices add their own).',
    columns: [
      { label: 'Network', render: (n) => html`<a class="mono" href="#/hosts?filter=local" title="Local hosts">${n.network}</a>` },
      { label: 'Hosts', cls: 'num', render: (n) => fmt.count(n.hosts) },
      { label: 'Active flows', cls: 'num', render: (n) => fmt.count(n.active_flows) },
      { label: 'Flows', cls: 'num', render: (n) => fmt.count(n.flows) },
      { label: 'Ingress', cls: 'num', render: (n) => html`${fmt.bytes(n.ingress.bytes)}<div class="dim small">${fmt.count(n.ingress.packets)} pkts</div>` },
      { label: 'Egress', cls: 'num', render: (n) => html`${fmt.bytes(n.egress.bytes)}<div class="dim small">${fmt.count(n.egress.packets)} pkts</div>` },
      { label: 'Inner', cls: 'num', render: (n) => html`${fmt.bytes(n.inner.bytes)}<div class="dim small">${fmt.count(n.inner.packets)} pkts</div>` },
      { label: 'In / out / inner', cls: 'bar wide', render: threeBar },
    ],
  });
  ctx.main.querySelector('#nets-card').append(table.el);
  ctx.every(1000, async () => {
    table.setRows(await api.get(`/interfaces/${ctx.iface}/networks`));
  });
}
