// The reason at a glance: why a run stopped or waits, and how often the policy refused it, in a few
// words for the runs table and in full at the top of the run page.
import { h, clip, fmt } from './dom.js';

// The status to show: a running run whose owner is gone is interrupted (the runtime may say so itself).
export function shownStatus(run) {
  if (run.status === 'running' && run.live === false) return 'interrupted';
  return run.status || 'unknown';
}

// The pending tool call of a run awaiting approval, in whatever field the snapshot carries it.
export function pendingCall(run) {
  const p = run.pending_approval || run.pending_call || run.pending || run.approval || null;
  if (!p || typeof p !== 'object') return null;
  return { name: p.name || p.tool || (p.call && p.call.name) || '?', arguments: p.arguments || (p.call && p.call.arguments) || null };
}

// [{kind, text, detail}] for a run (a /runs row or a snapshot) and, when there is one, its summary.
export function reasons(run, summary) {
  const out = [];
  const status = shownStatus(run);
  const message = run.message || '';
  if (status === 'failed') out.push({ kind: 'failed', text: 'Failed: ' + (message || 'no reason recorded') });
  else if (status === 'paused') out.push({ kind: 'paused', text: 'Paused: ' + (message || 'no reason recorded') });
  else if (status === 'cancelled') out.push({ kind: 'cancelled', text: 'Cancelled' + (message ? ': ' + message : '') });
  else if (status === 'interrupted') {
    out.push({ kind: 'interrupted', text: 'Interrupted: the process that ran it' + (run.pid ? ' (pid ' + run.pid + ')' : '')
      + ' is gone; the main runtime resumes it when it starts' });
  }
  const call = pendingCall(run);
  if (status === 'awaiting_approval' || call || run.approval_pending || (summary && summary.approvals && summary.approvals.pending)) {
    out.push({ kind: 'approval', text: 'Awaiting approval' + (call ? ': ' + call.name : '') + ' — answer with agent approve ' + run.run_id
      + ' or agent deny ' + run.run_id });
  }
  const denials = summary ? summary.denials : run.denials;
  if (denials > 0) {
    out.push({ kind: 'denied', text: fmt(denials) + (denials === 1 ? ' call' : ' calls') + ' refused by policy'
      + (summary && summary.last_denial ? ' · last: ' + summary.last_denial : '') });
  }
  if ((summary && summary.archived) || run.archived) out.push({ kind: 'archived', text: 'Archived: its audit log was moved to the archive' });
  return out;
}

// The few words for the runs table.
export function reasonCell(run) {
  const items = reasons(run, null);
  if (items.length === 0) return null;
  return h('span', { class: 'reasons' }, items.map((r) => h('span', {
    class: 'reason reason-' + r.kind, title: r.text,
    text: r.kind === 'denied' ? r.text.replace(' refused by policy', ' denied') : clip(r.text, 90),
  })));
}
