// What the browser tests (test_ui.js, test_ui_collect.js) share: free ports and reading the API.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';

// A TCP (or, with udp, UDP) port on 127.0.0.1 that nobody uses right now.
export function freePort(udp = false) {
  return new Promise((resolve, reject) => {
    if (udp) {
      const s = dgram.createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
      return;
    }
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// GET base/api/v1 + p, which must answer 200; its JSON.
export async function apiJson(base, p) {
  const r = await fetch(base + '/api/v1' + p);
  assert.equal(r.status, 200, `GET /api/v1${p}: HTTP ${r.status}`);
  return r.json();
}
