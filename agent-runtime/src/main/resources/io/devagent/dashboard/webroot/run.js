// The run view: its checkpoint, its events (the latest page, then live over server-sent events), its charts.
import { $, h, fmt, ago, ms, clip, badge, every } from './dom.js';
import { api, getJson } from './api.js';
import { tokensChart, latencyChart } from './charts.js';

const MAX_EVENTS = 2000;

// The run shown; `stream` is exported for diagnostics (the browser test checks its URL carries no token).
export const R = { runId: null, stream: null, streamRetry: null, lastSeq: 0, events: [] };

async function loadCheckpoint(id) {
  let s;
  try {
    s = await getJson('/checkpoints/' + encodeURIComponent(id));
  } catch (e) {
    $('#checkpoint').replaceChildren(h('dd', { class: 'error', text: e.status === 404 ? 'No checkpoint for this run yet.' : e.message }));
    return;
  }
  if (R.runId !== id) return;
  $('#run-status').replaceChildren(badge(s.status));
  $('#run-goal').textContent = s.goal || '';
  $('#checkpoint-age').textContent = 'saved ' + ago(s.updated_at);
  const t = s.tokens || {};
  const facts = [
    ['Status', badge(s.status)],
    ['Step', fmt(s.current_step)],
    ['Tokens', fmt(t.total) + '  (prompt ' + fmt(t.prompt) + ', completion ' + fmt(t.completion) + ')'],
    ['Model', s.model || '–'],
    ['Last tool', s.last_tool || '–'],
    ['Updated', (s.updated_at || '–') + ' · ' + ago(s.updated_at)],
    ['Created', s.created_at || '–'],
    ['Workspace', s.workspace || '–'],
    ['Journal', s.journal_bytes === undefined ? '–' : fmt(s.journal_bytes) + ' bytes'],
  ];
  if (s.pid) facts.push(['Pid', String(s.pid)]);
  if (s.plan) facts.push(['Plan', h('pre', { text: s.plan })]);
  if (s.message) facts.push(['Message', h('pre', { text: s.message })]);
  if (s.answer) facts.push(['Answer', h('pre', { text: s.answer })]);
  $('#checkpoint').replaceChildren(...facts.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
}

function summary(e) {
  const d = e.data || {};
  switch (e.type) {
    case 'run_started': case 'run_resumed': return (d.model ? '[' + d.model + '] ' : '') + clip(d.goal, 200);
    case 'model_request': return 'step ' + d.step + ' · ' + fmt(d.messages) + ' messages · ' + (d.tool_mode || '');
    case 'model_response': {
      const calls = (d.tool_calls || []).map((c) => c.name);
      const u = d.usage || {};
      return 'step ' + d.step + ' · ' + fmt(u.total) + ' tokens · ' + ms(d.latency_ms) + ' · '
        + (calls.length ? 'calls ' + calls.join(', ') : 'answer: ' + clip(d.content, 120));
    }
    case 'tool_call': return d.name + ' ' + clip(typeof d.arguments === 'string' ? d.arguments : JSON.stringify(d.arguments), 160);
    case 'tool_result': return d.name + ' · ' + (d.ok ? 'ok' : 'failed' + (d.error_kind ? ' (' + d.error_kind + ')' : '')) + ' · '
      + ms(d.duration_ms) + ' · ' + fmt(d.output_bytes) + ' bytes' + (d.source ? ' · ' + d.source : '') + ' · ' + clip(d.output, 100);
    case 'policy_denied': return d.name + ': ' + clip(d.reason, 160);
    case 'review': return (d.ok ? 'ok' : 'findings: ' + (d.findings || []).join(' ')) + ' · ' + fmt(d.files_checked) + ' files checked';
    case 'checkpoint': return 'step ' + d.step + ' saved · ' + fmt(d.tokens) + ' tokens · journal ' + fmt(d.journal_bytes) + ' bytes';
    case 'run_paused': return 'at step ' + d.current_step + ': ' + clip(d.reason, 160);
    case 'run_finished': return d.status + ' after ' + d.steps + ' steps, ' + fmt(d.tokens) + ' tokens'
      + (d.answer ? ' · ' + clip(d.answer, 120) : '') + (d.message ? ' · ' + clip(d.message, 120) : '');
    case 'error': return (d.kind || 'error') + ': ' + clip(d.message, 180);
    case 'policy_reloaded': return (d.ok ? 'accepted ' : 'rejected ') + (d.version || '') + ' (' + (d.trigger || '') + ')'
      + (d.error ? ': ' + clip(d.error, 120) : '');
    default: return clip(JSON.stringify(d), 180);
  }
}

function eventItem(e, fresh) {
  const time = e.ts ? e.ts.replace(/^.*T/, '').replace(/\.\d+Z$|Z$/, '') : '';
  const failed = e.type === 'tool_result' && e.data && e.data.ok === false;
  const li = h('li', { 'data-seq': e.seq, class: fresh ? 'fresh' : null },
    h('span', { class: 'seq', text: e.seq === null || e.seq === undefined ? '?' : e.seq }),
    h('span', { class: 'time', title: e.ts || '', text: time }),
    h('span', { class: 'type t-' + e.type + (failed ? ' failed' : ''), text: e.type }),
    h('span', { class: 'summary', text: summary(e) }));
  li.addEventListener('click', () => {
    const open = li.classList.toggle('open');
    const pre = li.querySelector('pre');
    if (open && !pre) li.append(h('pre', { text: JSON.stringify(e, null, 2) }));
    if (!open && pre) pre.remove();
  });
  return li;
}

function addEvents(list, fresh) {
  const box = $('#events');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const items = [];
  let reloadCheckpoint = false;
  for (const e of list) {
    if (typeof e.seq === 'number' && e.seq <= R.lastSeq) continue;
    if (typeof e.seq === 'number') R.lastSeq = e.seq;
    R.events.push(e);
    items.push(eventItem(e, fresh));
    if (['checkpoint', 'run_finished', 'run_paused', 'run_resumed', 'run_started'].includes(e.type)) reloadCheckpoint = true;
  }
  if (items.length === 0) return;
  box.append(...items);
  while (box.children.length > MAX_EVENTS) box.firstElementChild.remove();
  if (R.events.length > MAX_EVENTS * 2) R.events = R.events.slice(-MAX_EVENTS);
  $('#event-count').textContent = 'last seq ' + fmt(R.lastSeq);
  if (atBottom || !fresh) box.scrollTop = box.scrollHeight;
  scheduleRunCharts();
  if (fresh && reloadCheckpoint) loadCheckpoint(R.runId);
}

let chartFrame = null;
function scheduleRunCharts() {
  if (chartFrame) return;
  chartFrame = requestAnimationFrame(() => {
    chartFrame = null;
    tokensChart($('#tokens-chart'), R.events);
    const byTool = {};
    for (const e of R.events) {
      if (e.type !== 'tool_result' || !e.data || typeof e.data.duration_ms !== 'number') continue;
      (byTool[e.data.name] = byTool[e.data.name] || []).push(e.data.duration_ms);
    }
    const rows = Object.entries(byTool).map(([tool, xs]) => {
      xs.sort((a, b) => a - b);
      const q = (p) => xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)];
      return { tool, count: xs.length, p50: q(0.5), p95: q(0.95), max: xs[xs.length - 1] };
    });
    latencyChart($('#run-latency-chart'), rows, 'No tool calls in the events shown.');
  });
}

