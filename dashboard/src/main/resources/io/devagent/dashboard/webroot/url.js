// The page's place, kept in the URL's hash so that a view (a run, its filters, its search) can be
// reloaded, bookmarked and shared: #/?status=failed&q=words or #/runs/<id>?types=a,b&q=words&diff=3.

export function current() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const at = hash.indexOf('?');
  const path = at < 0 ? hash : hash.slice(0, at);
  const params = new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
  const m = path.match(/^\/runs\/([^/]+)$/);
  return { view: m ? 'run' : 'overview', runId: m ? decodeURIComponent(m[1]) : null, params };
}

export function runHref(id) {
  return '#/runs/' + encodeURIComponent(id);
}

// Rewrites the hash's parameters without a navigation (no hashchange, no history entry).
export function setParams(values) {
  const { view, runId, params } = current();
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) params.delete(k);
    else params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const path = view === 'run' ? '/runs/' + encodeURIComponent(runId) : '/';
  const query = params.toString();
  history.replaceState(null, '', '#' + path + (query ? '?' + query : ''));
}
