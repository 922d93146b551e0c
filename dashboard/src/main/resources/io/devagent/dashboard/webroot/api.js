// The dashboard's JSON API, with the token when there is one. The token is asked once, kept in this
// tab's session storage, and sent as a bearer header.
import { $ } from './dom.js';

const TOKEN_KEY = 'devagent.dashboard.token';
const auth = { token: sessionStorage.getItem(TOKEN_KEY), waiters: [] };

export async function api(path, options = {}) {
  const headers = Object.assign({ 'Accept': 'application/json' }, options.headers || {});
  if (auth.token) headers['Authorization'] = 'Bearer ' + auth.token;
  const res = await fetch(path, Object.assign({}, options, { headers, cache: 'no-store' }));
  if (res.status === 401) {
    await signIn(auth.token ? 'That token was not accepted.' : null);
    return api(path, options);
  }
  return res;
}

export async function getJson(path) {
  const res = await api(path);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = new Error(body.error || (res.status + ' ' + res.statusText));
    e.status = res.status;
    throw e;
  }
  return body;
}

// The token is asked once, kept in this tab's session storage, and sent as a bearer header.
function signIn(message) {
  return new Promise((resolve) => {
    auth.waiters.push(resolve);
    const dialog = $('#login');
    $('#login-error').hidden = !message;
    $('#login-error').textContent = message || '';
    if (!dialog.open) {
      dialog.showModal();
      $('#token-input').value = '';
      $('#token-input').focus();
    }
  });
}

export function setupLogin() {
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = $('#token-input').value.trim();
    if (!value) return;
    auth.token = value;
    sessionStorage.setItem(TOKEN_KEY, value);
    $('#login').close();
    $('#signout').hidden = false;
    const waiters = auth.waiters;
    auth.waiters = [];
    waiters.forEach((w) => w());
  });
  $('#login').addEventListener('cancel', (ev) => ev.preventDefault());
  $('#signout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    auth.token = null;
    location.reload();
  });
  $('#signout').hidden = !auth.token;
}
