// The single-page application: session check, top bar (interface switcher, host search, user
// menu), hash routing (#/page/arg?params) and the per-page refresh loop (every second, paused
// while the tab is hidden).
import * as api from './api.js';
import { $, $$, isIp } from './ui.js';

const ROUTES = {
  dashboard: () => import('./pages/dashboard.js'),
  hosts: () => import('./pages/hosts.js'),
  host: () => import('./pages/host.js'),
  flows: () => import('./pages/flows.js'),
  flow: () => import('./pages/flow.js'),
  applications: () => import('./pages/applications.js'),
  networks: () => import('./pages/networks.js'),
  graph: () => import('./pages/graph.js'),
  interface: () => import('./pages/interface.js'),
  users: () => import('./pages/users.js'),
  account: () => import('./pages/account.js'),
  preferences: () => import('./pages/preferences.js'),
  activity: () => import('./pages/activity.js'),
  asns: () => import('./pages/asns.js'),
  asn: () => import('./pages/asn.js'),
  countries: () => import('./pages/countries.js'),
  country: () => import('./pages/country.js'),
  geomap: () => import('./pages/geomap.js'),
};
// The top-bar tab lit for each page.
const NAV_OF = { host: 'hosts', flow: 'flows', asn: 'asns', country: 'countries' };

const IFACE_KEY = 'netlens.iface';
const state = { iface: 0, interfaces: [], user: null };
let current = null;   // {name, ctx, page}
let mountSeq = 0;