function setLive(on, text) {
  const el = $('#live');
  el.className = 'live ' + (on ? 'on' : 'off');
  el.textContent = text || (on ? '● live' : '○ not live');
}

export function closeStream() {
  if (R.stream) { R.stream.close(); R.stream = null; }
  clearTimeout(R.streamRetry);
  R.streamRetry = null;
}

// EventSource cannot send an Authorization header: the page asks for a single-use stream ticket with
// its token, and opens the stream with the ticket. On an error it asks for a new ticket and goes on
// after the last event it has.
async function openStream(id) {
  closeStream();
  let ticket = null;
  try {
    const res = await api('/logs/' + encodeURIComponent(id) + '/ticket', { method: 'POST' });
    if (res.ok) ticket = (await res.json()).ticket;
  } catch (e) { /* retried below */ }
  if (R.runId !== id) return;
  if (!ticket) { setLive(false, '○ reconnecting…'); R.streamRetry = setTimeout(() => openStream(id), 3000); return; }
  const q = new URLSearchParams({ follow: 'true', from: R.lastSeq + 1, ticket });
  const es = new EventSource('/logs/' + encodeURIComponent(id) + '?' + q);
  R.stream = es;
  es.onopen = () => setLive(true);
  es.addEventListener('audit', (m) => {
    try { addEvents([JSON.parse(m.data)], true); } catch (err) { /* a line that is not JSON: skipped */ }
  });
  es.addEventListener('end', (m) => {
    let reason = '';
    try { reason = JSON.parse(m.data).reason; } catch (err) { /* none */ }
    closeStream();
    setLive(false, '○ ended' + (reason ? ': ' + reason : ''));
  });
  es.onerror = () => {
    if (R.stream !== es) return;
    closeStream();
    setLive(false, '○ reconnecting…');
    R.streamRetry = setTimeout(() => { if (R.runId === id) openStream(id); }, 2000);
  };
}

export async function showRun(id) {
  R.runId = id;
  R.lastSeq = 0;
  R.events = [];
  $('#overview').hidden = true;
  $('#run').hidden = false;
  $('#run-title').textContent = id;
  $('#run-status').replaceChildren();
  $('#run-goal').textContent = '';
  $('#events').replaceChildren();
  $('#event-count').textContent = '';
  $('#checkpoint').replaceChildren();
  setLive(false, '○ connecting…');
  document.title = id + ' · dev-agent';
  window.scrollTo(0, 0);
  loadCheckpoint(id);
  try {
    const page = await getJson('/logs/' + encodeURIComponent(id) + '?limit=400');
    if (R.runId !== id) return;
    addEvents(page.events, false);
    if (page.before) $('#event-count').textContent = 'last seq ' + fmt(R.lastSeq) + ' · showing the latest ' + page.events.length;
    if (page.last_seq > R.lastSeq) R.lastSeq = page.last_seq;
  } catch (e) {
    $('#events').replaceChildren(h('li', { class: 'error' }, h('span', {}), h('span', {}), h('span', {}),
      h('span', { text: e.status === 404 ? 'There is no run with this id.' : 'Cannot load the events: ' + e.message })));
    setLive(false);
    return;
  }
  scheduleRunCharts();
  openStream(id);
  every(10000, () => loadCheckpoint(id));
}
