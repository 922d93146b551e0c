// dev-agent dashboard: a small page over the dashboard's JSON API. No framework, no build step,
// nothing loaded from elsewhere. Every piece of state (goals, model output, tool output) is put in
// the page as text (textContent), never as HTML.
'use strict';

const TOKEN_KEY = 'devagent.dashboard.token';
const SVG_NS = 'http://www.w3.org/2000/svg';
const MAX_EVENTS = 2000;

const S = {
  token: sessionStorage.getItem(TOKEN_KEY),
  runs: { offset: 0, limit: 25, status: '' },
  view: null,          // 'overview' | 'run'
  runId: null,
  stream: null,        // the EventSource of the run view
  streamRetry: null,
  lastSeq: 0,
  events: [],
  timers: [],
  loginWaiters: [],
  cspViolations: 0,    // anything the Content-Security-Policy blocked (there should be nothing)
};

document.addEventListener('securitypolicyviolation', () => { S.cspViolations += 1; });

// ---------- small helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'text') el.textContent = v; else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

const $ = (sel) => document.querySelector(sel);
const fmt = (n) => (n === null || n === undefined || Number.isNaN(n)) ? '–' : Number(n).toLocaleString('en-US');

function ago(iso) {
  if (!iso) return '–';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min ago';
  return Math.floor(s / 86400) + ' d ago';
}

function ms(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (v < 1) return v.toFixed(2) + ' ms';
  if (v < 1000) return (v < 10 ? v.toFixed(1) : Math.round(v)) + ' ms';
  return (v / 1000).toFixed(v < 10000 ? 2 : 1) + ' s';
}

function clip(text, n) {
  if (text === null || text === undefined) return '';
  const s = String(text).replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n) + '…' : s;
}

function badge(status) {
  const s = status || 'unknown';
  return h('span', { class: 'badge ' + s, text: s });
}

function every(millis, fn) {
  const id = setInterval(fn, millis);
  S.timers.push(id);
}

function clearTimers() {
  S.timers.forEach(clearInterval);
  S.timers = [];
}

let toastTimer = null;
function toast(kind, title, detail) {
  const el = $('#toast');
  el.className = 'toast ' + kind;
  el.replaceChildren(h('strong', { text: title }), detail ? h('span', { text: detail }) : null);
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, kind === 'ok' ? 6000 : 12000);
}

// ---------- the API, with the token when there is one

class AuthNeeded extends Error {}

async function api(path, options = {}) {
  const headers = Object.assign({ 'Accept': 'application/json' }, options.headers || {});
  if (S.token) headers['Authorization'] = 'Bearer ' + S.token;
  const res = await fetch(path, Object.assign({}, options, { headers, cache: 'no-store' }));
  if (res.status === 401) {
    await signIn(S.token ? 'That token was not accepted.' : null);
    return api(path, options);
  }
  return res;
}

async function getJson(path) {
  const res = await api(path);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = new Error(body.error || (res.status + ' ' + res.statusText));
    e.status = res.status;
    throw e;
  }
  return body;
}

// The token is asked once, kept in this tab's session storage, and sent as a bearer header.
function signIn(message) {
  return new Promise((resolve) => {
    S.loginWaiters.push(resolve);
    const dialog = $('#login');
    $('#login-error').hidden = !message;
    $('#login-error').textContent = message || '';
    if (!dialog.open) {
      dialog.showModal();
      $('#token-input').value = '';
      $('#token-input').focus();
    }
  });
}

function setupLogin() {
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = $('#token-input').value.trim();
    if (!value) return;
    S.token = value;
    sessionStorage.setItem(TOKEN_KEY, value);
    $('#login').close();
    $('#signout').hidden = false;
    const waiters = S.loginWaiters;
    S.loginWaiters = [];
    waiters.forEach((w) => w());
  });
  $('#login').addEventListener('cancel', (ev) => ev.preventDefault());
  $('#signout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    S.token = null;
    location.reload();
  });
  $('#signout').hidden = !S.token;
}

// ---------- header: runtime, policy, reload

