// Charts, hand-drawn in SVG (no library, no build step).
import { h, svg, fmt, ms, clip } from './dom.js';

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

// Tokens by step over the whole run: `buckets` is the summary's [first step, last step, prompt, completion] list
// (one step a bar, or a range of steps a bar on a long run).
export function tokensChart(box, buckets, emptyText) {
  const steps = (buckets || []).map(([from, to, prompt, completion]) => [from === to ? String(from) : from + '–' + to, { prompt, completion, from }]);
  if (steps.length === 0) { box.replaceChildren(h('div', { class: 'empty', text: emptyText || 'No model replies yet.' })); return; }
  const W = 560, H = 200, L = 48, B = 22, T = 8, R = 8;
  const max = niceMax(Math.max(...steps.map(([, u]) => u.prompt + u.completion)));
  const bw = (W - L - R) / steps.length;
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const g = [];
  for (let i = 0; i <= 4; i++) {
    const v = max * i / 4;
    g.push(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'axis' }));
    g.push(svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', text: v >= 1000 ? (v / 1000) + 'k' : v }));
  }
  const labelEvery = Math.ceil(steps.length / 14);
  steps.forEach(([step, u], i) => {
    const x = L + i * bw + bw * 0.15, w = bw * 0.7;
    const title = svg('title', { text: 'step ' + step + ': ' + fmt(u.prompt) + ' prompt + ' + fmt(u.completion) + ' completion' });
    g.push(svg('rect', { x, width: w, y: y(u.prompt), height: y(0) - y(u.prompt), class: 'bar-prompt' }, title));
    g.push(svg('rect', { x, width: w, y: y(u.prompt + u.completion), height: y(u.prompt) - y(u.prompt + u.completion), class: 'bar-completion' },
      svg('title', { text: title.textContent })));
    if (i % labelEvery === 0) g.push(svg('text', { x: x + w / 2, y: H - 6, 'text-anchor': 'middle', text: u.from }));
  });
  box.replaceChildren(svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Tokens per step' }, g));
}

// One row per tool: a light bar to p95, a dark bar to p50, a tick at the max; log scale in ms.
export function latencyChart(box, rows, emptyText) {
  rows = rows.filter((r) => r.count > 0).sort((a, b) => b.p95 - a.p95);
  if (rows.length === 0) { box.replaceChildren(h('div', { class: 'empty', text: emptyText })); return; }
  const rowH = 26, L = 110, R = 170, T = 6, B = 24, W = 600;
  const H = T + B + rows.length * rowH;
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(0.001, Math.min(...rows.map((r) => r.p50 || r.max || 0.01))))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(lo * 10, ...rows.map((r) => r.max || 0)))));
  const x = (v) => L + (W - L - R) * (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
  const g = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    g.push(svg('line', { x1: x(v), x2: x(v), y1: T, y2: H - B, class: 'axis' }));
    g.push(svg('text', { x: x(v), y: H - 8, 'text-anchor': 'middle', text: ms(v).replace('.00', '') }));
  }
  rows.forEach((r, i) => {
    const cy = T + i * rowH + rowH / 2;
    g.push(svg('text', { x: L - 8, y: cy + 4, 'text-anchor': 'end', class: 'label', text: clip(r.tool, 18) }, svg('title', { text: r.tool })));
    g.push(svg('rect', { x: L, y: cy - 7, width: Math.max(1, x(r.p95) - L), height: 14, rx: 2, class: 'bar-p95' }));
    g.push(svg('rect', { x: L, y: cy - 4, width: Math.max(1, x(r.p50) - L), height: 8, rx: 2, class: 'bar-p50' }));
    g.push(svg('line', { x1: x(r.max), x2: x(r.max), y1: cy - 9, y2: cy + 9, class: 'tick-max' }));
    g.push(svg('text', { x: W - R + 8, y: cy + 4, text: ms(r.p50) + ' / ' + ms(r.p95) + ' · ' + fmt(r.count) + '×' },
      svg('title', { text: r.tool + ': p50 ' + ms(r.p50) + ', p95 ' + ms(r.p95) + ', max ' + ms(r.max) + ', ' + r.count + ' calls' })));
  });
  box.replaceChildren(svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Tool latency' }, g));
}
