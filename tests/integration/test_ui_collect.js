// Browser test of the interface page of flow collectors: a real netlens collects NetFlow v5 and
// sFlow v5 (datagrams this test sends over loopback) and Debian's chromium shows the exporters,
// agents and agent interfaces tables with the REST API's figures, without a JavaScript error.
//
// Run: ctest --test-dir BUILD -R '^ui_collect$' --output-on-failure
//  or: NETLENS_BIN=build/netlens node --test tests/integration/test_ui_collect.js
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import dgram from 'node:dgram';
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
const CHROMIUM = process.env.NETLENS_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.NETLENS_UI_SCREENSHOTS || '';
const WAIT = 10000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let proc, base, browser, dataDir, netflowPort, sflowPort;

const api = (p) => apiJson(base, p);

// ---- datagrams -------------------------------------------------------------------------------
const u16 = (v) => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
const ipv4 = (t) => Buffer.from(t.split('.').map(Number));

// NetFlow v5: header, then 48-byte records.
function v5(sequence, flows) {
  const now = Math.floor(Date.now() / 1000);
  const recs = flows.map(([src, dst, sport, dport, proto, packets, bytes]) => Buffer.concat([
    ipv4(src), ipv4(dst), u32(0), u16(1), u16(2), u32(packets), u32(bytes), u32(9000), u32(9900),
    u16(sport), u16(dport), Buffer.from([0, 0x1b, proto, 0]), u16(0), u16(0), Buffer.from([24, 24]), u16(0)]));
  return Buffer.concat([u16(5), u16(flows.length), u32(10000), u32(now), u32(0), u32(sequence), Buffer.from([0, 0]), u16(0), ...recs]);
}

// sFlow v5 (XDR): one flow sample holding an Ethernet/IPv4/UDP frame, one counter sample.
function sflow(agent, sequence) {
  const pad = (b) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  const tlv = (fmtId, body) => { const p = pad(body); return Buffer.concat([u32(fmtId), u32(p.length), p]); };
  const udp = Buffer.concat([u16(40000), u16(53), u16(8 + 20), u16(0), Buffer.alloc(20, 0x61)]);
  const ip = Buffer.concat([Buffer.from([0x45, 0]), u16(20 + udp.length), u32(0), Buffer.from([64, 17]), u16(0),
    ipv4('10.1.0.1'), ipv4('10.1.0.53'), udp]);
  const frame = Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]), u16(0x0800), ip]);
  const header = tlv(1, Buffer.concat([u32(1), u32(frame.length + 4), u32(4), u32(frame.length), frame]));
  const flowSample = tlv(1, Buffer.concat([u32(1), u32(7), u32(256), u32(256), u32(0), u32(7), u32(8), u32(1), header]));
  const counters = tlv(1, Buffer.concat([u32(7), u32(6), u32(0), u32(1e9), u32(1), u32(3), u32(0), u32(123456789),
    ...Array(6).fill(u32(5)), u32(0), u32(987654321), ...Array(6).fill(u32(2))]));
  const counterSample = tlv(2, Buffer.concat([u32(1), u32(7), u32(1), counters]));
  return Buffer.concat([u32(5), u32(1), ipv4(agent), u32(0), u32(sequence), u32(1000), u32(2), flowSample, counterSample]);
}

function send(port, datagrams) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    let left = datagrams.length;
    for (const d of datagrams) s.send(d, port, '127.0.0.1', () => { if (--left === 0) s.close(resolve); });
  });
}

