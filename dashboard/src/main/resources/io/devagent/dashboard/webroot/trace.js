// The run as a trace: its events grouped into one row per step (model turn → tool calls → results →
// review → checkpoint), with the step's tokens and latency; a row opens to the step's events in full.
// Starts, pauses, resumes and ends are rows of their own; compactions, approvals, denials and errors
// are marked on the step they happened in. Rows are rebuilt only when their events change, and the
// list is patched in place, so that live events neither jump the page nor take the keyboard focus.
import { h, fmt, ms, clip } from './dom.js';
import { eventBlock } from './detail.js';

const MILESTONES = { run_started: 'Started', run_resumed: 'Resumed', run_paused: 'Paused', run_finished: 'Finished',
  run_cancelled: 'Cancelled', policy_reloaded: 'Policy reloaded' };

function stepOf(e) {
  const d = e.data || {};
  if (typeof d.step === 'number' && !(e.type === 'review' && d.on_resume)) return d.step;
  return null;
}

// Groups events (in seq order) into rows: {key, kind: 'step'|'milestone', step, events}.
export function group(events) {
  const groups = [];
  const bySteps = new Map();
  let last = null;
  for (const e of events) {
    const step = stepOf(e);
    if (MILESTONES[e.type] || (step === null && last === null)) {
      last = { key: e.type + '-' + e.seq, kind: 'milestone', step: null, events: [e] };
      groups.push(last);
      if (!MILESTONES[e.type]) last.kind = 'other';
      continue;
    }
    if (step === null) { last.events.push(e); continue; }
    let g = bySteps.get(step);
    if (!g || (last && last.kind === 'milestone' && last.events[0].type === 'run_resumed' && g !== last && groups.indexOf(g) < groups.indexOf(last))) {
      // A step retried after a resume is a new row: the first attempt stays where it happened.
      g = { key: 'step-' + step + '-' + e.seq, kind: 'step', step, events: [] };
      bySteps.set(step, g);
      groups.push(g);
    }
    g.events.push(e);
    last = g;
  }
  return groups;
}

// What a step row's head says.
function facts(g) {
  const f = { calls: [], results: new Map(), denied: new Set(), tokens: 0, latency: 0, review: null, checkpoint: false,
    compactions: 0, approvals: 0, errors: 0, answer: null, request: false };
  for (const e of g.events) {
    const d = e.data || {};
    switch (e.type) {
      case 'model_request': f.request = true; break;
      case 'model_response':
        f.tokens += (d.usage && d.usage.total) || 0;
        f.latency += d.latency_ms || 0;
        if (!(d.tool_calls || []).length && d.content) f.answer = d.content;
        break;
      case 'tool_call': f.calls.push({ id: d.id, name: d.name || '?' }); break;
      case 'tool_result': f.results.set(d.id, d); f.latency += d.duration_ms || 0; break;
      case 'policy_denied': f.denied.add(d.id); break;
      case 'review': f.review = d; break;
      case 'checkpoint': f.checkpoint = true; break;
      case 'compaction': f.compactions++; break;
      case 'approval_requested': case 'approval_answered': f.approvals++; break;
      case 'error': f.errors++; break;
      default: break;
    }
  }
  return f;
}

function stepHead(g) {
  const f = facts(g);
  const turn = f.answer !== null ? h('span', { class: 'turn answer', text: 'answer: ' + clip(f.answer, 140) })
    : f.calls.length === 0 ? h('span', { class: 'turn muted', text: f.request ? 'waiting for the model…' : '' }) : null;
  const chips = f.calls.map((c) => {
    const r = f.results.get(c.id);
    const state = f.denied.has(c.id) ? 'denied' : !r ? 'pending' : r.ok ? 'ok' : 'failed';
    const mark = { denied: '⊘', pending: '…', ok: '✓', failed: '✗' }[state];
    return h('span', { class: 'chip chip-' + state, title: c.name + ': ' + state }, c.name + ' ' + mark);
  });
  const flags = [];
  if (f.review) flags.push(h('span', { class: 'flag ' + (f.review.ok ? 'flag-ok' : 'flag-bad'),
    text: f.review.ok ? 'review ✓' : 'review: ' + (f.review.findings || []).length + ' finding' + ((f.review.findings || []).length === 1 ? '' : 's') }));
  if (f.checkpoint) flags.push(h('span', { class: 'flag flag-ok', text: 'saved' }));
  if (f.compactions) flags.push(h('span', { class: 'flag flag-note', text: 'compacted' }));
  if (f.approvals) flags.push(h('span', { class: 'flag flag-warn', text: 'approval' }));
  if (f.denied.size) flags.push(h('span', { class: 'flag flag-bad', text: f.denied.size + ' denied' }));
  if (f.errors) flags.push(h('span', { class: 'flag flag-bad', text: f.errors + ' error' + (f.errors === 1 ? '' : 's') }));
  return [
    h('span', { class: 'step-no', text: 'Step ' + g.step }),
    h('span', { class: 'step-main' }, turn, chips, flags),
    h('span', { class: 'step-num', title: 'tokens of this step', text: f.tokens ? fmt(f.tokens) + ' tok' : '' }),
    h('span', { class: 'step-num', title: 'model latency plus tool time', text: f.latency ? ms(f.latency) : '' }),
  ];
}

