// The run's change to the workspace (GET /runs/<id>/diff[?step=N]): the files, each with its unified
// diff rendered line by line (added, removed, hunk headers), for the whole run or one step.
import { h, fmt } from './dom.js';
import { getJson } from './api.js';

const MAX_LINES = 400;

function patchView(patch) {
  const lines = String(patch || '').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const shown = lines.slice(0, MAX_LINES);
  const pre = h('pre', { class: 'diff', tabindex: 0, 'aria-label': 'diff' }, shown.map((l) => {
    const cls = l.startsWith('+++') || l.startsWith('---') ? 'd-file' : l.startsWith('@@') ? 'd-hunk'
      : l.startsWith('+') ? 'd-add' : l.startsWith('-') ? 'd-del' : 'd-ctx';
    return h('span', { class: 'd-line ' + cls, text: l + '\n' });
  }));
  if (lines.length <= MAX_LINES) return pre;
  return h('div', {}, pre, h('p', { class: 'muted small', text: fmt(lines.length - MAX_LINES) + ' more lines not shown: agent diff ID shows them all.' }));
}

function fileView(f, openFirst) {
  const counts = f.binary ? 'binary' : '+' + fmt(f.insertions) + ' −' + fmt(f.deletions);
  return h('details', { class: 'diff-file', open: openFirst ? true : null },
    h('summary', {},
      h('span', { class: 'fstatus fs-' + (f.status || 'modified'), text: f.status || 'modified' }),
      h('span', { class: 'mono fpath', text: f.path }),
      h('span', { class: 'fcounts mono', text: counts })),
    f.binary ? h('p', { class: 'muted small', text: 'A binary file: no text diff.' })
      : f.patch ? patchView(f.patch) : h('p', { class: 'muted small', text: 'No text change (mode or rename only).' }));
}

// Loads and shows the change into `box`; `step` null for the whole run. Returns what it showed.
export async function loadDiff(box, runId, step, isCurrent) {
  box.replaceChildren(h('p', { class: 'muted', text: 'Loading the change…' }));
  let body;
  try {
    body = await getJson('/runs/' + encodeURIComponent(runId) + '/diff' + (step ? '?step=' + step : ''));
  } catch (e) {
    if (!isCurrent()) return 'stale';
    if (e.status === 404) {
      box.replaceChildren(h('p', { class: 'empty-state', text: step ? 'No change recorded for step ' + step + '.' : 'No change recorded for this run.' }));
      return 'none';
    }
    box.replaceChildren(h('p', { class: 'error', text: 'Cannot load the change: ' + e.message }));
    return 'error';
  }
  if (!isCurrent()) return 'stale';
  const files = body.files || [];
  const s = body.summary || {};
  if (files.length === 0) {
    box.replaceChildren(h('p', { class: 'empty-state', text: step ? 'Step ' + step + ' changed no file.' : 'This run changed no file.' }));
    return 'empty';
  }
  box.replaceChildren(
    h('p', { class: 'diff-summary' }, fmt(s.files !== undefined ? s.files : files.length) + (files.length === 1 ? ' file' : ' files') + ' changed, ',
      h('span', { class: 'd-add-text', text: '+' + fmt(s.insertions) }), ' ', h('span', { class: 'd-del-text', text: '−' + fmt(s.deletions) })),
    ...files.map((f, i) => fileView(f, i < 3)));
  return 'files';
}
