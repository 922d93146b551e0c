// The overview: status cards, the runs table (searchable, filtered by status, both kept in the URL;
// each row with the reason at a glance), tool latency over all runs, MCP endpoints.
import { $, h, fmt, ago, ms, clip, badge, every } from './dom.js';
import { getJson } from './api.js';
import { latencyChart } from './charts.js';
import { reasonCell, shownStatus } from './reason.js';
import { current, runHref, setParams } from './url.js';

const runs = { offset: 0, limit: 25, status: '', q: '' };
const COLUMNS = 7;

async function loadRuns() {
  const q = new URLSearchParams({ offset: runs.offset, limit: runs.limit });
  if (runs.status) q.set('status', runs.status);
  if (runs.q) q.set('q', runs.q);
  const asked = q.toString();
  let body;
  try {
    body = await getJson('/runs?' + q);
  } catch (e) {
    $('#runs tbody').replaceChildren(h('tr', { class: 'empty' }, h('td', { colspan: COLUMNS, text: 'Cannot load runs: ' + e.message })));
    return;
  }
  if (asked !== new URLSearchParams({ offset: runs.offset, limit: runs.limit, ...(runs.status ? { status: runs.status } : {}),
    ...(runs.q ? { q: runs.q } : {}) }).toString()) return; // the filter changed meanwhile: a newer answer comes
  const rows = body.runs.map((r) => {
    const status = shownStatus(r);
    return h('tr', { 'data-run': r.run_id, 'data-status': status, onclick: (ev) => { if (ev.target.tagName !== 'A') location.hash = runHref(r.run_id); } },
      h('td', {}, h('a', { href: runHref(r.run_id), class: 'mono', text: r.run_id })),
      h('td', {}, badge(status), r.live ? h('span', { class: 'sr-only', text: ' (live)' }) : null),
      h('td', { class: 'reason-cell' }, reasonCell(r)),
      h('td', { class: 'num col-step', text: fmt(r.current_step) }),
      h('td', { class: 'num col-tokens', text: fmt(r.tokens && r.tokens.total) }),
      h('td', { class: 'col-updated', title: r.updated_at || '', text: ago(r.updated_at) }),
      h('td', { class: 'goal col-goal', title: r.goal || '', text: clip(r.goal, 140) }));
  });
  if (rows.length === 0) {
    rows.push(h('tr', { class: 'empty' }, h('td', { colspan: COLUMNS, text: body.total === 0 && !runs.status && !runs.q
      ? 'No runs yet. Start one with: agent run "GOAL"' : runs.q || runs.status ? 'No run matches this search.' : 'No runs on this page.' })));
  }
  $('#runs tbody').replaceChildren(...rows);
  const first = body.total === 0 ? 0 : body.offset + 1;
  $('#runs-range').textContent = first + '–' + (body.offset + body.runs.length) + ' of ' + fmt(body.total) + ' runs'
    + (runs.q || runs.status ? ' matching' : '') + ', newest first';
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
    card('paused', 'Paused or waiting', (c.paused || 0) + (c.awaiting_approval || 0) + (c.interrupted || 0)),
    card('succeeded', 'Succeeded', c.succeeded || 0),
    card('failed', 'Failed', (c.failed || 0) + (c.cancelled || 0)),
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

export function showOverview() {
  $('#run').hidden = true;
  $('#overview').hidden = false;
  document.title = 'dev-agent dashboard';
  const { params } = current();
  runs.q = params.get('q') || '';
  runs.status = params.get('status') || '';
  runs.offset = 0;
  $('#run-search').value = runs.q;
  $('#status-filter').value = runs.status;
  const refresh = () => { loadMetrics().then(() => loadRuns()); loadMcp(); };
  refresh();
  every(4000, refresh);
}

export function setupOverview() {
  $('#prev').addEventListener('click', () => { runs.offset = Math.max(0, runs.offset - runs.limit); loadRuns(); });
  $('#next').addEventListener('click', () => { runs.offset += runs.limit; loadRuns(); });
  $('#status-filter').addEventListener('change', (ev) => {
    runs.status = ev.target.value; runs.offset = 0; setParams({ status: runs.status }); loadRuns();
  });
  let timer = null;
  $('#run-search').addEventListener('input', (ev) => {
    clearTimeout(timer);
    timer = setTimeout(() => { runs.q = ev.target.value.trim(); runs.offset = 0; setParams({ q: runs.q }); loadRuns(); }, 200);
  });
}
