// dev-agent dashboard: a small page over the dashboard's JSON API. No framework, no build step,
// nothing loaded from elsewhere: plain ES modules served by the dashboard itself. This one routes:
// #/ (the overview) and #/runs/<id> (one run), each with its filters in the hash's query.
import { $, clearTimers, every } from './dom.js';
import { setupLogin } from './api.js';
import { loadPolicy, reloadPolicy } from './policy.js';
import { setupOverview, showOverview } from './overview.js';
import { R, setupRun, showRun, closeStream } from './run.js';
import { current } from './url.js';

// Anything the Content-Security-Policy blocked (there should be nothing), and the run view's state: read by the browser test.
const diagnostics = { cspViolations: 0, run: R };
window.devagent = diagnostics;
document.addEventListener('securitypolicyviolation', () => { diagnostics.cspViolations += 1; });

function route() {
  clearTimers();
  closeStream();
  R.runId = null;
  const place = current();
  if (place.view === 'run') showRun(place.runId); else showOverview();
  loadPolicy();
  every(5000, loadPolicy);
}

document.addEventListener('DOMContentLoaded', () => {
  setupLogin();
  $('#reload').addEventListener('click', reloadPolicy);
  setupOverview();
  setupRun();
  window.addEventListener('hashchange', route);
  route();
});
