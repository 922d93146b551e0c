import { api, getJson } from './api.js';
import { h, $, toast } from './dom.js';

// Runs that wait for a person's answer (GET /approvals), each with the call it waits on and
// Approve / Deny buttons (POST /runs/<id>/approve|deny). An ES module beside app.js's.

async function loadApprovals() {
  if (!$('#approvals') || $('#overview').hidden) return; // after sign-in, when the overview shows
  let body;
  try {
    body = await getJson('/approvals');
  } catch (e) {
    return; // the overview shows the dashboard's errors
  }
  const runs = body.runs || [];
  $('#approvals-panel').hidden = runs.length === 0;
  $('#approvals').replaceChildren(...runs.map(approvalCard));
}

function approvalCard(run) {
  const call = run.approval || {};
  const reason = h('input', { type: 'text', class: 'reason', placeholder: 'Reason for the model (optional)', 'aria-label': 'Reason' });
  const approve = h('button', { type: 'button', class: 'btn approve', text: 'Approve' });
  const deny = h('button', { type: 'button', class: 'btn btn-quiet deny', text: 'Deny' });
  approve.addEventListener('click', () => answer(run.run_id, 'approve', null));
  deny.addEventListener('click', () => answer(run.run_id, 'deny', reason.value));
  return h('div', { class: 'approval', 'data-run': run.run_id },
    h('div', {}, h('strong', { text: run.run_id }), h('span', { class: 'muted', text: ' · step ' + (call.step || '?') + ' · ' + (run.goal || '') })),
    h('div', { text: (call.name || 'a tool') + ' wants to run:' }),
    h('pre', { class: 'preview', text: call.preview || '' }),
    h('div', { class: 'panel-tools' }, approve, deny, reason));
}

async function answer(runId, verb, reason) {
  const res = await api('/runs/' + encodeURIComponent(runId) + '/' + verb, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(reason ? { reason } : {}),
  });
  const body = await res.json().catch(() => ({}));
  if (res.ok) {
    toast('ok', (verb === 'approve' ? 'Approved' : 'Denied') + ' run ' + runId, body.message || '');
  } else {
    toast('error', 'Could not answer run ' + runId, body.error || (res.status + ''));
  }
  loadApprovals();
}

document.addEventListener('DOMContentLoaded', () => setInterval(loadApprovals, 3000));