function milestoneHead(g) {
  const e = g.events[0];
  const d = e.data || {};
  const label = MILESTONES[e.type] || e.type;
  let text = '';
  if (e.type === 'run_started' || e.type === 'run_resumed') text = clip(d.goal, 160);
  else if (e.type === 'run_paused') text = 'at step ' + d.current_step + ': ' + clip(d.reason, 200);
  else if (e.type === 'run_finished') text = d.status + ' after ' + d.steps + ' steps, ' + fmt(d.tokens) + ' tokens'
    + (d.message ? ': ' + clip(d.message, 160) : d.answer ? ' · ' + clip(d.answer, 120) : '');
  else if (e.type === 'run_cancelled') text = clip(d.reason, 200);
  else if (e.type === 'policy_reloaded') text = (d.ok ? 'accepted ' : 'rejected ') + (d.version || '');
  else text = clip(JSON.stringify(d), 160);
  const cls = e.type === 'run_finished' ? (d.status === 'succeeded' ? 'm-ok' : 'm-bad') : e.type === 'run_paused' ? 'm-warn' : 'm-info';
  return [h('span', { class: 'step-no ' + cls, text: label }), h('span', { class: 'step-main', text }), h('span', {}), h('span', {})];
}

export class Trace {
  constructor(list, onDiff) {
    this.list = list;
    this.onDiff = onDiff;
    this.open = new Set();
    this.rows = new Map();     // key → {sig, el}
    this.filter = { types: new Set(), q: '' };
    this.visible = 0;
  }

  reset() {
    this.open.clear();
    this.rows.clear();
    this.list.replaceChildren();
  }

  setFilter(types, q) {
    this.filter = { types: new Set(types), q: (q || '').toLowerCase().trim() };
    this.rows.clear();
  }

  active() {
    return this.filter.types.size > 0 || this.filter.q !== '';
  }

  matches(e) {
    if (this.filter.types.size && !this.filter.types.has(e.type)) return false;
    if (!this.filter.q) return true;
    if (e._text === undefined) e._text = JSON.stringify(e).toLowerCase();
    return e._text.includes(this.filter.q);
  }

  render(events) {
    const groups = group(events);
    const els = [];
    let matching = 0;
    for (const g of groups) {
      const shown = this.active() ? g.events.filter((e) => this.matches(e)) : g.events;
      if (shown.length === 0) continue;
      matching += shown.length;
      const open = this.open.has(g.key);
      const sig = g.events.length + ':' + (g.events[g.events.length - 1].seq) + ':' + open + ':' + shown.length;
      let row = this.rows.get(g.key);
      if (!row || row.sig !== sig) {
        const el = this.row(g, shown, open);
        const hadFocus = row && row.el.contains(document.activeElement);
        if (row && row.el.parentNode) row.el.replaceWith(el);
        row = { sig, el };
        this.rows.set(g.key, row);
        if (hadFocus) el.querySelector('.step-head').focus();
      }
      els.push(row.el);
    }
    // Patch the list in place: nodes already there stay (and keep focus), new ones go where they belong.
    els.forEach((el, i) => { if (this.list.children[i] !== el) this.list.insertBefore(el, this.list.children[i] || null); });
    while (this.list.children.length > els.length) this.list.lastElementChild.remove();
    this.visible = els.length;
    return { rows: els.length, steps: groups.filter((g) => g.kind === 'step').length, matching };
  }

  row(g, shown, open) {
    const id = 'step-body-' + g.key;
    const head = h('button', { type: 'button', class: 'step-head', 'aria-expanded': String(open), 'aria-controls': id },
      h('span', { class: 'caret', 'aria-hidden': 'true', text: open ? '▾' : '▸' }),
      g.kind === 'step' ? stepHead(g) : milestoneHead(g));
    head.addEventListener('click', () => {
      if (this.open.has(g.key)) this.open.delete(g.key); else this.open.add(g.key);
      this.onToggle && this.onToggle();
    });
    const li = h('li', { class: 'step step-' + g.kind + (open ? ' open' : ''), 'data-key': g.key, 'data-step': g.step,
      'data-seqs': g.events[0].seq + '-' + g.events[g.events.length - 1].seq }, head);
    if (open) {
      const body = h('div', { class: 'step-body', id }, shown.map(eventBlock));
      if (g.kind === 'step' && this.onDiff) {
        body.append(h('button', { type: 'button', class: 'btn btn-quiet btn-small step-diff', text: 'Show the change of step ' + g.step,
          onclick: () => this.onDiff(g.step) }));
      }
      li.append(body);
    }
    return li;
  }
}