export function parseHash(hash = location.hash) {
  const h = hash.replace(/^#\/?/, '');
  const [path, qs = ''] = h.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { name: parts[0] || 'dashboard', args: parts.slice(1), params: new URLSearchParams(qs) };
}

/** Builds #/name/args?params. */
export function href(name, args = [], params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const path = [name, ...args.map(encodeURIComponent)].join('/');
  const s = q.toString();
  return `#/${path}${s ? `?${s}` : ''}`;
}

function showBanner(message) {
  const b = $('#banner');
  if (!message) { b.hidden = true; b.textContent = ''; return; }
  b.textContent = message;
  b.hidden = false;
}

/** A page's lifetime: refresh loops and cleanups end when the page is left. */
class PageContext {
  constructor(main, route) {
    this.main = main;
    this.name = route.name;
    this.args = route.args;
    this.params = route.params;
    this.iface = state.iface;
    this.interfaces = state.interfaces;
    this.user = state.user;   // GET /me (null when this netlens has no login)
    this.alive = true;
    this.cleanups = [];
    this.loops = [];
  }

  onDispose(fn) { this.cleanups.push(fn); }

  /**
   * Runs fn now and then every ms milliseconds after it finishes; skipped while the tab is
   * hidden (it runs again as soon as the tab is visible). Errors show in the banner.
   */
  every(ms, fn) {
    const loop = { timer: null, running: false, ms, fn };
    const run = async () => {
      if (!this.alive) return;
      clearTimeout(loop.timer);
      if (document.hidden) return;   // resumed by visibilitychange
      if (loop.running) { loop.pending = true; return; }
      loop.running = true;
      loop.pending = false;
      const started = performance.now();
      try {
        await fn();
        showBanner('');
      } catch (e) {
        if (!(e instanceof api.AuthRedirect) && e.name !== 'AbortError' && this.alive) {
          showBanner(e.message || String(e));
          if (!(e instanceof api.ApiError)) console.warn(e);
        }
      } finally {
        loop.running = false;
        // A steady cadence: the time the refresh took counts toward the interval.
        const delay = loop.pending ? 0 : Math.max(100, ms - (performance.now() - started));
        if (this.alive && (ms > 0 || loop.pending)) loop.timer = setTimeout(run, delay);
      }
    };
    loop.run = run;
    this.loops.push(loop);
    run();
    return { refresh: run };
  }

  /** Changes this page's query parameters (new history entry unless replace). */
  navigate(params, replace = false) {
    const url = href(this.name, this.args, params);
    if (replace) {
      history.replaceState(null, '', url);
      route();
    } else {
      location.hash = url;
    }
  }

  dispose() {
    this.alive = false;
    for (const l of this.loops) clearTimeout(l.timer);
    for (const fn of this.cleanups) { try { fn(); } catch (e) { console.warn(e); } }
  }

  resume() {
    for (const l of this.loops) if (!l.running) l.run();
  }
}

async function route() {
  const r = parseHash();
  if (!ROUTES[r.name]) { location.replace(href('dashboard')); return; }
  for (const a of $$('.mainnav a')) {
    const on = a.dataset.route === (NAV_OF[r.name] || r.name);
    a.classList.toggle('active', on);
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  // Same page, other parameters: let the page update in place (keeps focus and scroll).
  if (current && current.name === r.name && current.iface === state.iface &&
      current.args.join('/') === r.args.join('/') && current.page.update) {
    current.ctx.params = r.params;
    current.page.update(r.params);
    return;
  }
  const seq = ++mountSeq;
  const mod = await ROUTES[r.name]();
  if (seq !== mountSeq) return;
  if (current) current.ctx.dispose();
  showBanner('');
  const main = $('#main');
  main.replaceChildren();
  main.className = `page-${r.name}`;
  const ctx = new PageContext(main, r);
  let page = {};
  try {
    page = (await mod.mount(ctx)) || {};
  } catch (e) {
    if (!(e instanceof api.AuthRedirect)) {
      showBanner(e.message || String(e));
      console.warn(e);
    }
  }
  current = { name: r.name, args: r.args, iface: state.iface, ctx, page };
  document.title = `${ctx.title || r.name} · netlens`;
}

function remount() {
  if (current) { current.ctx.dispose(); current = null; }
  route();
}

async function loadInterfaces() {
  const list = await api.get('/interfaces');
  state.interfaces = list;
  const saved = Number(localStorage.getItem(IFACE_KEY));
  state.iface = list.some((i) => i.id === saved) ? saved : (list[0]?.id ?? 0);
  const sel = $('#ifselect');
  sel.replaceChildren(...list.map((i) => {
    const o = document.createElement('option');
    o.value = String(i.id);
    const name = i.name || `interface ${i.id}`;
    o.textContent = name.length > 40 ? `…${name.slice(-38)}` : name;
    o.title = name;
    return o;
  }));
  sel.value = String(state.iface);
  sel.closest('.ifswitch').hidden = list.length === 0;
}

function setupTopbar() {
  $('#ifselect').addEventListener('change', (ev) => {
    state.iface = Number(ev.target.value);
    localStorage.setItem(IFACE_KEY, String(state.iface));
    // Hosts and flows of one interface mean nothing on another: leave detail pages.
    const r = parseHash();
    if (r.name === 'host' || r.name === 'flow') location.hash = href(r.name === 'host' ? 'hosts' : 'flows');
    else remount();
  });
  $('#hostsearch').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = $('#hostsearch-q');
    const q = input.value.trim();
    if (!q) return;
    if (isIp(q)) {
      try {
        await api.get(`/interfaces/${state.iface}/hosts/${encodeURIComponent(q)}`);
        location.hash = href('host', [q]);
        input.value = '';
        return;
      } catch (e) {
        if (e instanceof api.AuthRedirect) return;
      }
    }
    location.hash = href('hosts', [], { q });
    input.value = '';
  });
  $('#logout').addEventListener('click', async () => {
    try {
      await api.logout();
    } catch (e) {
      if (e instanceof api.ApiError && e.status === 403) {
        showBanner(`Logging out failed (${e.message}): log out from the tab you logged in with, or close the browser.`);
        return;
      }
    }
    location.assign('login.html?logged_out=1');
  });
  document.addEventListener('visibilitychange', () => {
    $('#live').classList.toggle('paused', document.hidden);
    $('#live').textContent = document.hidden ? 'paused' : 'live';
    if (!document.hidden && current) current.ctx.resume();
  });
  window.addEventListener('hashchange', route);
}

async function start() {
  setupTopbar();
  try {
    const me = await api.session();
    if (me) {
      state.user = me;
      if (me.must_change_password) {
        api.goToLogin('&change=1');
        return;
      }
      // Without a session (login disabled, or HTTP Basic) there is nothing to log out of.
      if (api.csrfToken()) $('#usermenu').hidden = false;
      $('#username').textContent = `${me.user}${me.role ? ` (${me.role})` : ''}`;
    }
    // Administration pages: administrators (and netlens without login, where everyone is one).
    const admin = !me || me.role === 'administrator';
    for (const a of $$('.mainnav a[data-admin]')) a.hidden = !admin;
    await loadInterfaces();
  } catch (e) {
    if (e instanceof api.AuthRedirect) return;
    showBanner(e.message || String(e));
  }
  route();
  refreshStatus();
}

async function refreshStatus() {
  try {
    const s = await api.get('/status');
    $('#footer-status').textContent = `netlens ${s.version}`;
  } catch { /* the footer is optional */ }
}

start();
