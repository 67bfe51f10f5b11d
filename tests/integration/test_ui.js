// Browser test of the web UI: a real netlens serves a corpus capture and the pages in web/ on a
// free 127.0.0.1 port; Debian's chromium (driven by playwright-core) opens every page and the
// test compares what the pages show with what the REST API answers. No page may log a
// JavaScript error.
//
// Run: ctest --test-dir BUILD -R '^ui$' --output-on-failure
//  or: NETLENS_BIN=build/netlens NETLENS_SHARED=../shared node --test tests/integration/test_ui.js
// NETLENS_UI_SCREENSHOTS=DIR also saves a PNG of every page in DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, apiJson } from './ui_common.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const require = createRequire(path.join(here, 'ui', 'package.json'));
const { chromium } = require('playwright-core');
const fmt = await import(path.join(repo, 'web/js/format.js'));

const NETLENS = process.env.NETLENS_BIN || path.join(repo, 'build/netlens');
const SHARED = process.env.NETLENS_SHARED || path.resolve(repo, '../shared');
const CHROMIUM = process.env.NETLENS_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.NETLENS_UI_SCREENSHOTS || '';
const PCAP = path.join(SHARED, 'pcaps/1kxun.pcap');
const WAIT = 10000;

let proc, base, context, profile, hasLogin, dataDir;
const errors = [];   // JS errors of every page: [where, message]

const api = (p) => apiJson(base, p);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens a page of the app and records its errors. */
async function open(hash, name) {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push([name, `pageerror: ${e.message}`]));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Until the lead's login exists, GET /api/v1/me answers 404 and the browser logs it.
    if (!hasLogin && m.location().url === `${base}/api/v1/me`) return;
    errors.push([name, `console: ${m.text()} (${m.location().url})`]);
  });
  await page.goto(`${base}/${hash}`, { waitUntil: 'domcontentloaded' });
  return page;
}

async function shot(page, name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await sleep(300);
  await page.screenshot({ path: path.join(SHOTS, `netlens-ui-${name}.png`), fullPage: true });
}

/** Texts (or an attribute) of the elements matching selector. */
function texts(page, selector, attr) {
  return page.$$eval(selector, (els, a) => els.map((e) => (a ? e.getAttribute(a) : e.textContent.trim())), attr);
}

/** Waits until the elements' texts equal expected, then asserts it (a clear diff on failure). */
async function expectTexts(page, selector, expected, what, attr) {
  try {
    await page.waitForFunction(([sel, exp, a]) => {
      const got = [...document.querySelectorAll(sel)].map((e) => (a ? e.getAttribute(a) : e.textContent.trim()));
      return JSON.stringify(got) === JSON.stringify(exp);
    }, [selector, expected, attr], { timeout: WAIT });
  } catch { /* the assertion below says what differs */ }
  assert.deepEqual(await texts(page, selector, attr), expected, what);
}

async function expectText(page, selector, expected, what) {
  try {
    await page.waitForFunction(([sel, exp]) => document.querySelector(sel)?.textContent.trim() === exp, [selector, expected], { timeout: WAIT });
  } catch { /* asserted below */ }
  const got = await page.$eval(selector, (e) => e.textContent.trim()).catch(() => null);
  assert.equal(got, expected, what);
}

function pageErrors(name) {
  return errors.filter(([n]) => n === name).map(([, m]) => m);
}

