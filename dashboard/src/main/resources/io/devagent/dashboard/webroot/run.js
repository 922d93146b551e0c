// The run view: what the run is and why (status, reason, checkpoint), what it changed (the diff),
// what it did (the trace: the latest events, older ones on demand, new ones live over server-sent
// events), and charts over the whole run from its summary, not from the events loaded here.
import { $, h, fmt, ago, badge, every } from './dom.js';
import { api, getJson } from './api.js';
import { tokensChart, latencyChart } from './charts.js';
import { Trace } from './trace.js';
import { loadDiff } from './diff.js';
import { reasons, shownStatus, pendingCall } from './reason.js';
import { current, setParams } from './url.js';
import { args } from './detail.js';

const PAGE = 400;            // events asked for at a time
const MAX_EVENTS = 6000;     // kept in the page; the oldest go (and can be loaded again) past this
const FOLLOWED = new Set(['running', 'awaiting_approval']);

// The run shown. `stream` is read by the browser test (its URL must carry a ticket, never the token).
export const R = {
  runId: null, stream: null, streamRetry: null, events: [], firstSeq: 0, lastSeq: 0, before: false,
  snapshot: null, summary: null, missing: false, diffStep: null, loadingOlder: false, ready: false,
};

let trace = null;
let summaryTimer = null;

function isCurrent(id) { return () => R.runId === id; }

// ---- the checkpoint, the status and the reason