async function loadPolicy() {
  try {
    const p = await getJson('/policies');
    const rt = $('#runtime');
    if (p.runtime && p.runtime.alive) {
      rt.className = 'pill pill-ok';
      rt.textContent = '● runtime up · pid ' + p.runtime.pid;
    } else {
      rt.className = 'pill pill-bad';
      rt.textContent = '○ no main runtime';
    }
    const pol = $('#policy');
    if (p.status) {
      pol.className = 'pill ' + (p.status.ok ? 'pill-ok' : 'pill-bad');
      pol.textContent = 'policy ' + (p.status.version || '?') + (p.status.ok ? '' : ' · last reload rejected');
      pol.title = 'Last load: ' + (p.status.trigger || '?') + ', ' + ago(p.status.at) + (p.status.error ? '\n' + p.status.error : '');
    } else {
      pol.className = 'pill pill-muted';
      pol.textContent = 'policy: no status yet';
    }
  } catch (e) { /* shown on the next poll */ }
}

async function reloadPolicy() {
  const button = $('#reload');
  button.disabled = true;
  button.textContent = 'Reloading…';
  try {
    const res = await api('/policies/reload', { method: 'POST' });
    const body = await res.json().catch(() => ({}));
    if (res.status === 200) {
      const changed = body.previous_version && body.previous_version !== body.version;
      toast('ok', 'Policy reloaded', 'Version ' + body.version + ' is in force' + (changed ? ' (was ' + body.previous_version + ').' : ' (unchanged).'));
    } else if (res.status === 422) {
      toast('bad', 'Policy rejected', (body.error || 'The policy file is not valid') + ' — version ' + body.version + ' stays in force.');
    } else if (res.status === 429) {
      toast('warn', 'Too soon', 'A reload was just asked for; try again in ' + (res.headers.get('Retry-After') || '?') + ' s.');
    } else {
      toast(res.status === 409 ? 'warn' : 'bad', res.status === 409 ? 'No main runtime' : 'The runtime did not answer', body.error || res.statusText);
    }
  } catch (e) {
    toast('bad', 'Reload failed', e.message);
  } finally {
    button.disabled = false;
    button.textContent = 'Reload policy';
    loadPolicy();
  }
}

// ---------- overview

async function loadRuns() {
  const q = new URLSearchParams({ offset: S.runs.offset, limit: S.runs.limit });
  if (S.runs.status) q.set('status', S.runs.status);
  let body;
  try {
    body = await getJson('/runs?' + q);
  } catch (e) {
    $('#runs tbody').replaceChildren(h('tr', { class: 'empty' }, h('td', { colspan: 6, text: 'Cannot load runs: ' + e.message })));
    return;
  }
  const rows = body.runs.map((r) => h('tr', {
    'data-run': r.run_id, tabindex: 0,
    onclick: () => { location.hash = '#/runs/' + encodeURIComponent(r.run_id); },
    onkeydown: (ev) => { if (ev.key === 'Enter') location.hash = '#/runs/' + encodeURIComponent(r.run_id); },
  },
  h('td', {}, h('a', { href: '#/runs/' + encodeURIComponent(r.run_id), class: 'mono', text: r.run_id })),
  h('td', {}, badge(r.status)),
  h('td', { class: 'num', text: fmt(r.current_step) }),
  h('td', { class: 'num', text: fmt(r.tokens && r.tokens.total) }),
  h('td', { title: r.updated_at || '', text: ago(r.updated_at) }),
  h('td', { class: 'goal', title: r.goal || '', text: clip(r.goal, 140) })));
  if (rows.length === 0) {
    rows.push(h('tr', { class: 'empty' }, h('td', { colspan: 6, text: body.total === 0 && !S.runs.status
      ? 'No runs yet. Start one with: agent run "GOAL"' : 'No runs on this page.' })));
  }
  $('#runs tbody').replaceChildren(...rows);
  const first = body.total === 0 ? 0 : body.offset + 1;
  $('#runs-range').textContent = first + '–' + (body.offset + body.runs.length) + ' of ' + fmt(body.total) + ' runs, newest first';
  $('#prev').disabled = body.offset === 0;
  $('#next').disabled = body.next_offset === null;
  renderCards(body.counts);
}