before(async () => {
  assert.ok(fs.existsSync(NETLENS), `netlens binary not found: ${NETLENS} (set NETLENS_BIN)`);
  assert.ok(fs.existsSync(PCAP), `capture not found: ${PCAP} (set NETLENS_SHARED)`);
  const help = spawnSync(NETLENS, ['--help'], { encoding: 'utf8' });
  const noLogin = /--disable-login/.test(help.stdout + help.stderr) ? ['--disable-login'] : [];
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // netlens's data (time series) in a directory of the test's own.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-ui-data-'));
  proc = spawn(NETLENS, ['-q', '-i', PCAP, '-m', '192.168.0.0/16', '-w', `127.0.0.1:${port}`,
    '--web-root', path.join(repo, 'web'), ...noLogin], { stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NETLENS_DATA_DIR: dataDir } });
  // Up, and the whole capture read (two equal answers in a row).
  let last = -1;
  for (let i = 0; ; i++) {
    assert.ok(i < 150, 'the API did not answer within 15 s');
    assert.equal(proc.exitCode, null, 'netlens exited early');
    try {
      const list = await (await fetch(`${base}/api/v1/interfaces`)).json();
      if (list[0]?.packets && list[0].packets === last) break;
      last = list[0]?.packets ?? -1;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  hasLogin = (await fetch(`${base}/api/v1/me`)).status !== 404;
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-ui-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (context) await context.close();
  if (proc && proc.exitCode === null) {
    proc.kill('SIGTERM');
    await new Promise((r) => { proc.once('exit', r); setTimeout(r, 5000); });
  }
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('dashboard: the chart gets points, counters and top talkers match the API', async () => {
  const page = await open('#/dashboard', 'dashboard');
  // A capture read to its end: a zero-rate point every ~2 s.
  await page.waitForFunction(() => Number(document.querySelector('#dash-chart')?.dataset.points) >= 2, null, { timeout: 2 * WAIT });
  assert.ok(await page.$('#dash-chart canvas'), 'the uPlot chart has a canvas');
  const iface = await api('/interfaces/0');
  await expectText(page, '[data-tile=hosts] .tile-value', fmt.count(iface.interface.hosts.active), 'hosts counter');
  await expectText(page, '[data-tile=flows] .tile-value', fmt.count(iface.interface.flows.active), 'flows counter');
  await expectText(page, '[data-tile=traffic] .tile-value', fmt.bytes(iface.interface.bytes), 'traffic counter');
  const top = await api('/interfaces/0/top_talkers?n=10');
  await expectTexts(page, '#dash-talkers tbody tr td:first-child a', top.hosts.map((h) => h.ip), 'top talkers');
  await expectTexts(page, '#dash-apps tbody tr td:first-child a', top.applications.map((a) => a.name), 'top applications');
  await shot(page, 'dashboard');
  assert.deepEqual(pageErrors('dashboard'), []);
  await page.close();
});

const HOST_IPS = '#hosts-card tbody tr td:first-child a';

test('hosts: first rows, sorting by column header, paging and search match the API', async () => {
  const page = await open('#/hosts', 'hosts');
  const byBytes = await api('/interfaces/0/hosts?sort=bytes&per_page=50');
  await expectTexts(page, HOST_IPS, byBytes.hosts.map((h) => h.ip), 'page 1 sorted by traffic');
  await shot(page, 'hosts');

  // Click "IP address": ascending by address.
  await page.click('#hosts-card th[data-sort=ip] button');
  const byIp = await api('/interfaces/0/hosts?sort=ip&order=asc&per_page=50');
  await expectTexts(page, HOST_IPS, byIp.hosts.map((h) => h.ip), 'sorted by IP address (ascending)');
  assert.notEqual(byIp.hosts[0].ip, byBytes.hosts[0].ip, 'the first row changes');
  // Again: descending.
  await page.click('#hosts-card th[data-sort=ip] button');
  const byIpDesc = await api('/interfaces/0/hosts?sort=ip&order=desc&per_page=50');
  await expectTexts(page, HOST_IPS, byIpDesc.hosts.map((h) => h.ip), 'sorted by IP address (descending)');
  // Sent.
  await page.click('#hosts-card th[data-sort=sent] button');
  const bySent = await api('/interfaces/0/hosts?sort=sent&order=desc&per_page=50');
  await expectTexts(page, HOST_IPS, bySent.hosts.map((h) => h.ip), 'sorted by bytes sent');

  // Back to traffic, then page 2.
  await page.click('#hosts-card th[data-sort=bytes] button');
  await expectTexts(page, HOST_IPS, byBytes.hosts.map((h) => h.ip), 'sorted by traffic again');
  await page.click('#hosts-card .pager button.next');
  const page2 = await api('/interfaces/0/hosts?sort=bytes&per_page=50&page=2');
  assert.ok(page2.hosts.length > 0, 'the capture has a second page of hosts');
  await expectTexts(page, HOST_IPS, page2.hosts.map((h) => h.ip), 'page 2');
  assert.match(page.url(), /page=2/, 'the page is in the address');

  // Local / remote filter.
  await page.click('[data-filter=remote]');
  const remote = await api('/interfaces/0/hosts?sort=bytes&per_page=50&filter=remote');
  await expectTexts(page, HOST_IPS, remote.hosts.map((h) => h.ip), 'remote hosts');
  await page.click('[data-filter=local]');
  const local = await api('/interfaces/0/hosts?sort=bytes&per_page=50&filter=local');
  await expectTexts(page, HOST_IPS, local.hosts.map((h) => h.ip), 'local hosts');
  await page.click('[data-filter=""]');

  // Search an address: that host only.
  const target = byBytes.hosts[3].ip;
  await page.fill('#hosts-q', target);
  const found = await api(`/interfaces/0/hosts?sort=bytes&per_page=50&q=${encodeURIComponent(target)}`);
  await expectTexts(page, HOST_IPS, found.hosts.map((h) => h.ip), `search ${target}`);
  assert.ok(found.hosts.some((h) => h.ip === target));
  // A prefix.
  await page.fill('#hosts-q', '192.168.');
  const prefix = await api('/interfaces/0/hosts?sort=bytes&per_page=50&q=192.168.');
  await expectTexts(page, HOST_IPS, prefix.hosts.map((h) => h.ip), 'search 192.168.');
  await shot(page, 'hosts-search');
  assert.deepEqual(pageErrors('hosts'), []);
  await page.close();
});

test('top bar search of an IP opens that host; host details match the API', async () => {
  const page = await open('#/dashboard', 'host');
  const top = await api('/interfaces/0/hosts?sort=bytes&per_page=1');
  const ip = top.hosts[0].ip;
  await page.fill('#hostsearch-q', ip);
  await page.press('#hostsearch-q', 'Enter');
  await page.waitForFunction((want) => location.hash === `#/host/${want}`, ip, { timeout: WAIT });
  const doc = await api(`/interfaces/0/hosts/${ip}`);
  const h = doc.host;
  await page.waitForSelector('#host-traffic[data-sent]', { timeout: WAIT });
  assert.equal(await page.$eval('#host-traffic', (e) => Number(e.dataset.sent)), h.sent.bytes, 'sent bytes');
  assert.equal(await page.$eval('#host-traffic', (e) => Number(e.dataset.received)), h.received.bytes, 'received bytes');
  await expectText(page, '[data-tile=sent] .tile-value', fmt.bytes(h.sent.bytes), 'sent tile');
  await expectText(page, '[data-tile=received] .tile-value', fmt.bytes(h.received.bytes), 'received tile');
  await expectTexts(page, '#host-traffic-table tbody td:nth-child(3)',
    [fmt.count(h.sent.packets), fmt.count(h.received.packets), fmt.count(h.sent.packets + h.received.packets)], 'packets');
  // Applications and peers of this local host.
  const apps = h.applications.slice().sort((a, b) => (b.sent.bytes + b.received.bytes) - (a.sent.bytes + a.received.bytes)).map((a) => a.name);
  assert.deepEqual((await texts(page, '#host-apps tbody tr td:first-child a')).slice().sort(), apps.slice().sort(), 'applications');
  assert.equal((await texts(page, '#host-peers tbody tr td:first-child a')).length, Math.min(50, h.peers.length), 'peers');
  // Its flows (the API's first page of flows of this host).
  const flows = await api(`/interfaces/0/flows?host=${ip}&sort=bytes&per_page=50`);
  await expectTexts(page, '#host-flows tbody tr td:first-child a', flows.flows.map((f) => `#/flow/${f.id}`), 'flows of the host', 'href');
  // The JSON download.
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), page.click('#host-json')]);
  const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(saved.host.ip, ip);
  assert.equal(saved.host.sent.bytes, h.sent.bytes);
  await shot(page, 'host');
  assert.deepEqual(pageErrors('host'), []);
  await page.close();
});

