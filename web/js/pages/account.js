// My account: who I am, change my password, create and revoke API tokens. The API has no list
// of tokens (a token is shown once), so the table holds those created in this browser session.
import * as api from '../api.js';
import { html, render, facts, DataTable } from '../ui.js';
import * as fmt from '../format.js';

const TOKENS_KEY = 'netlens.tokens';

function message(el, text, kind = 'error') {
  el.textContent = text || '';
  el.className = `msg ${kind}`;
  el.hidden = !text;
}

// Tokens created in this session: [{id, label, created, user}] (never the secret itself).
function loadTokens(user) {
  try {
    const list = JSON.parse(sessionStorage.getItem(TOKENS_KEY) || '[]');
    return Array.isArray(list) ? list.filter((t) => t.user === user) : [];
  } catch { return []; }
}

function saveTokens(user, list) {
  try {
    const others = JSON.parse(sessionStorage.getItem(TOKENS_KEY) || '[]').filter((t) => t.user !== user);
    sessionStorage.setItem(TOKENS_KEY, JSON.stringify([...others, ...list]));
  } catch { /* storage disabled: the list lives in this page only */ }
}

async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (plain HTTP on another host): select and copy the old way.
    input.select();
    try { return document.execCommand('copy'); } catch { return false; }
  }
}

