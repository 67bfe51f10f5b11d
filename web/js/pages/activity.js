// Live Host Activities: the local hosts side by side on one timeline, one column per second in
// which a host sent or received anything (the activity maps kept by the time-series writer).
import * as api from '../api.js';
import { html, render } from '../ui.js';
import { drawActivity } from '../history.js';

const SPANS = [['5 min', 300], ['15 min', 900], ['1 h', 3600], ['6 h', 6 * 3600], ['1 day', 86400]];

export async function mount(ctx) {
  ctx.title = 'Live Host Activities';
  let span = Number(ctx.params.get('span')) || 300;
  render(ctx.main, html`
    <h1>Live Host Activities <span class="subtitle">one column per second in which a local host sent or received anything</span></h1>
    <section class="card">
      <div class="hist-head">
        <span class="hist-ranges" role="group" aria-label="Time range">${SPANS.map(([l, s]) => html`<button type="button" class="chip" data-span="${s}">${l}</button>`)}</span>
        <label class="small">Hosts <select id="act-limit"><option>25</option><option selected>50</option><option>100</option><option>200</option></select></label>
        <span class="dim small" id="act-note"></span>
      </div>
      <div id="act-rows" class="act-rows"></div>
    </section>`);
  const $ = (s) => ctx.main.querySelector(s);
  const mark = () => { for (const b of ctx.main.querySelectorAll('[data-span]')) b.classList.toggle('active', Number(b.dataset.span) === span); };
  for (const b of ctx.main.querySelectorAll('[data-span]')) {
    b.addEventListener('click', () => { span = Number(b.dataset.span); mark(); loop.refresh(); });
  }
  $('#act-limit').addEventListener('change', () => loop.refresh());
  mark();
  const loop = ctx.every(2000, async () => {
    // The engine's clock: packet time for a capture file, wall time for live capture.
    const iface = (await api.get(`/interfaces/${ctx.iface}`)).interface;
    const to = Math.floor(iface.last_packet || Date.now() / 1000);
    const from = to - span + 1;
    const doc = await api.get(`/interfaces/${ctx.iface}/activity${api.query({ from, to, limit: $('#act-limit').value })}`);
    if (!ctx.alive) return;
    $('#act-note').textContent = `${doc.hosts.length} most active local hosts`;
    drawActivity($('#act-rows'), doc.hosts, from, to);
  });
}
