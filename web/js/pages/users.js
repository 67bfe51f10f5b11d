// Users (administrators): list, add, edit (role, allowed interfaces and networks, password),
// remove. Changes go through the API (with the CSRF token); its error messages show next to
// the form that caused them.
import * as api from '../api.js';
import { html, render, raw, esc, DataTable } from '../ui.js';

const ROLES = ['viewer', 'administrator'];

/** "10.0.0.0/8, 192.168.1.0/24" (commas, spaces or new lines) -> ["10.0.0.0/8", ...]. */
export function parseList(text) {
  return String(text || '').split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

function message(el, text, kind = 'error') {
  el.textContent = text || '';
  el.className = `msg ${kind}`;
  el.hidden = !text;
}

function allOr(list, what) {
  return list && list.length ? html`<span class="mono">${list.join(', ')}</span>` : html`<span class="dim">all ${what}</span>`;
}

/** Checkboxes of the interfaces (names); none ticked = every interface. */
function interfaceBoxes(prefix, names, checked = []) {
  const all = [...new Set([...names, ...checked])];
  if (!all.length) return html`<span class="dim">no interface</span>`;
  return all.map((n, i) => html`<label class="check"><input type="checkbox" name="iface" value="${n}" id="${prefix}-if-${i}" ${raw(checked.includes(n) ? 'checked' : '')}> <span class="mono">${n}</span></label>`);
}

const checkedIfaces = (form) => [...form.querySelectorAll('input[name=iface]:checked')].map((c) => c.value);

export async function mount(ctx) {
  ctx.title = 'Users';
  const ifNames = ctx.interfaces.map((i) => i.name).filter(Boolean);
  render(ctx.main, html`
    <h1>Users <span class="subtitle" id="users-count"></span></h1>
    <p class="lead">Administrators see and change everything; viewers only see the interfaces and networks they are allowed (none listed = all).</p>
    <div class="msg error" id="users-msg" role="alert" hidden></div>
    <div id="users-body" hidden>
      <section class="card flush" id="users-card"></section>
      <section class="card" id="user-edit" hidden>
        <h2>Edit <span class="mono" id="user-edit-name"></span></h2>
        <form class="adminform" id="user-edit-form" autocomplete="off">
          <div class="msg" id="user-edit-msg" role="alert" hidden></div>
          <label>Role <select name="role">${ROLES.map((r) => html`<option value="${r}">${r}</option>`)}</select></label>
          <fieldset><legend>Allowed interfaces <span class="dim small">(none ticked = all)</span></legend><div class="checks" id="user-edit-ifaces"></div></fieldset>
          <label>Allowed networks <span class="dim small">CIDRs separated by commas; empty = all addresses</span>
            <input type="text" name="networks" placeholder="e.g. 192.168.5.0/24, 2001:db8::/32" spellcheck="false"></label>
          <label>New password <span class="dim small">empty = unchanged; setting one ends the user's sessions</span>
            <input type="password" name="password" autocomplete="new-password"></label>
          <div class="formbuttons">
            <button type="submit" class="button primary">Save</button>
            <button type="button" class="button" id="user-edit-cancel">Close</button>
          </div>
        </form>
      </section>
      <section class="card">
        <h2>Add a user</h2>
        <form class="adminform" id="user-add-form" autocomplete="off">
          <div class="msg" id="user-add-msg" role="alert" hidden></div>
          <label>User <input type="text" name="user" required spellcheck="false" autocapitalize="none" autocomplete="off"></label>
          <label>Password <input type="password" name="password" required autocomplete="new-password"></label>
          <label>Role <select name="role">${ROLES.map((r) => html`<option value="${r}">${r}</option>`)}</select></label>
          <fieldset><legend>Allowed interfaces <span class="dim small">(none ticked = all)</span></legend><div class="checks">${interfaceBoxes('add', ifNames)}</div></fieldset>
          <label>Allowed networks <span class="dim small">CIDRs separated by commas; empty = all addresses</span>
            <input type="text" name="networks" placeholder="e.g. 192.168.5.0/24, 2001:db8::/32" spellcheck="false"></label>
          <div class="formbuttons"><button type="submit" class="button primary">Add user</button></div>
        </form>
      </section>
    </div>`);
  const $ = (sel) => ctx.main.querySelector(sel);
  const pageMsg = $('#users-msg');
  let users = [];
  let editing = null;

  const table = new DataTable({
    empty: 'No user.',
    rowAttrs: (u) => `data-user="${esc(u.user)}"`,
    columns: [
      { label: 'User', render: (u) => html`<span class="mono user-name">${u.user}</span>${ctx.user && ctx.user.user === u.user ? html` <span class="dim small">(you)</span>` : ''}` },
      { label: 'Role', render: (u) => html`<span class="user-role">${u.role}</span>` },
      { label: 'Interfaces', render: (u) => allOr(u.allowed_interfaces, 'interfaces') },
      { label: 'Networks', render: (u) => html`<span class="user-networks">${allOr(u.allowed_networks, 'addresses')}</span>` },
      { label: 'Password', render: (u) => (u.must_change_password ? html`<span class="badge remote">must change</span>` : '') },
      { label: '', cls: 'narrow', render: (u) => html`<span class="rowbuttons"><button type="button" class="button small" data-edit="${u.user}">Edit</button> <button type="button" class="button small danger" data-remove="${u.user}">Remove</button></span>` },
    ],
  });
  $('#users-card').append(table.el);

  async function load() {
    try {
      users = await api.get('/users');
    } catch (e) {
      if (e instanceof api.AuthRedirect) return;
      $('#users-body').hidden = true;
      message(pageMsg, e.status === 403 ? `${e.message}: only administrators manage users.` : e.message);
      return;
    }
    message(pageMsg, '');
    $('#users-body').hidden = false;
    $('#users-count').textContent = `${users.length}`;
    table.setRows(users);
  }

  function openEdit(name) {
    const u = users.find((x) => x.user === name);
    if (!u) return;
    editing = name;
    const form = $('#user-edit-form');
    $('#user-edit-name').textContent = name;
    form.role.value = u.role;
    form.networks.value = (u.allowed_networks || []).join(', ');
    form.password.value = '';
    render($('#user-edit-ifaces'), interfaceBoxes('edit', ifNames, u.allowed_interfaces || []));
    message($('#user-edit-msg'), '');
    $('#user-edit').hidden = false;
    $('#user-edit').scrollIntoView({ block: 'nearest' });
    form.role.focus();
  }

  $('#users-card').addEventListener('click', async (ev) => {
    const edit = ev.target.closest('[data-edit]');
    if (edit) { openEdit(edit.dataset.edit); return; }
    const rm = ev.target.closest('[data-remove]');
    if (!rm) return;
    const name = rm.dataset.remove;
    if (!window.confirm(`Remove the user ${name}? Their sessions and API tokens end.`)) return;
    try {
      await api.del(`/users/${encodeURIComponent(name)}`);
      if (editing === name) { editing = null; $('#user-edit').hidden = true; }
      message(pageMsg, `User ${name} removed.`, 'info');
      await load();
      message(pageMsg, `User ${name} removed.`, 'info');
    } catch (e) {
      if (!(e instanceof api.AuthRedirect)) message(pageMsg, `Could not remove ${name}: ${e.message}`);
    }
  });

  $('#user-edit-cancel').addEventListener('click', () => { editing = null; $('#user-edit').hidden = true; });

  $('#user-edit-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const msg = $('#user-edit-msg');
    const u = users.find((x) => x.user === editing);
    if (!u) return;
    const body = {};
    if (form.role.value !== u.role) body.role = form.role.value;
    const nets = parseList(form.networks.value);
    const ifs = checkedIfaces(form);
    if (JSON.stringify(nets) !== JSON.stringify(u.allowed_networks || []) ||
        JSON.stringify(ifs) !== JSON.stringify(u.allowed_interfaces || [])) {
      body.allowed_networks = nets;
      body.allowed_interfaces = ifs;
    }
    if (form.password.value) body.password = form.password.value;
    if (!Object.keys(body).length) { message(msg, 'Nothing changed.', 'info'); return; }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await api.put(`/users/${encodeURIComponent(editing)}`, body);
      form.password.value = '';
      await load();
      message(msg, `Saved${body.password ? ' (password set: the user\'s sessions ended)' : ''}.`, 'info');
    } catch (e) {
      if (!(e instanceof api.AuthRedirect)) message(msg, e.message);
    } finally {
      button.disabled = false;
    }
  });

  $('#user-add-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const msg = $('#user-add-msg');
    const body = {
      user: form.user.value.trim(),
      password: form.password.value,
      role: form.role.value,
      allowed_interfaces: checkedIfaces(form),
      allowed_networks: parseList(form.networks.value),
    };
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await api.post('/users', body);
      form.reset();
      await load();
      message(msg, `User ${body.user} added.`, 'info');
    } catch (e) {
      if (!(e instanceof api.AuthRedirect)) message(msg, e.message);
    } finally {
      button.disabled = false;
    }
  });

  await load();
}