export async function mount(ctx) {
  ctx.title = 'My account';
  let me = ctx.user;
  try {
    me = await api.get('/me');
    if (me && me.csrf_token) api.setCsrfToken(me.csrf_token);
  } catch (e) {
    if (e instanceof api.AuthRedirect) return;
    if (!(e instanceof api.ApiError && e.status === 404)) throw e;
    me = null;
  }
  const user = me?.user || '';
  render(ctx.main, html`
    <h1>My account <span class="subtitle mono">${user}</span></h1>
    <div class="grid2">
      <div>
        <section class="card" id="account-facts">
          <h2>Who I am</h2>
          ${me ? facts([
            ['User', html`<span class="mono">${me.user}</span>`],
            ['Role', me.role],
            ['Interfaces', me.allowed_interfaces?.length ? me.allowed_interfaces.join(', ') : 'all'],
            ['Networks', me.allowed_networks?.length ? me.allowed_networks.join(', ') : 'all addresses'],
          ]) : html`<p class="dim">This netlens has no users.</p>`}
        </section>
        <section class="card">
          <h2>Change my password</h2>
          <form class="adminform" id="pw-form" autocomplete="off">
            <div class="msg" id="pw-msg" role="alert" hidden></div>
            <input type="text" name="username" autocomplete="username" value="${user}" hidden>
            <label>Current password <input type="password" name="old" id="pw-old" required autocomplete="current-password"></label>
            <label>New password <input type="password" name="new" id="pw-new" required autocomplete="new-password"></label>
            <label>New password again <input type="password" name="again" id="pw-again" required autocomplete="new-password"></label>
            <p class="dim small">Your other sessions end; this one goes on.</p>
            <div class="formbuttons"><button type="submit" class="button primary">Change password</button></div>
          </form>
        </section>
      </div>
      <section class="card">
        <h2>API tokens</h2>
        <p class="dim small">For scripts: send <span class="mono">Authorization: Bearer TOKEN</span>. A token acts as you, with your role and limits.</p>
        <form class="adminform inline" id="token-form" autocomplete="off">
          <div class="msg" id="token-msg" role="alert" hidden></div>
          <label>Label <input type="text" name="label" id="token-label" placeholder="e.g. monitoring script" maxlength="100"></label>
          <div class="formbuttons"><button type="submit" class="button primary">Create a token</button></div>
        </form>
        <div class="tokenbox" id="token-new" hidden>
          <p><strong>New token <span id="token-new-label"></span>:</strong> copy it now, <strong>it is not shown again</strong>.</p>
          <div class="tokenrow">
            <input type="text" id="token-value" class="mono" readonly aria-label="The new API token">
            <button type="button" class="button" id="token-copy">Copy</button>
          </div>
          <span class="dim small" id="token-copied" role="status"></span>
        </div>
        <h2 class="spaced">Tokens created in this session</h2>
        <p class="dim small">netlens never shows a token again, nor lists them: this list only holds the tokens created from this browser tab's session. Tokens made elsewhere keep working until revoked there (or until the user is removed).</p>
        <div id="tokens-card"></div>
      </section>
    </div>`);
  const $ = (sel) => ctx.main.querySelector(sel);

  // Password.
  $('#pw-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const msg = $('#pw-msg');
    if (form.new.value !== form.again.value) { message(msg, 'The two new passwords differ.'); form.again.focus(); return; }
    if (form.new.value === form.old.value) { message(msg, 'The new password must differ from the current one.'); form.new.focus(); return; }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const r = await api.post('/me/password', { old: form.old.value, new: form.new.value }, { noAuthRedirect: true });
      if (r && r.csrf_token) api.setCsrfToken(r.csrf_token);   // the session goes on under a new id
      form.reset();
      message(msg, 'Password changed.', 'info');
    } catch (e) {
      if (e.status === 401 || (e.status === 403 && !/csrf/i.test(e.message))) message(msg, 'The current password is wrong.');
      else message(msg, e.message || 'The password was not changed.');
    } finally {
      button.disabled = false;
      form.old.value = '';
    }
  });

  // Tokens.
  let tokens = loadTokens(user);
  let shownId = null;   // the token whose secret is on screen
  const table = new DataTable({
    empty: 'None yet.',
    rowAttrs: (t) => `data-token-id="${Number(t.id)}"`,
    columns: [
      { label: 'ID', cls: 'num', render: (t) => t.id },
      { label: 'Label', render: (t) => t.label || html`<span class="dim">(none)</span>` },
      { label: 'Created', render: (t) => fmt.datetime(t.created) },
      { label: '', cls: 'narrow', render: (t) => html`<button type="button" class="button small danger" data-revoke="${t.id}">Revoke</button>` },
    ],
  });
  $('#tokens-card').append(table.el);
  table.setRows(tokens);

  $('#token-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const msg = $('#token-msg');
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    message(msg, '');
    try {
      const t = await api.post('/me/tokens', { label: form.label.value.trim() });
      tokens.push({ id: t.id, label: t.label, created: Date.now() / 1000, user });
      saveTokens(user, tokens);
      table.setRows(tokens);
      $('#token-value').value = t.token;
      shownId = t.id;
      $('#token-new-label').textContent = t.label ? `“${t.label}”` : `#${t.id}`;
      $('#token-copied').textContent = '';
      $('#token-new').hidden = false;
      form.reset();
      $('#token-value').select();
    } catch (e) {
      if (!(e instanceof api.AuthRedirect)) message(msg, e.message);
    } finally {
      button.disabled = false;
    }
  });

  $('#token-copy').addEventListener('click', async () => {
    const input = $('#token-value');
    const ok = await copyText(input.value, input);
    $('#token-copied').textContent = ok ? 'Copied.' : 'Could not copy: select it and copy it yourself.';
  });

  $('#tokens-card').addEventListener('click', async (ev) => {
    const b = ev.target.closest('[data-revoke]');
    if (!b) return;
    const id = Number(b.dataset.revoke);
    const msg = $('#token-msg');
    b.disabled = true;
    try {
      await api.del(`/me/tokens/${id}`);
      message(msg, `Token ${id} revoked.`, 'info');
    } catch (e) {
      if (e instanceof api.AuthRedirect) return;
      b.disabled = false;
      if (e.status !== 404) { message(msg, `Could not revoke token ${id}: ${e.message}`); return; }
      message(msg, `Token ${id} no longer exists.`, 'info');
    }
    tokens = tokens.filter((t) => t.id !== id);
    saveTokens(user, tokens);
    table.setRows(tokens);
    // The secret of a revoked token is of no use any more.
    if (shownId === id) { shownId = null; $('#token-new').hidden = true; $('#token-value').value = ''; }
  });
}