let lastMetrics = null;
function renderCards(counts) {
  const c = counts || {};
  const tokens = lastMetrics && lastMetrics.tokens && lastMetrics.tokens.overall ? lastMetrics.tokens.overall.total : null;
  const errors = lastMetrics && lastMetrics.errors ? Object.values(lastMetrics.errors).reduce((a, b) => a + b, 0) : null;
  const card = (cls, label, value) => h('div', { class: 'card ' + cls }, h('div', { class: 'label', text: label }), h('div', { class: 'value', text: fmt(value) }));
  $('#cards').replaceChildren(
    card('running', 'Running', c.running || 0),
    card('paused', 'Paused', c.paused || 0),
    card('succeeded', 'Succeeded', c.succeeded || 0),
    card('failed', 'Failed', c.failed || 0),
    card('', 'Tokens (all runs)', tokens),
    card('', 'Errors', errors));
}

async function loadMetrics() {
  try {
    lastMetrics = await getJson('/metrics?format=json');
  } catch (e) { return; }
  const rows = Object.entries(lastMetrics.tools || {}).map(([tool, t]) => ({
    tool, count: t.count, p50: t.p50_ms, p95: t.p95_ms, max: t.max_ms,
  }));
  latencyChart($('#latency-chart'), rows, 'No tool calls recorded yet (metrics.json).');
}

async function loadMcp() {
  let body;
  try {
    body = await getJson('/mcp');
  } catch (e) {
    $('#mcp').replaceChildren(h('p', { class: 'error', text: 'Cannot read the MCP endpoints: ' + e.message }));
    return;
  }
  const eps = body.endpoints || [];
  if (eps.length === 0) {
    $('#mcp').replaceChildren(h('p', { class: 'muted', text: 'No MCP endpoints configured (tools/mcp_endpoints.json).' }));
    return;
  }
  const rows = eps.map((ep) => {
    const st = ep.status || {};
    const target = ep.url || (Array.isArray(ep.command) ? ep.command.join(' ') : ep.command) || '';
    const tools = Array.isArray(st.tools) ? st.tools.length : st.tools;
    const auth = ep.auth ? Object.keys(ep.auth).map((k) => k + ' ' + ep.auth[k]).join(', ') : '—';
    return h('tr', {},
      h('td', {}, h('strong', { text: ep.name || '?' }), h('div', { class: 'muted small mono', title: target, text: clip(target, 48) })),
      h('td', { class: 'mono small', text: ep.transport || '?' }),
      h('td', {}, badge(st.state || 'unknown'), st.error ? h('div', { class: 'small error', text: clip(st.error, 90), title: st.error }) : null),
      h('td', { class: 'num', text: st.latency_ms === undefined ? '–' : ms(st.latency_ms) }),
      h('td', { class: 'num', text: tools === undefined ? '–' : fmt(tools) }),
      h('td', { class: 'small', title: st.checked_at || '', text: ago(st.checked_at) }),
      h('td', { class: 'small muted', text: auth }));
  });
  $('#mcp').replaceChildren(h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, ['Endpoint', 'Transport', 'State', 'Latency', 'Tools', 'Checked', 'Auth'].map((t, i) =>
      h('th', { class: i === 3 || i === 4 ? 'num' : null, text: t })))),
    h('tbody', {}, rows)));
}

function showOverview() {
  S.view = 'overview';
  $('#run').hidden = true;
  $('#overview').hidden = false;
  document.title = 'dev-agent dashboard';
  const refresh = () => { loadMetrics().then(() => loadRuns()); loadMcp(); };
  refresh();
  every(4000, refresh);
}

// ---------- run view

