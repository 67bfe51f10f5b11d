// Flows: paged, sorted and filtered (application, L4 protocol, host, port) on the server.
import * as api from '../api.js';
import * as fmt from '../format.js';
import { html, render, DataTable, Pager, debounce } from '../ui.js';
import { flowColumns, intParam, l4Names } from './common.js';

const SORTS = ['bytes', 'packets', 'first_seen', 'last_seen', 'duration', 'throughput', 'app', 'client', 'server'];
const ASC_FIRST = ['app', 'client', 'server'];

function readParams(p) {
  const sort = SORTS.includes(p.get('sort')) ? p.get('sort') : 'bytes';
  const dflt = ASC_FIRST.includes(sort) ? 'asc' : 'desc';
  return {
    page: intParam(p, 'page', 1),
    per_page: intParam(p, 'per_page', 50, 1, 1000),
    sort,
    order: ['asc', 'desc'].includes(p.get('order')) ? p.get('order') : dflt,
    app: p.get('app') || '',
    l4: p.get('l4') || '',
    host: p.get('host') || '',
    port: p.get('port') || '',
  };
}

/**
 * Mounts a flows table with its filters into `root`. Used by the Flows page and by the host
 * page (fixed host). Returns {update(state)}.
 */
export async function flowsView(ctx, root, initial, { fixedHost = '', onChange }) {
  let s = initial;
  const [apps, l4] = await Promise.all([
    api.get(`/interfaces/${ctx.iface}/applications`),
    l4Names(api, ctx.iface),
  ]);
  const appNames = apps.filter((a) => a.flows || a.bytes).map((a) => a.name).sort((a, b) => a.localeCompare(b));
  if (s.app && !appNames.includes(s.app)) appNames.unshift(s.app);
  const l4list = Object.entries(l4).sort((a, b) => a[1].localeCompare(b[1]));
  render(root, html`
    <form class="toolbar flow-filters" autocomplete="off">
      <label>Application <select name="app"><option value="">any</option>${appNames.map((n) => html`<option>${n}</option>`)}</select></label>
      <label>L4 <select name="l4"><option value="">any</option>${l4list.map(([num, name]) => html`<option value="${name.toLowerCase()}">${name}</option>`)}</select></label>
      ${fixedHost ? '' : html`<label>Host <input type="search" name="host" placeholder="IP address" size="18" spellcheck="false"></label>`}
      <label>Port <input type="number" name="port" min="0" max="65535" placeholder="any" class="port-input"></label>
      <button type="reset" class="linkbutton">Clear filters</button>
    </form>
    <div class="card flush flows-card"></div>`);
  const form = root.querySelector('form');
  const card = root.querySelector('.flows-card');
  const setForm = () => {
    form.app.value = s.app;
    form.l4.value = s.l4.toLowerCase();
    if (form.host && document.activeElement !== form.host) form.host.value = s.host;
    if (document.activeElement !== form.port) form.port.value = s.port;
  };
  setForm();

  const change = (c, replace) => onChange({ ...s, ...c, page: c.page ?? 1 }, replace);
  form.addEventListener('submit', (ev) => ev.preventDefault());
  form.addEventListener('change', (ev) => {
    if (ev.target.name === 'app' || ev.target.name === 'l4') change({ [ev.target.name]: ev.target.value });
  });
  const typed = debounce((name, value) => {
    if (name === 'host' && value && !/^[0-9a-fA-F:.]+$/.test(value)) return;
    if (name === 'port' && value !== '' && !(Number(value) >= 0 && Number(value) <= 65535)) return;
    change({ [name]: value }, true);
  }, 400);
  form.addEventListener('input', (ev) => {
    if (ev.target.name === 'host' || ev.target.name === 'port') typed(ev.target.name, ev.target.value.trim());
  });
  form.addEventListener('reset', (ev) => {
    ev.preventDefault();
    change({ app: '', l4: '', host: fixedHost ? s.host : '', port: '' });
  });

  const table = new DataTable({
    columns: flowColumns(l4),
    sort: s.sort,
    order: s.order,
    empty: 'No active flow matches.',
    onSort: (sort, order) => change({ sort, order }),
  });
  const pager = new Pager({ onChange: (page, per_page) => change({ page, per_page }) });
  card.append(table.el, pager.el);

  let seq = 0;
  const loop = ctx.every(1000, async () => {
    const mine = ++seq;
    const host = fixedHost || s.host;
    let doc;
    try {
      doc = await api.get(`/interfaces/${ctx.iface}/flows${api.query({
        page: s.page, per_page: s.per_page, sort: s.sort, order: s.order, app: s.app, l4: s.l4, host, port: s.port,
      })}`);
    } catch (e) {
      if (e instanceof api.ApiError && e.status === 400) {   // a half-typed filter
        table.setRows([]);
        table.empty = e.message;
        return;
      }
      throw e;
    }
    if (mine !== seq || !ctx.alive) return;
    table.empty = 'No active flow matches.';
    table.setRows(doc.flows);
    pager.update(doc.total, s.page, s.per_page);
    card.dataset.total = String(doc.total);
    card.dataset.page = String(s.page);
    root.dataset.total = String(doc.total);
  });

  return {
    update(next) {
      s = next;
      table.setSort(s.sort, s.order);
      setForm();
      seq++;
      loop.refresh();
    },
  };
}

export async function mount(ctx) {
  ctx.title = 'Flows';
  let s = readParams(ctx.params);
  render(ctx.main, html`<h1>Flows <span class="subtitle" id="flows-count"></span></h1><div id="flows-view"></div>`);
  const root = ctx.main.querySelector('#flows-view');
  const countEl = ctx.main.querySelector('#flows-count');
  new MutationObserver(() => {
    const t = Number(root.dataset.total || 0);
    countEl.textContent = `${fmt.count(t)} active flow${t === 1 ? '' : 's'}`;
  }).observe(root, { attributes: true, attributeFilter: ['data-total'] });
  const view = await flowsView(ctx, root, s, {
    onChange(next, replace) {
      const dflt = ASC_FIRST.includes(next.sort) ? 'asc' : 'desc';
      ctx.navigate({
        page: next.page > 1 ? next.page : '',
        per_page: next.per_page !== 50 ? next.per_page : '',
        sort: next.sort !== 'bytes' ? next.sort : '',
        order: next.order !== dflt ? next.order : '',
        app: next.app, l4: next.l4, host: next.host, port: next.port,
      }, replace);
    },
  });
  return {
    update(params) {
      s = readParams(params);
      view.update(s);
    },
  };
}

export { readParams as readFlowParams };
