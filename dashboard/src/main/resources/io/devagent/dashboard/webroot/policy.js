// The header: the main runtime, the policy in force, and the reload button.
import { $, ago, toast } from './dom.js';
import { api, getJson } from './api.js';

export async function loadPolicy() {
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

export async function reloadPolicy() {
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
