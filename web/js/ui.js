// Small DOM helpers: escaped HTML templates, sortable tables, a pager, share and breakdown bars.
import * as fmt from './format.js';

class SafeHtml {
  constructor(s) { this.s = s; }
  toString() { return this.s; }
}

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (v) => String(v).replace(/[&<>"']/g, (c) => ESC[c]);

function piece(v) {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.s;
  if (Array.isArray(v)) return v.map(piece).join('');
  return esc(v);
}

/** Tagged template: every interpolated value is escaped unless it is itself html`` or raw(). */
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

export const raw = (s) => new SafeHtml(String(s));

/** Sets an element's content from html``. */
export function render(el, content) {
  el.innerHTML = piece(content);
  return el;
}

export function $(sel, root = document) { return root.querySelector(sel); }
export function $$(sel, root = document) { return [...root.querySelectorAll(sel)]; }

/** Link to a host's page. */
export function hostLink(ip, label) {
  return html`<a class="mono" href="#/host/${encodeURIComponent(ip)}">${label ?? ip}</a>`;
}

/** Two-part bar (e.g. sent / received) with the split in its tooltip. */
export function breakdown(a, b, labels = ['sent', 'received'], fmtValue = fmt.bytes) {
  const total = a + b;
  const pa = total ? (100 * a) / total : 0;
  const title = `${labels[0]} ${fmtValue(a)} (${fmt.percent(a, total)}) · ${labels[1]} ${fmtValue(b)} (${fmt.percent(b, total)})`;
  const parts = total
    ? html`<span class="bd-a" style="width:${pa.toFixed(2)}%"></span><span class="bd-b" style="width:${(100 - pa).toFixed(2)}%"></span>`
    : html`<span class="bd-none"></span>`;
  return html`<div class="breakdown" title="${title}" role="img" aria-label="${title}">${parts}</div>`;
}

/** Single bar: part of a whole, with the percentage written next to it. */
export function shareBar(part, total) {
  const p = total ? Math.min(100, (100 * part) / total) : 0;
  return html`<div class="share"><div class="share-track"><span style="width:${p.toFixed(2)}%"></span></div><span class="share-label">${fmt.percent(part, total)}</span></div>`;
}

export function badge(local) {
  return local ? html`<span class="badge local">local</span>` : html`<span class="badge remote">remote</span>`;
}

/**
 * A table whose rows are replaced on every refresh. Columns: {key, label, sort (API sort key,
 * makes the header clickable), cls, render(row) -> html``, title}. onSort(sortKey, order).
 */
export class DataTable {
  constructor({ columns, sort, order, onSort, empty = 'Nothing to show.', caption, rowAttrs }) {
    this.columns = columns;
    this.sort = sort;
    this.order = order;
    this.onSort = onSort;
    this.empty = empty;
    this.rowAttrs = rowAttrs;
    this.el = document.createElement('div');
    this.el.className = 'tablewrap';
    this.table = document.createElement('table');
    this.table.className = 'data';
    if (caption) this.table.createCaption().textContent = caption;
    this.thead = this.table.createTHead();
    this.tbody = this.table.createTBody();
    this.el.append(this.table);
    this.renderHead();
    this.thead.addEventListener('click', (ev) => {
      const th = ev.target.closest('th[data-sort]');
      if (!th || !this.onSort) return;
      const key = th.dataset.sort;
      const col = this.columns.find((c) => c.sort === key);
      const order = key === this.sort ? (this.order === 'desc' ? 'asc' : 'desc') : (col.firstOrder || 'desc');
      this.setSort(key, order);
      this.onSort(key, order);
    });
  }

  setSort(sort, order) {
    this.sort = sort;
    this.order = order;
    this.renderHead();
  }

  renderHead() {
    const ths = this.columns.map((c) => {
      const cls = c.cls || '';
      if (!c.sort || !this.onSort) return html`<th class="${cls}" scope="col" title="${c.title || ''}">${c.label}</th>`;
      const active = c.sort === this.sort;
      const aria = active ? (this.order === 'asc' ? 'ascending' : 'descending') : 'none';
      const arrow = active ? (this.order === 'asc' ? '▲' : '▼') : '';
      return html`<th class="${cls} sortable${active ? ' sorted' : ''}" scope="col" data-sort="${c.sort}" aria-sort="${aria}" title="${c.title || `Sort by ${c.label}`}"><button type="button" class="thbutton">${c.label}<span class="arrow" aria-hidden="true">${arrow}</span></button></th>`;
    });
    render(this.thead, html`<tr>${ths}</tr>`);
  }

  setRows(rows) {
    if (!rows.length) {
      render(this.tbody, html`<tr class="empty"><td colspan="${this.columns.length}">${this.empty}</td></tr>`);
      return;
    }
    render(this.tbody, rows.map((r) => {
      const attrs = this.rowAttrs ? this.rowAttrs(r) : '';
      return html`<tr ${raw(attrs)}>${this.columns.map((c) => html`<td class="${c.cls || ''}">${c.render(r)}</td>`)}</tr>`;
    }));
  }
}

/** Page navigation for server-side paging. onChange(page, perPage). */
export class Pager {
  constructor({ onChange, sizes = [25, 50, 100, 250] }) {
    this.onChange = onChange;
    this.sizes = sizes;
    this.el = document.createElement('div');
    this.el.className = 'pager';
    this.el.addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-page]');
      if (b && !b.disabled) this.onChange(Number(b.dataset.page), this.perPage);
    });
    this.el.addEventListener('change', (ev) => {
      if (ev.target.matches('select')) this.onChange(1, Number(ev.target.value));
    });
  }

  update(total, page, perPage) {
    const key = `${total}/${page}/${perPage}`;
    if (key === this.key) return;
    this.key = key;
    this.perPage = perPage;
    const pages = Math.max(1, Math.ceil(total / perPage));
    const first = total ? (page - 1) * perPage + 1 : 0;
    const last = Math.min(total, page * perPage);
    const nums = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= pages));
    const sorted = [...nums].sort((a, b) => a - b);
    const buttons = [];
    let prev = 0;
    for (const n of sorted) {
      if (n - prev > 1) buttons.push(html`<span class="gap">…</span>`);
      buttons.push(html`<button type="button" data-page="${n}" class="${n === page ? 'current' : ''}" ${raw(n === page ? 'aria-current="page"' : '')}>${fmt.count(n)}</button>`);
      prev = n;
    }
    render(this.el, html`
      <span class="pager-info">${total ? `${fmt.count(first)}–${fmt.count(last)} of ${fmt.count(total)}` : 'none'}</span>
      <span class="pager-buttons">
        <button type="button" data-page="${page - 1}" ${raw(page <= 1 ? 'disabled' : '')} aria-label="Previous page" class="prev">‹ Prev</button>
        ${buttons}
        <button type="button" data-page="${page + 1}" ${raw(page >= pages ? 'disabled' : '')} aria-label="Next page" class="next">Next ›</button>
      </span>
      <label class="pager-size">Rows <select aria-label="Rows per page">${this.sizes.map((s) => html`<option value="${s}" ${raw(s === perPage ? 'selected' : '')}>${s}</option>`)}</select></label>`);
  }
}

/** A definition list of [label, value] pairs (values are html`` or text). */
export function facts(pairs) {
  return html`<dl class="facts">${pairs.filter(Boolean).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** Headline number tiles. */
export function tiles(items) {
  return items.map(([label, value, sub, id]) => html`<div class="tile" ${raw(id ? `data-tile="${esc(id)}"` : '')}><div class="tile-label">${label}</div><div class="tile-value">${value}</div>${sub ? html`<div class="tile-sub">${sub}</div>` : ''}</div>`);
}

/** Downloads a JSON document as a file. */
export function downloadJson(doc, filename) {
  const blob = new Blob([JSON.stringify(doc, null, 2) + '\n'], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Calls fn after the user stops typing for ms. */
export function debounce(fn, ms = 250) {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

export function isIp(s) {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return s.split('.').every((p) => Number(p) <= 255);
  return /^[0-9a-f:]+(%\w+)?$/i.test(s) && s.includes(':') && s.split(':').length >= 3;
}
