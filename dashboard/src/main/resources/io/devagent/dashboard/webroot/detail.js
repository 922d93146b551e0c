// The readable detail of one event: the model's text as text, arguments and outputs formatted (JSON
// pretty-printed, strings as they are), long outputs folded behind a button, the raw event on demand.
import { h, fmt, ms, clip } from './dom.js';

const FOLD_LINES = 14;
const FOLD_CHARS = 1400;

// A JSON string is parsed, so that {"path": "a"} shows as an object, not as one quoted line.
function parsed(value) {
  if (typeof value !== 'string') return value;
  const t = value.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return value;
  try { return JSON.parse(t); } catch (e) { return value; }
}

// Text in a <pre>; past FOLD_LINES lines or FOLD_CHARS characters only the start shows, with a button for the rest.
export function folded(text, cls) {
  const s = text === null || text === undefined ? '' : String(text);
  const lines = s.split('\n');
  const long = lines.length > FOLD_LINES || s.length > FOLD_CHARS;
  const head = long ? lines.slice(0, FOLD_LINES).join('\n').slice(0, FOLD_CHARS) : s;
  const pre = h('pre', { class: 'out ' + (cls || ''), text: head });
  if (!long) return pre;
  const more = h('button', { type: 'button', class: 'btn btn-quiet btn-small fold',
    'aria-expanded': 'false', text: 'Show all ' + fmt(lines.length) + ' lines (' + fmt(s.length) + ' characters)' });
  more.addEventListener('click', () => {
    const open = more.getAttribute('aria-expanded') !== 'true';
    pre.textContent = open ? s : head;
    more.setAttribute('aria-expanded', String(open));
    more.textContent = open ? 'Fold' : 'Show all ' + fmt(lines.length) + ' lines (' + fmt(s.length) + ' characters)';
  });
  return h('div', { class: 'folded' }, pre, more);
}

// Arguments as a list of name → value; a value that is text shows as text (newlines kept), anything else as JSON.
export function args(value) {
  const v = parsed(value);
  if (v === null || v === undefined || v === '') return h('span', { class: 'muted', text: '(no arguments)' });
  if (typeof v !== 'object' || Array.isArray(v)) return folded(typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  const entries = Object.entries(v);
  if (entries.length === 0) return h('span', { class: 'muted', text: '(no arguments)' });
  return h('dl', { class: 'args' }, entries.flatMap(([k, x]) => [
    h('dt', { class: 'mono', text: k }),
    h('dd', {}, typeof x === 'string' ? (x.includes('\n') || x.length > 120 ? folded(x) : h('code', { text: x }))
      : folded(JSON.stringify(x, null, 2))),
  ]));
}

function line(label, ...content) {
  return h('div', { class: 'ev-line' }, h('span', { class: 'ev-label', text: label }), h('span', { class: 'ev-value' }, ...content));
}

// The body of one event in an expanded step.
export function eventBody(e) {
  const d = e.data || {};
  switch (e.type) {
    case 'model_request':
      return line('Request', fmt(d.messages) + ' messages' + (d.tool_mode ? ' · tools ' + d.tool_mode : '') + (d.model ? ' · ' + d.model : ''));
    case 'model_response': {
      const u = d.usage || {};
      const parts = [line('Reply', fmt(u.prompt) + ' prompt + ' + fmt(u.completion) + ' completion tokens · ' + ms(d.latency_ms)
        + (d.from_journal ? ' · replayed from the journal' : ''))];
      if (d.content) parts.push(h('div', { class: 'model-text', text: d.content }));
      for (const c of d.tool_calls || []) parts.push(line('Asks for', h('code', { text: c.name || '?' })));
      return parts;
    }
    case 'tool_call':
      return [line('Call', h('code', { text: d.name || '?' }), d.policy ? h('span', { class: 'muted', text: ' · policy ' + d.policy }) : null),
        args(d.arguments)];
    case 'tool_result': {
      const status = d.ok ? 'ok' : 'failed' + (d.error_kind ? ' (' + d.error_kind + ')' : '');
      return [line('Result', h('code', { text: d.name || '?' }), ' · ' + status + ' · ' + ms(d.duration_ms) + ' · ' + fmt(d.output_bytes)
        + ' bytes' + (d.source ? ' · ' + d.source : '')), folded(typeof d.output === 'string' ? d.output : JSON.stringify(parsed(d.output), null, 2),
        d.ok ? '' : 'out-failed')];
    }
    case 'policy_denied': return line('Refused', h('code', { text: d.name || '?' }), ': ' + (d.reason || ''));
    case 'review':
      return line('Review', (d.ok ? 'ok' : 'findings: ' + (d.findings || []).join('; ')) + ' · ' + fmt(d.files_checked) + ' files checked'
        + (d.on_resume ? ' · on resume' : ''));
    case 'checkpoint': return line('Checkpoint', 'step ' + d.step + ' saved · ' + fmt(d.tokens) + ' tokens so far · journal ' + fmt(d.journal_bytes) + ' bytes');
    case 'compaction':
      return line('Compaction', Object.entries(d).filter(([k]) => k !== 'step').map(([k, v]) => k.replace(/_/g, ' ') + ' ' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(' · ') || 'the history was compacted');
    case 'approval_requested':
      return [line('Approval asked', h('code', { text: d.name || d.tool || '?' })), d.arguments !== undefined ? args(d.arguments) : null];
    case 'approval_answered':
      return line('Approval', (d.approved === false || d.answer === 'deny' || d.decision === 'deny' ? 'denied' : 'approved')
        + (d.by ? ' by ' + d.by : '') + (d.reason ? ': ' + d.reason : ''));
    case 'error': return line('Error', (d.kind || 'error') + ': ' + (d.message || ''));
    case 'run_started': case 'run_resumed':
      return line(e.type === 'run_started' ? 'Started' : 'Resumed', (d.model ? '[' + d.model + '] ' : '') + (d.goal || ''));
    case 'run_paused': return line('Paused', 'at step ' + d.current_step + ': ' + (d.reason || ''));
    case 'run_cancelled': return line('Cancelled', d.reason || '');
    case 'run_finished':
      return [line('Finished', d.status + ' after ' + d.steps + ' steps, ' + fmt(d.tokens) + ' tokens' + (d.message ? ': ' + d.message : '')),
        d.answer ? h('div', { class: 'model-text', text: d.answer }) : null];
    case 'policy_reloaded':
      return line('Policy', (d.ok ? 'accepted ' : 'rejected ') + (d.version || '') + ' (' + (d.trigger || '') + ')' + (d.error ? ': ' + d.error : ''));
    default: return line(e.type || 'event', clip(JSON.stringify(d), 300));
  }
}

// One event in an expanded step: its time, type and body, and the raw JSON behind a disclosure.
export function eventBlock(e) {
  const time = e.ts ? e.ts.replace(/^.*T/, '').replace(/\.\d+Z$|Z$/, '') : '';
  const failed = (e.type === 'tool_result' && e.data && e.data.ok === false) || e.type === 'error' || e.type === 'policy_denied';
  return h('div', { class: 'ev', 'data-seq': e.seq, 'data-type': e.type },
    h('div', { class: 'ev-head' },
      h('span', { class: 'type t-' + e.type + (failed ? ' failed' : ''), text: e.type }),
      h('span', { class: 'muted small mono', title: e.ts || '', text: '#' + e.seq + ' · ' + time })),
    h('div', { class: 'ev-body' }, eventBody(e)),
    h('details', { class: 'raw' }, h('summary', { text: 'Raw event' }), h('pre', { tabindex: 0, text: JSON.stringify(e, null, 2) })));
}