before(async () => {
  assert.ok(fs.existsSync(NETLENS), `netlens binary not found: ${NETLENS} (set NETLENS_BIN)`);
  const port = await freePort(false);
  netflowPort = await freePort(true);
  sflowPort = await freePort(true);
  base = `http://127.0.0.1:${port}`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-ui-collect-'));
  proc = spawn(NETLENS, ['-q', '-i', `netflow://127.0.0.1:${netflowPort}`, '-i', `sflow://127.0.0.1:${sflowPort}`,
    '-w', `127.0.0.1:${port}`, '--disable-login', '-d', dataDir, '--web-root', path.join(repo, 'web')],
  { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; ; i++) {
    assert.ok(i < 150, 'the API did not answer within 15 s');
    assert.equal(proc.exitCode, null, 'netlens exited early');
    try { if ((await fetch(`${base}/api/v1/interfaces`)).ok) break; } catch { /* not listening yet */ }
    await sleep(100);
  }
  await send(netflowPort, [
    v5(100, [['10.0.0.1', '10.0.0.2', 40000, 443, 6, 10, 5000], ['10.0.0.2', '10.0.0.1', 443, 40000, 6, 8, 9000]]),
    v5(105, [['10.0.0.3', '8.8.8.8', 5353, 53, 17, 1, 70]]),  // 3 flows lost in between
    Buffer.from('not a datagram of any kind'),
  ]);
  await send(sflowPort, [sflow('192.0.2.7', 1), sflow('192.0.2.7', 2)]);
  for (let i = 0; ; i++) {
    assert.ok(i < 100, 'the collectors did not count the datagrams within 10 s');
    const [a, b] = [await api('/interfaces/0/exporters'), await api('/interfaces/1/exporters')];
    if (a.collector.datagrams === 3 && b.collector.datagrams === 2) break;
    await sleep(100);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
});

after(async () => {
  if (browser) await browser.close();
  if (proc && proc.exitCode === null) {
    proc.kill('SIGTERM');
    await new Promise((r) => { proc.once('exit', r); setTimeout(r, 5000); });
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The interface page of interface `id`; the rows of `selector` as arrays of cell texts. */
async function interfacePage(id) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  await page.addInitScript((v) => localStorage.setItem('netlens.iface', v), String(id));
  await page.goto(`${base}/#/interface`, { waitUntil: 'domcontentloaded' });
  return { page, errors };
}

function rows(page, selector) {
  return page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
}

async function expectRows(page, selector, expected, what) {
  try {
    await page.waitForFunction(([sel, exp]) => {
      const got = [...document.querySelectorAll(`${sel} tbody tr`)].map((tr) => [...tr.children].map((c) => c.textContent.trim()));
      return JSON.stringify(got) === JSON.stringify(exp);
    }, [selector, expected], { timeout: WAIT });
  } catch { /* the assertion says what differs */ }
  assert.deepEqual(await rows(page, selector), expected, what);
}

test('NetFlow collector: the exporters table shows the API\'s per-exporter statistics', async () => {
  const { page, errors } = await interfacePage(0);
  const c = (await api('/interfaces/0/exporters')).collector;
  const e = c.exporters.find((x) => x.address === '127.0.0.1');
  assert.ok(e, 'the API knows the exporter');
  assert.deepEqual([e.datagrams, e.flows, e.packets, e.lost_flows, e.malformed_datagrams], [3, 3, 19, 3, 1]);
  await expectRows(page, '#if-exporters', [[
    '127.0.0.1', 'v5', '0', fmt.count(3), fmt.count(3), fmt.count(19), fmt.bytes(14070), fmt.count(0), fmt.count(0),
    fmt.count(0), fmt.count(1), '3 flows', fmt.datetime(e.last_seen)]], 'one exporter row');
  const title = await page.$eval('#if-collector h2', (h) => h.textContent);
  assert.match(title, new RegExp(`Flow exporters\\s+127\\.0\\.0\\.1:${netflowPort}`));
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'netlens-ui-collector-netflow.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('sFlow collector: agents and agent interfaces tables', async () => {
  const { page, errors } = await interfacePage(1);
  const c = (await api('/interfaces/1/exporters')).collector;
  const e = c.exporters.find((x) => x.address === '192.0.2.7');
  assert.ok(e, 'the API knows the agent');
  assert.equal(e.packets, 512, 'two samples at rate 256');
  await expectRows(page, '#if-exporters', [[
    '192.0.2.7', 'sFlow v5', '0', fmt.count(2), fmt.count(2), fmt.count(512), fmt.bytes(e.bytes), fmt.count(2),
    fmt.count(0), fmt.count(0), '0', fmt.datetime(e.last_seen)]], 'one agent row');
  const i = c.interfaces[0];
  await expectRows(page, '#if-agent-interfaces', [[
    '192.0.2.7', '7', fmt.bps(1e9), 'up', fmt.bytes(123456789), fmt.bytes(987654321), '5 / 5', '2 / 2',
    fmt.datetime(i.last_seen)]], 'the agent interface\'s counters');
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'netlens-ui-collector-sflow.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
