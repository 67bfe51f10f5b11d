// Preferences (administrators): the settings netlens applies at run time. Each is saved with
// PUT /api/v1/preferences/{key} (the body is the JSON value) and takes effect at once.
import * as api from '../api.js';
import { html, render } from '../ui.js';

const TIMEOUTS = [
  ['flow_idle_timeout', 'Flow idle timeout', 'a flow without packets for this long ends', 60],
  ['tcp_closed_timeout', 'Closed TCP flow timeout', 'a closed or reset TCP flow ends after this', 10],
  ['local_host_idle_timeout', 'Local host idle timeout', 'a local host without traffic for this long is forgotten', 300],
  ['remote_host_idle_timeout', 'Remote host idle timeout', 'a remote host without traffic for this long is forgotten', 60],
];
const APPS = 'local_host_applications';
const DNS = 'dns_resolution_mode';
const DNS_MODES = [['decode', 'Decode names from traffic only (DNS, mDNS, NetBIOS, DHCP, TLS, HTTP)'],
  ['local', 'Also ask the DNS for the names of local hosts'], ['all', 'Also ask the DNS for the names of all hosts'],
  ['none', 'No names from DNS, mDNS, NetBIOS or DHCP']];
const KNOWN = new Set([...TIMEOUTS.map(([k]) => k), APPS, DNS]);

function message(el, text, kind = 'error') {
  el.textContent = text || '';
  el.className = `msg ${kind}`;
  el.hidden = !text;
}

export async function mount(ctx) {
  ctx.title = 'Preferences';
  render(ctx.main, html`
    <h1>Preferences</h1>
    <p class="lead">Saved in netlens's database. These apply at once, without a restart, and at every start unless the command line sets them.</p>
    <div class="msg error" id="prefs-msg-page" role="alert" hidden></div>
    <section class="card" id="prefs-card" hidden>
      <form class="adminform" id="prefs-form" autocomplete="off" novalidate>
        <div class="msg" id="prefs-msg" role="alert" hidden></div>
        ${TIMEOUTS.map(([key, label, help, def]) => html`
          <label>${label} <span class="dim small">${help}; seconds, 1 to 86400 (default ${def} on live sources; unset on a capture file: nothing expires)</span>
            <span class="unit"><input type="number" name="${key}" id="pref-${key}" min="1" max="86400" step="1" inputmode="numeric" placeholder="default"> s</span></label>`)}
        <label class="check"><input type="checkbox" name="${APPS}" id="pref-${APPS}"> Per-application traffic of local hosts <span class="dim small">(more memory per host)</span></label>
        <label>DNS resolution mode <span class="dim small">(like -n; the command line wins)</span>
          <select name="${DNS}" id="pref-${DNS}">${DNS_MODES.map(([v, t]) => html`<option value="${v}">${t}</option>`)}</select></label>
        <div class="formbuttons"><button type="submit" class="button primary">Save</button></div>
      </form>
    </section>
    <section class="card" id="prefs-other" hidden>
      <h2>Other stored preferences</h2>
      <div id="prefs-other-list"></div>
    </section>`);
  const $ = (sel) => ctx.main.querySelector(sel);
  const form = $('#prefs-form');
  const msg = $('#prefs-msg');
  let stored = {};

  function fill() {
    for (const [key] of TIMEOUTS) form[key].value = Number.isInteger(stored[key]) ? String(stored[key]) : '';
    form[APPS].checked = typeof stored[APPS] === 'boolean' ? stored[APPS] : true;
    form[DNS].value = typeof stored[DNS] === 'string' ? stored[DNS] : 'decode';
    const others = Object.entries(stored).filter(([k]) => !KNOWN.has(k));
    $('#prefs-other').hidden = others.length === 0;
    render($('#prefs-other-list'), html`<dl class="facts">${others.map(([k, v]) => html`<dt class="mono">${k}</dt><dd class="mono">${JSON.stringify(v)}</dd>`)}</dl>`);
  }

  async function load() {
    try {
      stored = (await api.get('/preferences')) || {};
    } catch (e) {
      if (e instanceof api.AuthRedirect) return false;
      $('#prefs-card').hidden = true;
      message($('#prefs-msg-page'), e.status === 403 ? `${e.message}: only administrators change preferences.` : e.message);
      return false;
    }
    message($('#prefs-msg-page'), '');
    $('#prefs-card').hidden = false;
    fill();
    return true;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    // What changed, checked first: nothing is saved when one value is wrong.
    const changes = [];
    for (const [key, label] of TIMEOUTS) {
      const text = form[key].value.trim();
      if (text === '') {
        if (Number.isInteger(stored[key])) { message(msg, `${label}: a saved value cannot be unset, enter 1 to 86400 seconds.`); form[key].focus(); return; }
        continue;
      }
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < 1 || n > 86400) { message(msg, `${label} must be a whole number of seconds from 1 to 86400.`); form[key].focus(); return; }
      if (n !== stored[key]) changes.push([key, n]);
    }
    const apps = form[APPS].checked;
    if (apps !== (typeof stored[APPS] === 'boolean' ? stored[APPS] : true)) changes.push([APPS, apps]);
    const dns = form[DNS].value;
    if (dns !== (typeof stored[DNS] === 'string' ? stored[DNS] : 'decode')) changes.push([DNS, dns]);
    if (!changes.length) { message(msg, 'Nothing changed.', 'info'); return; }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    const saved = [];
    try {
      for (const [key, value] of changes) {
        await api.put(`/preferences/${encodeURIComponent(key)}`, value);
        saved.push(key);
      }
      message(msg, `Saved ${saved.join(', ')}: applied at once.`, 'info');
    } catch (e) {
      if (e instanceof api.AuthRedirect) return;
      message(msg, `${saved.length ? `Saved ${saved.join(', ')}; ` : ''}not saved: ${e.message}`);
    } finally {
      button.disabled = false;
    }
    const keep = msg.textContent;
    const kind = msg.className.includes('info') ? 'info' : 'error';
    if (await load()) message(msg, keep, kind);
  });

  await load();
}