const FLOW_IDS = '.flows-card tbody tr td:first-child a';
const ids = (doc) => doc.flows.map((f) => `#/flow/${f.id}`);

test('flows: rows, sorting, paging and filters match the API; flow details', async () => {
  const page = await open('#/flows', 'flows');
  const first = await api('/interfaces/0/flows?sort=bytes&per_page=50');
  await expectTexts(page, FLOW_IDS, ids(first), 'page 1 sorted by bytes', 'href');
  // The row's cells: application, client, server, bytes.
  const f0 = first.flows[0];
  const cells = await page.$$eval('.flows-card tbody tr:first-child td', (tds) => tds.map((t) => t.textContent.trim()));
  assert.equal(cells[1], f0.app);
  assert.equal(cells[3], fmt.endpoint(f0.client_ip, f0.client_port));
  assert.equal(cells[4], fmt.endpoint(f0.server_ip, f0.server_port));
  assert.equal(cells[8], fmt.bytes(f0.cli2srv_bytes + f0.srv2cli_bytes));
  assert.equal(cells[9], f0.url || f0.server_name || f0.info || '');
  await shot(page, 'flows');

  await page.click('.flows-card th[data-sort=throughput] button');
  await expectTexts(page, FLOW_IDS, ids(await api('/interfaces/0/flows?sort=throughput&order=desc&per_page=50')), 'sorted by throughput', 'href');
  await page.click('.flows-card th[data-sort=client] button');
  await expectTexts(page, FLOW_IDS, ids(await api('/interfaces/0/flows?sort=client&order=asc&per_page=50')), 'sorted by client', 'href');
  await page.click('.flows-card .pager button.next');
  await expectTexts(page, FLOW_IDS, ids(await api('/interfaces/0/flows?sort=client&order=asc&per_page=50&page=2')), 'page 2', 'href');

  await page.selectOption('.flow-filters select[name=app]', 'HTTP');
  await expectTexts(page, FLOW_IDS, ids(await api('/interfaces/0/flows?sort=client&order=asc&per_page=50&app=HTTP')), 'application HTTP', 'href');
  await page.selectOption('.flow-filters select[name=l4]', 'udp');
  await page.selectOption('.flow-filters select[name=app]', '');
  await expectTexts(page, FLOW_IDS, ids(await api('/interfaces/0/flows?sort=client&order=asc&per_page=50&l4=udp')), 'L4 UDP', 'href');
  await page.selectOption('.flow-filters select[name=l4]', '');
  await page.fill('.flow-filters input[name=port]', '80');
  await expectTexts(page, FLOW_IDS, ids(await api('/interfaces/0/flows?sort=client&order=asc&per_page=50&port=80')), 'port 80', 'href');
  await page.fill('.flow-filters input[name=port]', '');
  const host = first.flows[0].server_ip;
  await page.fill('.flow-filters input[name=host]', host);
  await expectTexts(page, FLOW_IDS, ids(await api(`/interfaces/0/flows?sort=client&order=asc&per_page=50&host=${host}`)), `host ${host}`, 'href');

  // Flow details.
  await page.goto(`${base}/#/flow/${f0.id}`);
  await expectText(page, '#flow-endpoints', `${fmt.endpoint(f0.client_ip, f0.client_port)} → ${fmt.endpoint(f0.server_ip, f0.server_port)}`, 'flow endpoints');
  const body = await page.textContent('#flow-body');
  assert.ok(body.includes(fmt.bytes(f0.cli2srv_bytes + f0.srv2cli_bytes)), 'flow bytes shown');
  if (f0.server_name) assert.ok(body.includes(f0.server_name), 'server name shown');
  await shot(page, 'flow');
  assert.deepEqual(pageErrors('flows'), []);
  await page.close();
});

test('applications, networks, interface and graph pages show the API data', async () => {
  const page = await open('#/applications', 'others');
  const apps = await api('/interfaces/0/applications');
  const byBytes = apps.slice().sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name)).map((a) => a.name);
  await expectTexts(page, '#apps-card tbody tr td:first-child a', byBytes, 'applications by traffic');
  await page.click('#apps-card th[data-sort=name] button');
  const byName = apps.map((a) => a.name).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  assert.deepEqual(await texts(page, '#apps-card tbody tr td:first-child a'), byName.slice().sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)), 'applications by name');
  await shot(page, 'applications');

  await page.goto(`${base}/#/networks`);
  const nets = await api('/interfaces/0/networks');
  await expectTexts(page, '#nets-card tbody tr td:first-child', nets.map((n) => n.network), 'networks');
  const row = await page.$$eval('#nets-card tbody tr:first-child td', (tds) => tds.map((t) => t.textContent.trim()));
  assert.ok(row[4].startsWith(fmt.bytes(nets[0].ingress.bytes)), `ingress ${row[4]}`);
  assert.ok(row[5].startsWith(fmt.bytes(nets[0].egress.bytes)), `egress ${row[5]}`);
  assert.ok(row[6].startsWith(fmt.bytes(nets[0].inner.bytes)), `inner ${row[6]}`);
  await shot(page, 'networks');

  await page.goto(`${base}/#/interface`);
  const iface = (await api('/interfaces/0')).interface;
  await expectText(page, '[data-tile=packets] .tile-value', fmt.count(iface.packets), 'interface packets');
  await expectTexts(page, '#if-ipver tbody td:nth-child(2)', [fmt.count(iface.ipv4.packets), fmt.count(iface.ipv6.packets)], 'IPv4 / IPv6 packets');
  assert.equal((await texts(page, '#if-l4 tbody tr')).length, iface.l4_protocols.length, 'L4 protocols');
  // The capture is over: the packet thread's CPU time stays as the status API gives it.
  const cpu = (await api('/status')).interfaces[0].packet_thread_cpu;
  assert.ok(cpu > 0, `packet thread CPU ${cpu}`);
  await page.waitForFunction((want) => [...document.querySelectorAll('dl.facts dt')].some(
    (dt) => dt.textContent === 'Packet thread CPU' && dt.nextElementSibling.textContent === want), `${cpu.toFixed(3)} s`, { timeout: WAIT });
  await shot(page, 'interface');

  await page.goto(`${base}/#/graph`);
  const total = (await api('/interfaces/0/hosts?per_page=1')).total;
  await page.waitForFunction((n) => Number(document.querySelector('#graph')?.dataset.nodes) === n, Math.min(30, total), { timeout: WAIT });
  assert.equal((await page.$$('#graph .g-node')).length, Math.min(30, total), 'graph nodes');
  assert.ok(Number(await page.$eval('#graph', (e) => e.dataset.edges)) > 0, 'graph edges');
  await shot(page, 'graph');
  assert.deepEqual(pageErrors('others'), []);
  await page.close();
});

