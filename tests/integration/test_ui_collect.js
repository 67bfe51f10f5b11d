// Browser test of the interface page of flow collectors and exporters: a real netlens collects
// NetFlow v5 and sFlow v5 (datagrams this test sends over loopback) and ZMQ JSON (messages a real
// libzmq publisher, netlens-zmq-send, sends), and exports every interface's flows as NetFlow v9 to
// a UDP socket of this test; Debian's chromium shows the peers (exporters, agents, probes), agent
// interfaces and export tables with the REST API's figures, without a JavaScript error.
//
// Run: ctest --test-dir BUILD -R '^ui_collect$' --output-on-failure
//  or: NETLENS_BIN=build/netlens node --test tests/integration/test_ui_collect.js
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
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

let proc, base, browser, dataDir, netflowPort, sflowPort, zmqPort, sink;
let sinkDatagrams = 0;

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

// ZMQ: a 24-byte header (topic "flow", version 2, message id) and a payload; written as the files
// netlens-zmq-send reads (header, FF FE FD, payload).
function zmqMessage(id, payload) {
  const header = Buffer.concat([Buffer.from('flow'), Buffer.alloc(12), Buffer.from([2, 0]), u16(0), u32(id)]);
  return Buffer.concat([header, Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from(payload)]);
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
  zmqPort = await freePort(false);
  // Where netlens exports: a socket that counts the datagrams.
  sink = dgram.createSocket('udp4');
  sink.on('message', () => { sinkDatagrams += 1; });
  await new Promise((r) => sink.bind(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${port}`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlens-ui-collect-'));
  proc = spawn(NETLENS, ['-q', '-i', `netflow://127.0.0.1:${netflowPort}`, '-i', `sflow://127.0.0.1:${sflowPort}`,
    '-i', `tcp://127.0.0.1:${zmqPort}c`, '--netflow-export', `v9@127.0.0.1:${sink.address().port}`, '--export-interval', '1',
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
  // Two good ZMQ messages (three flows), a bad JSON one and a bad zlib one.
  const files = [
    zmqMessage(1, JSON.stringify({ 8: '10.2.0.1', 12: '10.2.0.2', 4: 6, 7: 40001, 11: 443, 1: 1500, 2: 3 })),
    zmqMessage(2, '[{"8":"10.2.0.1"'),
    zmqMessage(3, Buffer.concat([Buffer.from([0]), Buffer.from('not zlib')])),
    zmqMessage(4, JSON.stringify([{ 8: '10.2.0.3', 12: '10.2.0.4', 4: 17, 7: 5353, 11: 53, 1: 80, 2: 1 },
      { 8: '10.2.0.5', 12: '10.2.0.6', 4: 17, 7: 5354, 11: 53, 1: 90, 2: 1 }])),
  ].map((m, i) => { const f = path.join(dataDir, `zmq${i}`); fs.writeFileSync(f, m); return f; });
  execFileSync(path.join(path.dirname(NETLENS), 'netlens-zmq-send'), [`tcp://127.0.0.1:${zmqPort}`, ...files], { stdio: 'inherit' });
  for (let i = 0; ; i++) {
    assert.ok(i < 100, 'the collectors did not count the datagrams and messages within 10 s');
    const [a, b, z] = [await api('/interfaces/0/exporters'), await api('/interfaces/1/exporters'), await api('/interfaces/2/exporters')];
    if (a.collector.messages === 3 && b.collector.messages === 2 && z.collector.messages === 4) break;
    await sleep(100);
  }
  // The NetFlow and ZMQ interfaces' flows exported (each second, the flows that moved and whose
  // application is known: the sFlow interface's one flow is still being inspected and leaves when it
  // ends): the exporters' datagrams all arrived at the sink.
  for (let i = 0, last = null; ; i++) {
    assert.ok(i < 100, `the flows were not exported within 10 s: ${sinkDatagrams} datagrams received, ${JSON.stringify(last)}`);
    const exports = await Promise.all([0, 1, 2].map(async (id) => (await api(`/interfaces/${id}`)).interface.export[0]));
    const messages = exports.reduce((n, e) => n + e.messages, 0);
    if (exports[0].flows > 0 && exports[2].flows > 0 && exports.every((e) => e.flows_sent === e.flows) &&
        messages === sinkDatagrams) break;
    last = exports;
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
  if (sink) sink.close();
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
  const e = c.peers.find((x) => x.address === '127.0.0.1');
  assert.ok(e, 'the API knows the exporter');
  assert.deepEqual([e.messages, e.flows, e.packets, e.lost_flows, e.malformed], [3, 3, 19, 3, 1]);
  assert.deepEqual([c.kind, c.messages, c.flows, c.malformed], ['netflow', 3, 3, 1], 'the collector\'s totals');
  await expectRows(page, '#if-peers', [[
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
  const e = c.peers.find((x) => x.address === '192.0.2.7');
  assert.ok(e, 'the API knows the agent');
  assert.equal(e.packets, 512, 'two samples at rate 256');
  await expectRows(page, '#if-peers', [[
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

test('ZMQ collector: the probes table shows the API\'s per-probe statistics, by reason', async () => {
  const { page, errors } = await interfacePage(2);
  const c = (await api('/interfaces/2/exporters')).collector;
  assert.deepEqual([c.kind, c.messages, c.flow_messages, c.flows, c.malformed, c.bad_json, c.bad_compression],
    ['zmq', 4, 2, 3, 2, 1, 1], 'the collector\'s totals');
  const e = c.peers.find((x) => x.address === '127.0.0.1');
  assert.ok(e, 'the API knows the probe');
  assert.deepEqual([e.messages, e.flows, e.packets, e.bytes, e.malformed, e.bad_json, e.bad_compression], [4, 3, 5, 1670, 2, 1, 1]);
  await expectRows(page, '#if-peers', [[
    '127.0.0.1', 'v2', '0', fmt.count(4), fmt.count(3), fmt.count(5), fmt.bytes(1670), fmt.count(0), fmt.count(1), fmt.count(1),
    fmt.count(0), fmt.count(0), fmt.count(0), fmt.count(2), '0', fmt.datetime(e.last_seen)]], 'one probe row');
  const title = await page.$eval('#if-collector h2', (h) => h.textContent);
  assert.match(title, new RegExp(`ZMQ probes\\s+tcp://127\\.0\\.0\\.1:${zmqPort}c`));
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'netlens-ui-collector-zmq.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Flow export: one row per exporter with the API\'s figures', async () => {
  for (const id of [0, 2]) {
    const { page, errors } = await interfacePage(id);
    const [e] = (await api(`/interfaces/${id}`)).interface.export;
    assert.deepEqual([e.kind, e.version, e.destinations], ['netflow', 9, [`127.0.0.1:${sink.address().port}`]]);
    assert.ok(e.flows > 0 && e.records_sent >= e.flows_sent && e.messages > 0, `interface ${id}: flows exported`);
    await expectRows(page, '#if-export-table', [[
      'NetFlow v9', `127.0.0.1:${sink.address().port}`, fmt.count(e.flows), fmt.count(e.flows), fmt.count(e.records_sent),
      fmt.count(e.messages), fmt.count(0), '', fmt.count(0), fmt.count(0)]], `interface ${id}: one exporter row`);
    if (SHOTS && id === 2) await page.screenshot({ path: path.join(SHOTS, 'netlens-ui-export.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  }
});