async function loadCheckpoint(id) {
  let s;
  try {
    s = await getJson('/checkpoints/' + encodeURIComponent(id));
  } catch (e) {
    if (R.runId !== id) return null;
    $('#checkpoint').replaceChildren(h('dd', { class: e.status === 404 ? 'muted' : 'error',
      text: e.status === 404 ? 'No checkpoint for this run yet.' : e.message }));
    return e.status === 404 ? 'missing' : null;
  }
  if (R.runId !== id) return null;
  const before = R.snapshot;
  R.snapshot = s;
  const status = shownStatus(s);
  $('#run-status').replaceChildren(badge(status));
  $('#run-goal').textContent = s.goal || '';
  $('#checkpoint-age').textContent = 'saved ' + ago(s.updated_at);
  const t = s.tokens || {};
  const facts = [
    ['Status', badge(status)],
    ['Step', fmt(s.current_step)],
    ['Tokens', fmt(t.total) + '  (prompt ' + fmt(t.prompt) + ', completion ' + fmt(t.completion) + ')'],
    ['Model', s.model || '–'],
    ['Last tool', s.last_tool || '–'],
    ['Updated', (s.updated_at || '–') + ' · ' + ago(s.updated_at)],
    ['Created', s.created_at || '–'],
    ['Workspace', s.workspace || '–'],
    ['Journal', s.journal_bytes === undefined ? '–' : fmt(s.journal_bytes) + ' bytes'],
  ];
  if (s.pid) facts.push(['Pid', String(s.pid) + (s.live ? '' : ' (gone)')]);
  const call = pendingCall(s);
  if (call) facts.push(['Waiting on', h('div', {}, h('code', { text: call.name }), args(call.arguments))]);
  if (s.plan) facts.push(['Plan', h('pre', { tabindex: 0, text: s.plan })]);
  if (s.message) facts.push(['Message', h('pre', { tabindex: 0, text: s.message })]);
  if (s.answer) facts.push(['Answer', h('pre', { tabindex: 0, text: s.answer })]);
  $('#checkpoint').replaceChildren(...facts.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
  renderReason();
  if (R.ready) follow(id);
  if (before && before.status !== s.status) loadSummary(id);
  diffStepOptions();
  return 'ok';
}

// Follows the run only while it can still write: running with its owner alive, or waiting for an answer.
function follow(id) {
  const s = R.snapshot;
  const on = !!s && (s.status === 'running' ? s.live !== false : FOLLOWED.has(s.status));
  if (on && !R.stream && !R.streamRetry) openStream(id);
  if (!on) { closeStream(); setLive(false, s ? notLiveText(s) : '○ not live'); }
}

function notLiveText(s) {
  const status = shownStatus(s);
  if (status === 'interrupted') return '○ not live: its process is gone';
  if (status === 'succeeded' || status === 'failed' || status === 'cancelled') return '○ finished';
  if (status === 'paused') return '○ paused';
  return '○ not live';
}

function renderReason() {
  const s = R.snapshot || { run_id: R.runId };
  const items = reasons(s, R.summary);
  $('#run-reason').replaceChildren(...items.map((r) => h('li', { class: 'reason reason-' + r.kind, text: r.text })));
  $('#run-reason').hidden = items.length === 0;
}

// ---- the summary and the charts (whole run)

async function loadSummary(id) {
  let sum;
  try {
    sum = await getJson('/runs/' + encodeURIComponent(id) + '/summary');
  } catch (e) {
    if (R.runId !== id) return null;
    if (e.status !== 404) $('#tokens-scope').textContent = 'Cannot load the summary: ' + e.message;
    return e.status === 404 ? 'missing' : null;
  }
  if (R.runId !== id) return null;
  R.summary = sum;
  const buckets = (sum.tokens && sum.tokens.by_step) || [];
  const perBar = buckets.length && buckets.some(([a, b]) => b > a);
  // A very long log is folded over several requests: until then the charts cover the part read so far, and say so.
  const reading = sum.complete === false;
  const part = reading ? ' (reading the log: ' + Math.floor(100 * sum.read_to / Math.max(1, sum.log_bytes)) + ' % so far)' : '';
  $('#tokens-scope').textContent = 'Whole run: ' + fmt(sum.steps) + ' steps, ' + fmt(sum.tokens ? sum.tokens.total : 0) + ' tokens'
    + (perBar ? ' (a bar is a range of steps)' : '') + part;
  if (reading) setTimeout(() => { if (R.runId === id) loadSummary(id); }, 200);
  tokensChart($('#tokens-chart'), buckets, sum.archived ? 'Archived: the audit log is in the archive.' : 'No model replies yet.');
  const rows = Object.entries(sum.tools || {}).map(([tool, t]) => ({ tool, count: t.count, p50: t.p50_ms, p95: t.p95_ms, max: t.max_ms }));
  const calls = rows.reduce((a, r) => a + r.count, 0);
  $('#latency-scope').textContent = 'Whole run: ' + fmt(calls) + ' tool calls over ' + fmt(sum.events) + ' events' + part;
  latencyChart($('#run-latency-chart'), rows, 'No tool calls in this run.');
  renderReason();
  renderTypeFilter();
  diffStepOptions();
  return 'ok';
}

// Live events ask for a new summary at most every 2 s (the server reads only what was appended).
function summarySoon(id) {
  if (summaryTimer) return;
  summaryTimer = setTimeout(() => { summaryTimer = null; if (R.runId === id) loadSummary(id); }, 2000);
}

// ---- the trace: events, filters, search, older pages

function filterState() {
  const p = current().params;
  return { types: (p.get('types') || '').split(',').filter(Boolean), q: p.get('q') || '' };
}

function renderTypeFilter() {
  const box = $('#type-filter');
  const { types } = filterState();
  const known = new Set(Object.keys((R.summary && R.summary.types) || {}));
  R.events.forEach((e) => known.add(e.type));
  types.forEach((t) => known.add(t));
  const have = [...box.querySelectorAll('input')].map((i) => i.value).join(',');
  const want = [...known].sort();
  if (have === want.join(',')) {
    box.querySelectorAll('input').forEach((i) => { i.checked = types.includes(i.value); });
    return;
  }
  const counts = (R.summary && R.summary.types) || {};
  box.replaceChildren(h('legend', { class: 'sr-only', text: 'Event types' }), ...want.map((t) => {
    const id = 'type-' + t;
    const input = h('input', { type: 'checkbox', id, value: t, checked: types.includes(t) });
    input.addEventListener('change', onFilterChange);
    return h('span', { class: 'type-chip' }, input, h('label', { for: id, class: 't-' + t },
      t.replace(/_/g, ' '), counts[t] !== undefined ? h('span', { class: 'count', text: ' ' + fmt(counts[t]) }) : null));
  }));
}

function onFilterChange() {
  const types = [...document.querySelectorAll('#type-filter input:checked')].map((i) => i.value);
  setParams({ types, q: $('#event-search').value.trim() });
  applyFilter();
}

function applyFilter() {
  const { types, q } = filterState();
  if ($('#event-search').value.trim() !== q) $('#event-search').value = q;
  trace.setFilter(types, q);
  // With a filter on, the few rows that match open by themselves.
  renderTrace(true);
}

function renderTrace(autoOpen) {
  if (!trace) return;
  const active = trace.active();
  let result = trace.render(R.events);
  if (active && autoOpen && result.rows > 0 && result.rows <= 12) {
    [...$('#trace').children].forEach((li) => trace.open.add(li.dataset.key));
    trace.rows.clear();
    result = trace.render(R.events);
  }
  const loaded = R.events.length;
  let text = fmt(result.steps) + (result.steps === 1 ? ' step · ' : ' steps · ') + fmt(loaded) + ' events loaded'
    + (loaded ? ' (#' + fmt(R.firstSeq) + '–#' + fmt(R.lastSeq) + ')' : '');
  if (active) text += ' · ' + fmt(result.matching) + ' match' + (result.matching === 1 ? '' : 'es') + ' the filter in ' + fmt(result.rows) + (result.rows === 1 ? ' row' : ' rows');
  $('#event-count').textContent = text;
  if (active && result.rows === 0) {
    $('#trace').replaceChildren(h('li', { class: 'empty-state', text: 'No loaded event matches'
      + (R.before ? '; older events are not loaded yet.' : '.') }));
    trace.rows.clear();
  } else if (!active && loaded === 0) {
    $('#trace').replaceChildren(h('li', { class: 'empty-state', text: R.summary && R.summary.archived
      ? 'This run is archived: its audit log was moved to the archive.' : 'No events yet.' }));
    trace.rows.clear();
  }
  const older = $('#load-older');
  older.hidden = !R.before;
  $('#older-note').textContent = R.before ? 'Events #1–#' + fmt(R.firstSeq - 1) + ' are not loaded.'
    + (active ? ' The filter and search cover the loaded events only.' : '') : (loaded ? 'The whole history is loaded.' : '');
}

let traceFrame = null;
function traceSoon() {
  if (traceFrame) return;
  traceFrame = requestAnimationFrame(() => { traceFrame = null; renderTrace(false); });
}

function addEvents(list, fresh) {
  let added = 0;
  let reloadCheckpoint = false;
  for (const e of list) {
    if (typeof e.seq === 'number' && e.seq <= R.lastSeq) continue;
    if (typeof e.seq === 'number') R.lastSeq = e.seq;
    if (!R.firstSeq) R.firstSeq = e.seq;
    R.events.push(e);
    added++;
    if (['checkpoint', 'run_finished', 'run_paused', 'run_resumed', 'run_started', 'run_cancelled',
      'approval_requested', 'approval_answered'].includes(e.type)) reloadCheckpoint = true;
  }
  if (added === 0) return;
  if (R.events.length > MAX_EVENTS) {
    R.events = R.events.slice(-MAX_EVENTS);
    R.firstSeq = R.events[0].seq;
    R.before = true;
  }
  traceSoon();
  if (fresh) {
    summarySoon(R.runId);
    if (reloadCheckpoint) loadCheckpoint(R.runId);
  }
}

async function loadOlder() {
  const id = R.runId;
  if (R.loadingOlder || !R.before || R.firstSeq <= 1) return;
  R.loadingOlder = true;
  const button = $('#load-older');
  button.disabled = true;
  button.textContent = 'Loading…';
  try {
    const from = Math.max(1, R.firstSeq - PAGE);
    const page = await getJson('/logs/' + encodeURIComponent(id) + '?from=' + from + '&limit=' + (R.firstSeq - from));
    if (R.runId !== id) return;
    const older = page.events.filter((e) => e.seq < R.firstSeq);
    R.events = older.concat(R.events);
    if (older.length) R.firstSeq = older[0].seq;
    R.before = R.firstSeq > 1;
    renderTypeFilter();
    renderTrace(false);
  } catch (e) {
    $('#older-note').textContent = 'Cannot load older events: ' + e.message;
  } finally {
    R.loadingOlder = false;
    button.disabled = false;
    button.textContent = 'Load older events';
    if (!button.hidden) button.focus();
  }
}

// ---- the change

function diffStepOptions() {
  const select = $('#diff-step');
  const steps = Math.max((R.summary && R.summary.steps) || 0, (R.snapshot && R.snapshot.current_step) || 0, R.diffStep || 0);
  if (select.options.length === steps + 1) return;
  select.replaceChildren(h('option', { value: '', text: 'the whole run' }),
    ...Array.from({ length: steps }, (_, i) => h('option', { value: i + 1, text: 'step ' + (i + 1) })));
  select.value = R.diffStep ? String(R.diffStep) : '';
}

function showDiff(step) {
  R.diffStep = step || null;
  setParams({ diff: R.diffStep });
  diffStepOptions();
  $('#diff-step').value = R.diffStep ? String(R.diffStep) : '';
  loadDiff($('#diff'), R.runId, R.diffStep, isCurrent(R.runId));
}

// ---- live

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
  R.streamRetry = -1; // a ticket is being asked for
  let ticket = null;
  try {
    const res = await api('/logs/' + encodeURIComponent(id) + '/ticket', { method: 'POST' });
    if (res.ok) ticket = (await res.json()).ticket;
  } catch (e) { /* retried below */ }
  R.streamRetry = null;
  if (R.runId !== id) return;
  if (!ticket) { setLive(false, '○ reconnecting…'); R.streamRetry = setTimeout(() => openStream(id), 3000); return; }
  const q = new URLSearchParams({ follow: 'true', from: R.lastSeq + 1, ticket });
  const es = new EventSource('/logs/' + encodeURIComponent(id) + '?' + q);
  R.stream = es;
  es.onopen = () => { if (R.snapshot && R.snapshot.live) setLive(true); else setLive(false, '◐ following, waiting for the run'); };
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

// ---- navigation

// Everything of the previous run goes: panels, charts, trace, stream, timers (the router clears those).
function reset(id) {
  closeStream();
  clearTimeout(summaryTimer);
  summaryTimer = null;
  Object.assign(R, { runId: id, events: [], firstSeq: 0, lastSeq: 0, before: false, snapshot: null, summary: null, missing: false,
    diffStep: null, loadingOlder: false, ready: false });
  $('#run-title').textContent = id;
  $('#run-status').replaceChildren();
  $('#run-goal').textContent = '';
  $('#run-reason').replaceChildren();
  $('#run-reason').hidden = true;
  $('#checkpoint').replaceChildren();
  $('#checkpoint-age').textContent = '';
  for (const sel of ['#tokens-chart', '#run-latency-chart', '#diff', '#trace', '#type-filter']) $(sel).replaceChildren();
  for (const sel of ['#tokens-scope', '#latency-scope', '#event-count', '#older-note']) $(sel).textContent = '';
  $('#diff-step').replaceChildren(h('option', { value: '', text: 'the whole run' }));
  $('#load-older').hidden = true;
  $('#run-missing').hidden = true;
  $('#run-missing').replaceChildren();
  $('#run-body').hidden = false;
  if (trace) trace.reset();
}

function showMissing(id) {
  R.missing = true;
  closeStream();
  $('#run-body').hidden = true;
  $('#run-status').replaceChildren();
  setLive(false, '');
  $('#live').textContent = '';
  $('#run-missing').replaceChildren(h('h2', { text: 'No run with this id' }),
    h('p', {}, 'There is no run ', h('code', { text: id }), ' in this state directory. ', h('a', { href: '#/', text: 'See all runs' }), '.'));
  $('#run-missing').hidden = false;
  document.title = 'No such run · dev-agent';
}

export async function showRun(id) {
  $('#overview').hidden = true;
  $('#run').hidden = false;
  reset(id);
  setLive(false, '○ connecting…');
  document.title = id + ' · dev-agent';
  window.scrollTo(0, 0);
  const { params } = current();
  $('#event-search').value = params.get('q') || '';
  R.diffStep = Number(params.get('diff')) || null;
  trace.setFilter(filterState().types, filterState().q);

  // The summary may take a moment on a very long log read for the first time: nothing waits for it.
  loadSummary(id);
  const [, page] = await Promise.all([loadCheckpoint(id), getJson('/logs/' + encodeURIComponent(id) + '?limit=' + PAGE).catch((e) => e)]);
  if (R.runId !== id) return;
  if (page instanceof Error) {
    if (page.status === 404) { showMissing(id); return; }
    $('#older-note').textContent = 'Cannot load the events: ' + page.message;
  } else {
    R.before = page.before;
    addEvents(page.events, false);
    if (page.last_seq > R.lastSeq) R.lastSeq = page.last_seq;
  }
  renderTypeFilter();
  renderTrace(true);
  showDiff(R.diffStep);
  // The stream starts after the page of events it continues (never from the first event of a long log).
  R.ready = true;
  follow(id);
  every(5000, () => loadCheckpoint(id));
}

export function setupRun() {
  trace = new Trace($('#trace'), (step) => { showDiff(step); $('#diff-panel').scrollIntoView({ block: 'start' }); $('#diff-step').focus(); });
  trace.onToggle = () => renderTrace(false);
  $('#load-older').addEventListener('click', loadOlder);
  $('#diff-step').addEventListener('change', (ev) => showDiff(Number(ev.target.value) || null));
  let searchTimer = null;
  $('#event-search').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(onFilterChange, 200); });
}
