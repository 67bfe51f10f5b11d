// Applications: traffic, packets and flows per application with its share of the traffic.
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render, DataTable, shareBar } from '../ui.js';

const KEYS = {
  name: (a) => a.name.toLowerCase(),
  category: (a) => a.category.toLowerCase(),
  bytes: (a) => a.bytes,
  packets: (a) => a.packets,
  flows: (a) => a.flows,
};

export async function mount(ctx) {
  ctx.title = 'Applications';
  render(ctx.main, html`<h1>Applications <span class="subtitle" id="apps-count"></span></h1><section class="card flush" id="apps-card"></section>`);
  let sort = 'bytes', order = 'desc', rows = [], total = 0;
  const table = new DataTable({
    sort, order,
    empty: 'No application yet.',
    onSort: (k, o) => { sort = k; order = o; show(); },
    columns: [
      { label: 'Application', sort: 'name', firstOrder: 'asc', render: (a) => html`<a href="#/flows?app=${encodeURIComponent(a.name)}" title="Flows of ${a.name}">${a.name}</a>` },
      { label: 'Category', sort: 'category', firstOrder: 'asc', render: (a) => a.category },
      { label: 'Traffic share', cls: 'bar wide', render: (a) => shareBar(a.bytes, total) },
      { label: 'Traffic', sort: 'bytes', cls: 'num', render: (a) => fmt.bytes(a.bytes) },
      { label: 'Packets', sort: 'packets', cls: 'num', render: (a) => fmt.count(a.packets) },
      { label: 'Flows', sort: 'flows', cls: 'num', render: (a) => fmt.count(a.flows) },
    ],
    rowAttrs: (a) => `data-app="${a.name.replace(/[^\w.-]/g, '')}"`,
  });
  ctx.main.querySelector('#apps-card').append(table.el);
  function show() {
    const key = KEYS[sort];
    const dir = order === 'asc' ? 1 : -1;
    table.setRows(rows.slice().sort((a, b) => {
      const x = key(a), y = key(b);
      return (x < y ? -1 : x > y ? 1 : a.name.localeCompare(b.name)) * dir;
    }));
  }
  ctx.every(1000, async () => {
    rows = await api.get(`/interfaces/${ctx.iface}/applications`);
    total = rows.reduce((s, a) => s + a.bytes, 0);
    ctx.main.querySelector('#apps-count').textContent = `${rows.length} application${rows.length === 1 ? '' : 's'} · ${fmt.bytes(total)}`;
    show();
  });
}