async function loadCheckpoint(id) {
  let s;
  try {
    s = await getJson('/checkpoints/' + encodeURIComponent(id));
  } catch (e) {
    $('#checkpoint').replaceChildren(h('dd', { class: 'error', text: e.status === 404 ? 'No checkpoint for this run yet.' : e.message }));
    return;
  }
  if (S.runId !== id) return;
  $('#run-status').replaceChildren(badge(s.status));
  S.runStatus = s.status; // "live" only for a run in flight: an interrupted run's owner is gone
  if (S.stream && S.stream.readyState === 1) setLive(s.status === 'running', s.status === 'running' ? null : '○ ' + s.status);
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
    case 'compaction': return 'context compacted (' + (d.trigger || '') + '): about ' + fmt(d.tokens_before) + ' → ' + fmt(d.tokens_after)
      + ' tokens of a ' + fmt(d.window) + '-token window' + (d.summarized_through ? ' · steps 1-' + d.summarized_through + ' summarised' : '');
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
    if (typeof e.seq === 'number' && e.seq <= S.lastSeq) continue;
    if (typeof e.seq === 'number') S.lastSeq = e.seq;
    S.events.push(e);
    items.push(eventItem(e, fresh));
    if (['checkpoint', 'run_finished', 'run_paused', 'run_resumed', 'run_started'].includes(e.type)) reloadCheckpoint = true;
  }
  if (items.length === 0) return;
  box.append(...items);
  while (box.children.length > MAX_EVENTS) box.firstElementChild.remove();
  if (S.events.length > MAX_EVENTS * 2) S.events = S.events.slice(-MAX_EVENTS);
  $('#event-count').textContent = 'last seq ' + fmt(S.lastSeq);
  if (atBottom || !fresh) box.scrollTop = box.scrollHeight;
  scheduleRunCharts();
  if (fresh && reloadCheckpoint) loadCheckpoint(S.runId);
}

