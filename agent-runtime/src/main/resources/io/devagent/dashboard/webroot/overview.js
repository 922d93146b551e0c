// The overview: status cards, the runs table, tool latency over all runs, MCP endpoints.
import { $, h, fmt, ago, ms, clip, badge, every } from './dom.js';
import { getJson } from './api.js';
import { latencyChart } from './charts.js';

const runs = { offset: 0, limit: 25, status: '' };

async function loadRuns() {
  const q = new URLSearchParams({ offset: runs.offset, limit: runs.limit });
  if (runs.status) q.set('status', runs.status);
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
    rows.push(h('tr', { class: 'empty' }, h('td', { colspan: 6, text: body.total === 0 && !runs.status
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

export function showOverview() {
  $('#run').hidden = true;
  $('#overview').hidden = false;
  document.title = 'dev-agent dashboard';
  const refresh = () => { loadMetrics().then(() => loadRuns()); loadMcp(); };
  refresh();
  every(4000, refresh);
}

export function setupOverview() {
  $('#prev').addEventListener('click', () => { runs.offset = Math.max(0, runs.offset - runs.limit); loadRuns(); });
  $('#next').addEventListener('click', () => { runs.offset += runs.limit; loadRuns(); });
  $('#status-filter').addEventListener('change', (ev) => { runs.status = ev.target.value; runs.offset = 0; loadRuns(); });
}