/** A second netlens with login enabled (fresh users database: admin/admin, to be changed). */
async function startLoginNetlens() {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-ui-data-'));
  const port = await freePort();
  const base2 = `http://127.0.0.1:${port}`;
  const p2 = spawn(NETLENS, ['-q', '-i', PCAP, '-m', '192.168.0.0/16', '-w', `127.0.0.1:${port}`, '-d', data,
    '--web-root', path.join(repo, 'web')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const stop = async () => {
    if (p2.exitCode === null) {
      p2.kill('SIGTERM');
      await new Promise((r) => { p2.once('exit', r); setTimeout(r, 5000); });
    }
    fs.rmSync(data, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      assert.ok(i < 150, 'the second netlens did not answer');
      try { if ((await fetch(`${base2}/api/v1/status`)).status === 401) break; } catch { /* starting */ }
      await sleep(100);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { base: base2, stop };
}

test('login page loads without errors', async () => {
  const page = await open('login.html?next=%2F%23%2Fhosts', 'login');
  const me = await fetch(`${base}/api/v1/me`);
  if (me.status === 404 || me.status === 200) {
    // No login on this netlens (or login disabled): back to the page asked for.
    await page.waitForFunction(() => location.hash === '#/hosts', null, { timeout: WAIT });
  } else {
    await page.waitForSelector('#login-section:not([hidden])', { timeout: WAIT });
  }
  assert.deepEqual(pageErrors('login'), []);
  await page.close();
});

test('login: redirect, wrong password, forced password change, session, 401 handling, logout', async (t) => {
  const t0 = Date.now();
  const step = (what) => t.diagnostic(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
  const help = spawnSync(NETLENS, ['--help'], { encoding: 'utf8' });
  if (!/--data-dir/.test(help.stdout + help.stderr)) { t.skip('this netlens has no login'); return; }
  const second = await startLoginNetlens();
  const base2 = second.base;
  try {
    const page = await open('', 'auth');
    await page.goto(`${base2}/#/hosts`);
    await page.waitForSelector('#login-section:not([hidden])', { timeout: WAIT });
    assert.match(page.url(), /\/login\.html\?next=/, 'sent to the login page');
    await shot(page, 'login');
    await page.fill('#login-user', 'admin');
    await page.fill('#login-password', 'wrong');
    await page.click('#login-form button[type=submit]');
    await expectText(page, '#login-msg', 'Wrong user name or password.', 'wrong password message');
    await page.fill('#login-password', 'admin');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#change-section:not([hidden])', { timeout: WAIT });
    await shot(page, 'change-password');
    step('logged in, password change asked');
    await page.fill('#change-old', 'admin');
    await page.fill('#change-new', 'ui-test-pass-1');
    await page.fill('#change-again', 'ui-test-pass-2');
    await page.click('#change-form button[type=submit]');
    await expectText(page, '#change-msg', 'The two new passwords differ.', 'mismatch message');
    await page.fill('#change-old', 'admin');
    await page.fill('#change-again', 'ui-test-pass-1');
    await page.click('#change-form button[type=submit]');
    // Back where we were going, logged in.
    await page.waitForFunction(() => location.hash === '#/hosts' && document.querySelectorAll('#hosts-card tbody tr td:first-child a').length > 0, null, { timeout: WAIT });
    await page.waitForSelector('#usermenu:not([hidden])', { timeout: WAIT });
    assert.match(await page.textContent('#username'), /admin/);
    step('password changed, back on the hosts page');
    // The session ends behind the page's back: the next refresh (401) leads to the login page.
    await context.clearCookies();
    await page.waitForURL(/\/login\.html\?next=/, { timeout: WAIT });
    step('session gone: on the login page');
    assert.match(decodeURIComponent(page.url()), /next=\/#\/hosts/, 'the login page knows where to come back');
    await page.waitForSelector('#login-section:not([hidden])', { timeout: WAIT });
    await page.fill('#login-user', 'admin');
    await page.fill('#login-password', 'ui-test-pass-1');
    await page.click('#login-form button[type=submit]');
    await page.waitForFunction(() => location.hash === '#/hosts', null, { timeout: WAIT });
    await page.waitForSelector('#usermenu:not([hidden])', { timeout: WAIT });
    // Log out (POST with the CSRF token).
    await page.click('#logout');
    step('logged out');
    await page.waitForURL(/\/login\.html\?logged_out=1/, { timeout: WAIT });
    await expectText(page, '#login-msg', 'You are logged out.', 'logged out');
    assert.equal((await fetch(`${base2}/api/v1/me`)).status, 401);
    // 401s of the API are expected in this test; no other error.
    assert.deepEqual(pageErrors('auth').filter((m) => !/status of 401/.test(m)), []);
    await page.close();
  } finally {
    // The 401s above are this test's business (asserted there), not the last test's.
    for (let i = errors.length - 1; i >= 0; i--) if (errors[i][0] === 'auth' && /status of 401/.test(errors[i][1])) errors.splice(i, 1);
    await second.stop();
  }
});

test('administration pages without login (--disable-login) show the API message', async (t) => {
  const r = await fetch(`${base}/api/v1/users`);
  if (r.status !== 400) { t.skip('this netlens is not run with --disable-login'); return; }
  const page = await open('#/users', 'admin-nologin');
  await page.waitForSelector('#users-msg:not([hidden])', { timeout: WAIT });
  assert.match(await page.textContent('#users-msg'), /login is disabled/);
  assert.equal(await page.isVisible('#users-body'), false, 'no user table');
  await page.goto(`${base}/#/preferences`);
  await page.waitForSelector('#prefs-msg-page:not([hidden])', { timeout: WAIT });
  assert.match(await page.textContent('#prefs-msg-page'), /login is disabled/);
  await page.goto(`${base}/#/account`);
  await page.waitForSelector('#token-form', { timeout: WAIT });
  await page.fill('#token-label', 'x');
  await page.click('#token-form button[type=submit]');
  await page.waitForSelector('#token-msg:not([hidden])', { timeout: WAIT });
  assert.match(await page.textContent('#token-msg'), /login is disabled/);
  // The 400s of this test are expected.
  assert.deepEqual(pageErrors('admin-nologin').filter((m) => !/status of 400/.test(m)), []);
  for (let i = errors.length - 1; i >= 0; i--) if (errors[i][0] === 'admin-nologin' && /status of 400/.test(errors[i][1])) errors.splice(i, 1);
  await page.close();
});

test('administration: users, viewer limited to a network, preferences, password and API tokens', async (t) => {
  const help = spawnSync(NETLENS, ['--help'], { encoding: 'utf8' });
  if (!/--data-dir/.test(help.stdout + help.stderr)) { t.skip('this netlens has no login'); return; }
  const second = await startLoginNetlens();
  const base2 = second.base;
  const ADMIN_PW = 'admin-ui-pass-1';
  const VIEWER_PW = 'viewer-ui-pass-1';
  const basic = (u, p) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
  let adminPw = ADMIN_PW;
  const api2 = async (p, who = ['admin', adminPw]) => {
    const r = await fetch(`${base2}/api/v1${p}`, { headers: basic(...who) });
    assert.equal(r.status, 200, `GET ${p} as ${who[0]}: HTTP ${r.status}`);
    return r.json();
  };
  let browser2;
  try {
    // The forced first change of admin/admin, through the API (the login test covers the page).
    const login = await fetch(`${base2}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'admin', password: 'admin' }) });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie').split(';')[0];
    const { csrf_token: csrf } = await login.json();
    const changed = await fetch(`${base2}/api/v1/me/password`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf }, body: JSON.stringify({ old: 'admin', new: ADMIN_PW }) });
    assert.equal(changed.status, 200);

    // The administrator logs in.
    const page = await open('', 'admin');
    await page.goto(`${base2}/#/users`);
    await page.waitForSelector('#login-section:not([hidden])', { timeout: WAIT });
    await page.fill('#login-user', 'admin');
    await page.fill('#login-password', ADMIN_PW);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#users-card tbody tr[data-user=admin]', { timeout: WAIT });
    assert.equal(await page.isVisible('.mainnav a[data-route=users]'), true, 'Users link shown to administrators');
    await shot(page, 'users');

    // An error of the API shows next to the form.
    await page.fill('#user-add-form input[name=user]', 'viewer1');
    await page.fill('#user-add-form input[name=password]', VIEWER_PW);
    await page.selectOption('#user-add-form select[name=role]', 'viewer');
    await page.fill('#user-add-form input[name=networks]', '192.168.5.0/33');
    await page.click('#user-add-form button[type=submit]');
    await page.waitForSelector('#user-add-msg.error:not([hidden])', { timeout: WAIT });
    assert.ok((await page.textContent('#user-add-msg')).length > 0, 'the API error is shown');
    // Add a viewer limited to 192.168.5.0/24.
    await page.fill('#user-add-form input[name=password]', VIEWER_PW);
    await page.fill('#user-add-form input[name=networks]', '192.168.5.0/24');
    await page.click('#user-add-form button[type=submit]');
    await page.waitForSelector('#users-card tbody tr[data-user=viewer1]', { timeout: WAIT });
    await expectText(page, '#users-card tr[data-user=viewer1] .user-role', 'viewer', 'viewer row role');
    await expectText(page, '#users-card tr[data-user=viewer1] .user-networks', '192.168.5.0/24', 'viewer row network');
    let v = (await api2('/users')).find((u) => u.user === 'viewer1');
    assert.ok(v, 'the API lists the viewer');
    assert.equal(v.role, 'viewer');
    assert.deepEqual(v.allowed_networks, ['192.168.5.0/24']);

    // The viewer, in another browser: only 192.168.5.x hosts, no administration links.
    browser2 = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const vctx = await browser2.newContext({ viewport: { width: 1400, height: 900 } });
    const vpage = await vctx.newPage();
    vpage.on('pageerror', (e) => errors.push(['viewer', `pageerror: ${e.message}`]));
    vpage.on('console', (m) => { if (m.type() === 'error') errors.push(['viewer', `console: ${m.text()} (${m.location().url})`]); });
    await vpage.goto(`${base2}/#/hosts`);
    await vpage.waitForSelector('#login-section:not([hidden])', { timeout: WAIT });
    await vpage.fill('#login-user', 'viewer1');
    await vpage.fill('#login-password', VIEWER_PW);
    await vpage.click('#login-form button[type=submit]');
    await vpage.waitForFunction(() => location.hash === '#/hosts' && document.querySelectorAll('#hosts-card tbody tr td:first-child a').length > 0, null, { timeout: WAIT });
    const seen = await api2('/interfaces/0/hosts?sort=bytes&per_page=50', ['viewer1', VIEWER_PW]);
    assert.ok(seen.hosts.length > 0 && seen.hosts.every((h) => h.ip.startsWith('192.168.5.')), 'the API limits the viewer');
    await expectTexts(vpage, HOST_IPS, seen.hosts.map((h) => h.ip), 'the viewer sees its network only');
    assert.ok((await texts(vpage, HOST_IPS)).every((ip) => ip.startsWith('192.168.5.')), 'only 192.168.5.x hosts');
    assert.equal(await vpage.isVisible('.mainnav a[data-route=users]'), false, 'no Users link for viewers');
    assert.equal(await vpage.isVisible('.mainnav a[data-route=preferences]'), false, 'no Preferences link for viewers');
    await vctx.close();

    // The administrator makes the viewer an administrator.
    await page.click('#users-card tr[data-user=viewer1] [data-edit]');
    await page.waitForSelector('#user-edit:not([hidden])', { timeout: WAIT });
    await page.selectOption('#user-edit-form select[name=role]', 'administrator');
    await page.click('#user-edit-form button[type=submit]');
    await expectText(page, '#users-card tr[data-user=viewer1] .user-role', 'administrator', 'role changed on the page');
    v = (await api2('/users')).find((u) => u.user === 'viewer1');
    assert.equal(v.role, 'administrator', 'role changed in the API');
    // Removes it (after confirming).
    page.once('dialog', (d) => d.accept());
    await page.click('#users-card tr[data-user=viewer1] [data-remove]');
    await page.waitForSelector('#users-card tr[data-user=viewer1]', { state: 'detached', timeout: WAIT });
    assert.equal((await api2('/users')).some((u) => u.user === 'viewer1'), false, 'removed from the API');

    // Preferences: flow_idle_timeout.
    await page.goto(`${base2}/#/preferences`);
    await page.waitForSelector('#prefs-card:not([hidden])', { timeout: WAIT });
    await page.fill('#pref-flow_idle_timeout', '0');
    await page.click('#prefs-form button[type=submit]');
    await page.waitForSelector('#prefs-msg.error:not([hidden])', { timeout: WAIT });
    await page.fill('#pref-flow_idle_timeout', '120');
    await page.click('#prefs-form button[type=submit]');
    await page.waitForSelector('#prefs-msg.info:not([hidden])', { timeout: WAIT });
    assert.match(await page.textContent('#prefs-msg'), /flow_idle_timeout.*at once/);
    assert.equal((await api2('/preferences')).flow_idle_timeout, 120, 'saved in the API');
    await shot(page, 'preferences');

    // My account: change the password (new CSRF token), then a token created and revoked.
    await page.goto(`${base2}/#/account`);
    await page.waitForSelector('#pw-form', { timeout: WAIT });
    await page.fill('#pw-old', ADMIN_PW);
    await page.fill('#pw-new', 'admin-ui-pass-2');
    await page.fill('#pw-again', 'admin-ui-pass-2');
    await page.click('#pw-form button[type=submit]');
    await expectText(page, '#pw-msg', 'Password changed.', 'password changed');
    adminPw = 'admin-ui-pass-2';
    await page.fill('#token-label', 'ui test');
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#token-new:not([hidden])', { timeout: WAIT });
    const token = await page.inputValue('#token-value');
    assert.ok(token.length >= 16, 'the token is shown');
    assert.match(await page.textContent('#token-new'), /not shown again/);
    await shot(page, 'account');
    const bearer = { headers: { Authorization: `Bearer ${token}` } };
    assert.equal((await fetch(`${base2}/api/v1/interfaces`, bearer)).status, 200, 'the token works');
    const id = await page.$eval('#tokens-card tbody tr[data-token-id]', (e) => e.dataset.tokenId);
    await page.click(`#tokens-card [data-revoke="${id}"]`);
    await page.waitForSelector(`#tokens-card tr[data-token-id="${id}"]`, { state: 'detached', timeout: WAIT });
    await expectText(page, '#token-msg', `Token ${id} revoked.`, 'revoked');
    assert.equal((await fetch(`${base2}/api/v1/interfaces`, bearer)).status, 401, 'the token no longer works');
    assert.equal(await page.isVisible('#token-new'), false, 'the revoked secret is hidden');

    // Expected: 401s before logging in, the 400 of the bad network above.
    const expected = (m) => /status of 401/.test(m) || /status of 400 .*\/api\/v1\/users\)$/.test(m);
    for (const who of ['admin', 'viewer']) assert.deepEqual(pageErrors(who).filter((m) => !expected(m)), [], who);
    await page.close();
  } finally {
    for (let i = errors.length - 1; i >= 0; i--) if (['admin', 'viewer'].includes(errors[i][0]) && /status of 40[01]/.test(errors[i][1])) errors.splice(i, 1);
    if (browser2) await browser2.close();
    await second.stop();
  }
});

test('names: hosts by name, DNS names, server names, operating systems and a host alias match the API', async () => {
  const page = await open('#/hosts?sort=name&order=desc', 'names');
  const byName = await api('/interfaces/0/hosts?sort=name&order=desc&per_page=50');
  await expectTexts(page, HOST_IPS, byName.hosts.map((h) => h.ip), 'hosts sorted by name (descending: the named first)');
  const named = byName.hosts.filter((h) => h.name);
  assert.ok(named.length > 0, 'the capture names some hosts');
  await expectTexts(page, '#hosts-card tbody tr td.hostname', byName.hosts.map((h) => h.alias || h.name || ''), 'the name column');
  for (const kind of ['dns_names', 'server_names']) {
    await page.goto(`${base}/#/${kind}`);
    const doc = await api(`/interfaces/0/${kind}`);
    assert.ok(doc[kind].length > 0, `the capture has ${kind}`);
    await expectTexts(page, '#names-card tbody tr td:first-child a', doc[kind].map((n) => n.name), `${kind} by hits`);
    await shot(page, kind.replace('_', '-'));
  }
  await page.goto(`${base}/#/os`);
  const os = await api('/interfaces/0/os');
  const osRows = os.os.slice().sort((a, b) => b.hosts - a.hosts || b.bytes - a.bytes);
  await expectTexts(page, '#os-card tbody tr td:first-child a', osRows.map((o) => o.os), 'operating systems');
  await shot(page, 'os');
  // An alias on the host details page (login disabled: every caller administers).
  const ip = (named.find((h) => h.local) || named[0]).ip;
  await page.goto(`${base}/#/host/${encodeURIComponent(ip)}`);
  await page.waitForSelector('#host-alias:not([hidden])', { timeout: WAIT });
  await page.fill('#host-alias-input', 'ui-alias');
  await page.click('#host-alias button[type=submit]');
  await expectText(page, '#host-alias-value', 'ui-alias', 'the alias shows in the overview');
  assert.equal((await api(`/interfaces/0/hosts/${encodeURIComponent(ip)}?flows=0`)).host.alias, 'ui-alias', 'the API has it');
  await shot(page, 'host-alias');
  await page.click('#host-alias-remove');
  await page.waitForSelector('#host-alias-value', { state: 'detached', timeout: WAIT });
  assert.equal((await api(`/interfaces/0/hosts/${encodeURIComponent(ip)}?flows=0`)).host.alias, undefined, 'removed');
  // A remote host has no time series: its history chart's request answers 404 (not this test's subject).
  const noSeries = (m) => /status of 404 .*\/api\/v1\/timeseries\?entity=host/.test(m);
  for (let i = errors.length - 1; i >= 0; i--) if (errors[i][0] === 'names' && noSeries(errors[i][1])) errors.splice(i, 1);
  assert.deepEqual(pageErrors('names'), []);
  await page.close();
});

test('history charts: points as the API, drag to zoom, zoom out; stacked applications; activity timelines', async () => {
  const page = await open('#/interface', 'history');
  const el = '#if-history';
  const points = () => page.$eval(el, (e) => Number(e.dataset.points || 0));
  const range = () => page.$eval(el, (e) => [Number(e.dataset.from), Number(e.dataset.to)]);
  await page.waitForFunction((sel) => Number(document.querySelector(sel)?.dataset.points) > 0, el, { timeout: WAIT });
  const [from, to] = await range();
  const doc = await api(`/timeseries?entity=interface:0&metric=bytes&from=${from}&to=${to}`);
  assert.equal(await points(), doc.points.filter((p) => p[1] != null).length, 'the chart has the API\'s points');
  assert.ok(await page.$(`${el} .hist-plot canvas`), 'the chart is drawn');
  await expectText(page, `${el} [data-k=total] b`, fmt.bytes(doc.summary.total), 'the summary line shows the total');
  await expectText(page, `${el} [data-k=max] b`, fmt.bps(doc.summary.max.value * 8), 'the summary line shows the maximum');
  await shot(page, 'history');
  // Drag across the middle of the data: the range narrows to the selection.
  const first = doc.points.find((p) => p[1] != null)[0], last = doc.points.filter((p) => p[1] != null).pop()[0];
  const box = await page.locator(`${el} .u-over`).boundingBox();
  const x = (t) => box.x + ((t - from) / (to - from)) * box.width;
  const a = first + (last - first) * 0.25, b = first + (last - first) * 0.75;
  await page.mouse.move(x(a), box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(x(b), box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(([sel, f, t]) => {
    const e = document.querySelector(sel);
    return Number(e.dataset.from) > f && Number(e.dataset.to) < t;
  }, [el, from, to], { timeout: WAIT });
  const [zf, zt] = await range();
  const slack = 2 + 3 * (to - from) / box.width;   // a few pixels
  assert.ok(Math.abs(zf - a) <= slack && Math.abs(zt - b) <= slack, `zoomed to the selection: ${zf}-${zt}, dragged ${a}-${b}`);
  const zoomed = await api(`/timeseries?entity=interface:0&metric=bytes&from=${zf}&to=${zt}`);
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel).dataset.points) === n, [el, zoomed.points.filter((p) => p[1] != null).length], { timeout: WAIT });
  await shot(page, 'history-zoomed');
  await page.click(`${el} .hist-out`);
  await page.waitForFunction(([sel, f, t]) => {
    const e = document.querySelector(sel);
    return Number(e.dataset.from) === f && Number(e.dataset.to) === t;
  }, [el, from, to], { timeout: WAIT });
  // A range button: 5 minutes ending at the newest data.
  await page.click(`${el} [data-span="300"]`);
  await page.waitForFunction((sel) => {
    const e = document.querySelector(sel);
    return Number(e.dataset.to) - Number(e.dataset.from) === 300;
  }, el, { timeout: WAIT });
  await page.close();

  // Dashboard: the stacked applications chart has the applications of the API's stacked answer.
  const dash = await open('#/dashboard', 'history-dashboard');
  await dash.waitForFunction(() => Number(document.querySelector('#dash-apps-history')?.dataset.series) > 0, null, { timeout: WAIT });
  const [df, dt] = await dash.$eval('#dash-apps-history', (e) => [Number(e.dataset.from), Number(e.dataset.to)]);
  const stacked = await api(`/timeseries?entity=interface:0&metric=app:*&top=8&from=${df}&to=${dt}`);
  assert.equal(await dash.$eval('#dash-apps-history', (e) => Number(e.dataset.series)), stacked.series.length, 'one band per application');
  await dash.close();

  // Live Host Activities: one row per active local host, its active seconds as the API's.
  const act = await open('#/activity', 'activity');
  await act.waitForFunction(() => document.querySelectorAll('.act-row').length > 0, null, { timeout: WAIT });
  const rows = await act.$$eval('.act-row', (els) => els.map((e) => [e.dataset.host, Number(e.dataset.active)]));
  const top = rows[0];
  const iface = (await api('/interfaces/0')).interface;
  const end = Math.floor(iface.last_packet);
  const one = await api(`/interfaces/0/activity?hosts=${encodeURIComponent(top[0])}&from=${end - 299}&to=${end}`);
  assert.equal(top[1], one.hosts[0].active_seconds, 'the timeline shows the host\'s active seconds');
  assert.ok(rows.every(([h]) => h.startsWith('192.168.')), 'only local hosts have an activity map');
  await shot(act, 'activity');
  await act.close();

  // Host details: its own history and activity.
  const host = await open(`#/host/${encodeURIComponent(top[0])}`, 'history-host');
  await host.waitForFunction(() => Number(document.querySelector('#host-history')?.dataset.points) > 0, null, { timeout: WAIT });
  await host.waitForFunction(() => Number(document.querySelector('#host-activity .act-row')?.dataset.active) > 0, null, { timeout: WAIT });
  await shot(host, 'history-host');
  await host.close();

  // A remote host has no stored series: the chart says so, without a failed request.
  const remote = (await api('/interfaces/0/hosts?filter=remote&per_page=1')).hosts[0].ip;
  const rpage = await open(`#/host/${encodeURIComponent(remote)}`, 'history-remote-host');
  await rpage.waitForFunction(() => /No stored series/.test(document.querySelector('#host-history .hist-plot')?.textContent || ''), null, { timeout: WAIT });
  assert.equal(await rpage.$eval('#host-history', (e) => e.dataset.points), '0', 'no points for a remote host');
  await rpage.close();
});

test('no page logged a JavaScript error', () => {
  assert.deepEqual(errors, []);
});

test('geolocation: geo map renders countries and host markers; ASN and country pages, hosts drill-down, dashboard top ASNs match the API', async (t) => {
  const first = await api('/interfaces/0/asns?per_page=1');
  if (first.total === 0) { t.skip('no GeoIP database installed (scripts/install-geoip.sh)'); return; }
  const page = await open('#/geomap', 'geo');
  const map = await api('/interfaces/0/geomap?hosts=500&flows=300');
  assert.ok(map.hosts.length > 0, 'the capture has located hosts');
  // Every country of world-atlas is drawn; the ones with hosts are marked.
  await page.waitForFunction(() => document.querySelectorAll('#geomap path.country').length > 150, null, { timeout: WAIT });
  await page.waitForFunction((n) => Number(document.querySelector('#geomap')?.dataset.hosts) === n, map.hosts.length, { timeout: WAIT });
  const markers = await texts(page, '#geomap circle.host', 'data-ip');
  assert.deepEqual(markers.slice().sort(), map.hosts.map((h) => h.ip).sort(), 'one marker per located host');
  const seen = await page.$$eval('#geomap path.country.seen', (els) => els.length);
  assert.ok(seen >= 1, `countries with hosts are shaded (${seen})`);
  // Local hosts (private addresses) drawn at a home position: their flows to located hosts show.
  await page.fill('#map-home', '25.03, 121.56');
  await page.dispatchEvent('#map-home', 'change');
  const homeMap = await api('/interfaces/0/geomap?hosts=500&flows=300&home=25.03,121.56');
  assert.ok(homeMap.flows.length > 0, 'flows between local hosts at home and located hosts');
  await page.waitForFunction((n) => Number(document.querySelector('#geomap')?.dataset.flows) === n, homeMap.flows.length, { timeout: WAIT });
  assert.equal((await page.$$('#geomap path.flow')).length, homeMap.flows.length, 'one arc per flow');
  assert.ok((await page.$$('#geomap circle.host.home')).length > 0, 'local hosts drawn at home');
  await shot(page, 'geomap');

  await page.goto(`${base}/#/asns`);
  const asns = await api('/interfaces/0/asns');
  await expectTexts(page, '#geo-card tbody tr td:first-child a.asn', asns.asns.map((a) => `AS${a.asn}`), 'ASNs by traffic');
  await shot(page, 'asns');

  // Drill-down: the hosts of the largest AS.
  const top = asns.asns[0];
  await page.click(`#geo-card tbody tr[data-key="${top.asn}"] td:nth-child(2) a`);
  const hosts = await api(`/interfaces/0/hosts?asn=${top.asn}`);
  await page.waitForFunction((n) => document.querySelector('#hosts-card')?.dataset.total === String(n), hosts.total, { timeout: WAIT });
  await expectTexts(page, HOST_IPS, hosts.hosts.map((h) => h.ip), `hosts of AS${top.asn}`);
  assert.equal(hosts.total, top.hosts, 'the AS counts its hosts');
  // The hosts list's own filters: AS cleared, a country typed in.
  const topCountry = (await api('/interfaces/0/countries?per_page=1')).countries[0].country;
  await page.fill('#hosts-asn', '');
  await page.dispatchEvent('#hosts-asn', 'change');
  await page.fill('#hosts-country', topCountry.toLowerCase());
  await page.dispatchEvent('#hosts-country', 'change');
  const inCountry = await api(`/interfaces/0/hosts?country=${topCountry}`);
  await page.waitForFunction((n) => document.querySelector('#hosts-card')?.dataset.total === String(n), inCountry.total, { timeout: WAIT });
  await expectTexts(page, HOST_IPS, inCountry.hosts.map((h) => h.ip), `hosts of ${topCountry}`);
  await page.goto(`${base}/#/countries`);
  const countries = await api('/interfaces/0/countries');
  await expectTexts(page, '#geo-card tbody tr', countries.countries.map((c) => c.country), 'countries by traffic', 'data-key');
  await shot(page, 'countries');
  // Sorted by name (ascending first, so the address leaves the order out), then searched.
  await page.click('#geo-card th[data-sort=name] button');
  const byName = await api('/interfaces/0/countries?sort=name&order=asc');
  await expectTexts(page, '#geo-card tbody tr', byName.countries.map((c) => c.country), 'countries by name', 'data-key');
  assert.equal(new URL(page.url()).hash, '#/countries?sort=name', 'the sort in the address, without its default order');
  await page.fill('#geo-q', topCountry);
  const found = await api(`/interfaces/0/countries?sort=name&order=asc&q=${topCountry}`);
  assert.ok(found.countries.some((c) => c.country === topCountry), `the API finds ${topCountry}`);
  await expectTexts(page, '#geo-card tbody tr', found.countries.map((c) => c.country), `countries matching ${topCountry}`, 'data-key');
  assert.equal(new URL(page.url()).hash, `#/countries?sort=name&q=${topCountry}`, 'the search in the address');

  await page.goto(`${base}/#/dashboard`);
  const dashAs = await api('/interfaces/0/asns?sort=bytes&per_page=8');
  await expectTexts(page, '#dash-asns tbody tr td:first-child a.asn', dashAs.asns.map((a) => `AS${a.asn}`), 'dashboard top ASNs');
  const senders = await api('/interfaces/0/hosts?sort=sent&per_page=8');
  await expectTexts(page, '#dash-senders tbody tr td:first-child a', senders.hosts.map((h) => h.ip), 'dashboard top senders');
  assert.deepEqual(pageErrors('geo'), []);
  await page.close();
});
