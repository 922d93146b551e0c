// dev-agent dashboard: DOM and formatting helpers. Every piece of state (goals, model output, tool output)
// is put in the page as text (textContent), never as HTML.
const SVG_NS = 'http://www.w3.org/2000/svg';

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'text') el.textContent = v; else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

export const $ = (sel) => document.querySelector(sel);
export const fmt = (n) => (n === null || n === undefined || Number.isNaN(n)) ? '–' : Number(n).toLocaleString('en-US');

export function ago(iso) {
  if (!iso) return '–';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min ago';
  return Math.floor(s / 86400) + ' d ago';
}

export function ms(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (v < 1) return v.toFixed(2) + ' ms';
  if (v < 1000) return (v < 10 ? v.toFixed(1) : Math.round(v)) + ' ms';
  return (v / 1000).toFixed(v < 10000 ? 2 : 1) + ' s';
}

export function clip(text, n) {
  if (text === null || text === undefined) return '';
  const s = String(text).replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n) + '…' : s;
}

export function badge(status) {
  const s = status || 'unknown';
  return h('span', { class: 'badge ' + s, text: s });
}


const timers = [];

// A repeating task of the current view; the router clears them all on navigation.
export function every(millis, fn) {
  timers.push(setInterval(fn, millis));
}

export function clearTimers() {
  timers.splice(0).forEach(clearInterval);
}

let toastTimer = null;
export function toast(kind, title, detail) {
  const el = $('#toast');
  el.className = 'toast ' + kind;
  el.replaceChildren(h('strong', { text: title }), detail ? h('span', { text: detail }) : null);
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, kind === 'ok' ? 6000 : 12000);
}
