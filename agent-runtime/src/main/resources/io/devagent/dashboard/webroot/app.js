// dev-agent dashboard: a small page over the dashboard's JSON API. No framework, no build step,
// nothing loaded from elsewhere: plain ES modules served by the dashboard itself.
import { $, clearTimers, every } from './dom.js';
import { setupLogin } from './api.js';
import { loadPolicy, reloadPolicy } from './policy.js';
import { setupOverview, showOverview } from './overview.js';
import { R, showRun, closeStream } from './run.js';

// Anything the Content-Security-Policy blocked (there should be nothing); read by the browser test.
const diagnostics = { cspViolations: 0, run: R };
window.devagent = diagnostics;
document.addEventListener('securitypolicyviolation', () => { diagnostics.cspViolations += 1; });

function route() {
  clearTimers();
  closeStream();
  R.runId = null;
  const m = location.hash.match(/^#\/runs\/(.+)$/);
  if (m) showRun(decodeURIComponent(m[1])); else showOverview();
  loadPolicy();
  every(5000, loadPolicy);
}

document.addEventListener('DOMContentLoaded', () => {
  setupLogin();
  $('#reload').addEventListener('click', reloadPolicy);
  setupOverview();
  window.addEventListener('hashchange', route);
  route();
});
