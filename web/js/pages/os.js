// Operating systems: the hosts of each guessed OS (from HTTP User-Agent and DHCP), their
// traffic, and since when it has been seen; each links to its hosts.
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render, DataTable } from '../ui.js';

export async function mount(ctx) {
  ctx.title = 'Operating systems';
  render(ctx.main, html`<h1>Operating systems <span class="subtitle" id="os-count"></span></h1>
    <p class="lead">Guessed from what hosts say of themselves: the HTTP User-Agent of their requests, and the vendor class and parameter request list of their DHCP requests.</p>
    <section class="card flush" id="os-card"></section>`);
  const nowRef = { now: 0 };
  const table = new DataTable({
    empty: 'No operating system recognised yet.',
    columns: [
      { label: 'Operating system', render: (o) => html`<a href="#/hosts?os=${encodeURIComponent(o.os)}">${o.os}</a>` },
      { label: 'Hosts', cls: 'num', render: (o) => html`<a href="#/hosts?os=${encodeURIComponent(o.os)}">${fmt.count(o.hosts)}</a>` },
      { label: 'Traffic', cls: 'num', render: (o) => fmt.bytes(o.bytes) },
      { label: 'Seen since', render: (o) => html`<span title="${fmt.datetime(o.first_seen)}">${fmt.ago(o.first_seen, nowRef.now)}</span>` },
      { label: 'Last seen', render: (o) => html`<span title="${fmt.datetime(o.last_seen)}">${fmt.ago(o.last_seen, nowRef.now)}</span>` },
      { label: 'Detections', cls: 'num', render: (o) => fmt.count(o.hits) },
    ],
  });
  ctx.main.querySelector('#os-card').append(table.el);
  ctx.every(1000, async () => {
    const [doc, iface] = await Promise.all([api.get(`/interfaces/${ctx.iface}/os`), api.get(`/interfaces/${ctx.iface}`)]);
    nowRef.now = iface.snapshot_time;
    const rows = doc.os.slice().sort((a, b) => b.hosts - a.hosts || b.bytes - a.bytes);
    table.setRows(rows);
    ctx.main.querySelector('#os-count').textContent = `${rows.length} system${rows.length === 1 ? '' : 's'}`;
  });
}