let chartFrame = null;
function scheduleRunCharts() {
  if (chartFrame) return;
  chartFrame = requestAnimationFrame(() => {
    chartFrame = null;
    tokensChart($('#tokens-chart'), S.events);
    const byTool = {};
    for (const e of S.events) {
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

function closeStream() {
  if (S.stream) { S.stream.close(); S.stream = null; }
  clearTimeout(S.streamRetry);
  S.streamRetry = null;
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
  if (S.runId !== id) return;
  if (!ticket) { setLive(false, '○ reconnecting…'); S.streamRetry = setTimeout(() => openStream(id), 3000); return; }
  const q = new URLSearchParams({ follow: 'true', from: S.lastSeq + 1, ticket });
  const es = new EventSource('/logs/' + encodeURIComponent(id) + '?' + q);
  S.stream = es;
  es.onopen = () => setLive(!S.runStatus || S.runStatus === 'running', !S.runStatus || S.runStatus === 'running' ? null : '○ ' + S.runStatus);
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
    if (S.stream !== es) return;
    closeStream();
    setLive(false, '○ reconnecting…');
    S.streamRetry = setTimeout(() => { if (S.runId === id) openStream(id); }, 2000);
  };
}

async function showRun(id) {
  S.view = 'run';
  S.runId = id;
  S.lastSeq = 0;
  S.events = [];
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
    if (S.runId !== id) return;
    addEvents(page.events, false);
    if (page.before) $('#event-count').textContent = 'last seq ' + fmt(S.lastSeq) + ' · showing the latest ' + page.events.length;
    if (page.last_seq > S.lastSeq) S.lastSeq = page.last_seq;
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

// ---------- charts (hand-drawn SVG)

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function tokensChart(box, events) {
  const bySteps = new Map();
  for (const e of events) {
    if (e.type !== 'model_response' || !e.data || !e.data.usage) continue;
    bySteps.set(e.data.step, { prompt: e.data.usage.prompt || 0, completion: e.data.usage.completion || 0 });
  }
  const steps = [...bySteps.entries()].sort((a, b) => a[0] - b[0]).slice(-40);
  if (steps.length === 0) { box.replaceChildren(h('div', { class: 'empty', text: 'No model replies in the events shown.' })); return; }
  const W = 560, H = 200, L = 48, B = 22, T = 8, R = 8;
  const max = niceMax(Math.max(...steps.map(([, u]) => u.prompt + u.completion)));
  const bw = (W - L - R) / steps.length;
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const g = [];
  for (let i = 0; i <= 4; i++) {
    const v = max * i / 4;
    g.push(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'axis' }));
    g.push(svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', text: v >= 1000 ? (v / 1000) + 'k' : v }));
  }
  const labelEvery = Math.ceil(steps.length / 14);
  steps.forEach(([step, u], i) => {
    const x = L + i * bw + bw * 0.15, w = bw * 0.7;
    const title = svg('title', { text: 'step ' + step + ': ' + fmt(u.prompt) + ' prompt + ' + fmt(u.completion) + ' completion' });
    g.push(svg('rect', { x, width: w, y: y(u.prompt), height: y(0) - y(u.prompt), class: 'bar-prompt' }, title));
    g.push(svg('rect', { x, width: w, y: y(u.prompt + u.completion), height: y(u.prompt) - y(u.prompt + u.completion), class: 'bar-completion' },
      svg('title', { text: title.textContent })));
    if (i % labelEvery === 0) g.push(svg('text', { x: x + w / 2, y: H - 6, 'text-anchor': 'middle', text: step }));
  });
  box.replaceChildren(svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Tokens per step' }, g));
}

// One row per tool: a light bar to p95, a dark bar to p50, a tick at the max; log scale in ms.
function latencyChart(box, rows, emptyText) {
  rows = rows.filter((r) => r.count > 0).sort((a, b) => b.p95 - a.p95);
  if (rows.length === 0) { box.replaceChildren(h('div', { class: 'empty', text: emptyText })); return; }
  const rowH = 26, L = 110, R = 170, T = 6, B = 24, W = 600;
  const H = T + B + rows.length * rowH;
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(0.001, Math.min(...rows.map((r) => r.p50 || r.max || 0.01))))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(lo * 10, ...rows.map((r) => r.max || 0)))));
  const x = (v) => L + (W - L - R) * (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
  const g = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    g.push(svg('line', { x1: x(v), x2: x(v), y1: T, y2: H - B, class: 'axis' }));
    g.push(svg('text', { x: x(v), y: H - 8, 'text-anchor': 'middle', text: ms(v).replace('.00', '') }));
  }
  rows.forEach((r, i) => {
    const cy = T + i * rowH + rowH / 2;
    g.push(svg('text', { x: L - 8, y: cy + 4, 'text-anchor': 'end', class: 'label', text: clip(r.tool, 18) }, svg('title', { text: r.tool })));
    g.push(svg('rect', { x: L, y: cy - 7, width: Math.max(1, x(r.p95) - L), height: 14, rx: 2, class: 'bar-p95' }));
    g.push(svg('rect', { x: L, y: cy - 4, width: Math.max(1, x(r.p50) - L), height: 8, rx: 2, class: 'bar-p50' }));
    g.push(svg('line', { x1: x(r.max), x2: x(r.max), y1: cy - 9, y2: cy + 9, class: 'tick-max' }));
    g.push(svg('text', { x: W - R + 8, y: cy + 4, text: ms(r.p50) + ' / ' + ms(r.p95) + ' · ' + fmt(r.count) + '×' },
      svg('title', { text: r.tool + ': p50 ' + ms(r.p50) + ', p95 ' + ms(r.p95) + ', max ' + ms(r.max) + ', ' + r.count + ' calls' })));
  });
  box.replaceChildren(svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Tool latency' }, g));
}

// ---------- routing

function route() {
  clearTimers();
  closeStream();
  S.runId = null;
  const m = location.hash.match(/^#\/runs\/(.+)$/);
  if (m) showRun(decodeURIComponent(m[1])); else showOverview();
  loadPolicy();
  every(5000, loadPolicy);
}

document.addEventListener('DOMContentLoaded', () => {
  setupLogin();
  $('#reload').addEventListener('click', reloadPolicy);
  $('#prev').addEventListener('click', () => { S.runs.offset = Math.max(0, S.runs.offset - S.runs.limit); loadRuns(); });
  $('#next').addEventListener('click', () => { S.runs.offset += S.runs.limit; loadRuns(); });
  $('#status-filter').addEventListener('change', (ev) => { S.runs.status = ev.target.value; S.runs.offset = 0; loadRuns(); });
  window.addEventListener('hashchange', route);
  route();
});
