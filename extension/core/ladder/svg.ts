// Draws a ladder layout (layout.ts) as SVG, with the colours given (a theme): `ladderSvg` gives the standalone file
// (the postmortem export), `ladderSvgTree` the same drawing as plain nodes, which the webview turns into elements
// with createElementNS and textContent (no markup parsed). Every text is escaped: the transcript is hostile input.
// Each arrow is a <g data-kind data-event> (a mismatch's also data-request and data-answers) holding its line, head
// and label, so a click names its event and a test can read what is drawn.
import type { LadderLayout, LadderTone } from './layout';

/** Explicit colours (CSS colour strings) and the font; the webview fills it from the VS Code theme. */
export interface LadderTheme {
  background: string;
  foreground: string;
  /** the time gutter, marks of opening and closing, break labels */
  dim: string;
  /** the columns' lines and row rules */
  grid: string;
  request: string;
  response: string;
  mismatch: string;
  /** give-ups, late answers, faults */
  warning: string;
  /** the current row's band */
  highlight: string;
  fontFamily: string;
  fontSizePx: number;
}

/** For a file read on a white page (a Markdown postmortem): the colours of extension/core/review's pictures. */
export const LADDER_LIGHT: LadderTheme = {
  background: '#ffffff',
  foreground: '#1f2328',
  dim: '#59636e',
  grid: '#d1d9e0',
  request: '#0969da',
  response: '#1a7f37',
  mismatch: '#cf222e',
  warning: '#9a6700',
  highlight: '#fff8c5',
  fontFamily: 'Helvetica, Arial, sans-serif',
  fontSizePx: 11,
};

export const LADDER_DARK: LadderTheme = {
  background: '#1f1f1f',
  foreground: '#cccccc',
  dim: '#9d9d9d',
  grid: '#454545',
  request: '#3794ff',
  response: '#89d185',
  mismatch: '#f14c4c',
  warning: '#d18616',
  highlight: '#04395e',
  fontFamily: 'Helvetica, Arial, sans-serif',
  fontSizePx: 11,
};

/** An SVG element as data: its name, attributes, text and children. */
export interface SvgNode {
  tag: string;
  attrs: Record<string, string | number>;
  text?: string;
  children?: SvgNode[];
}

export interface LadderDrawOptions {
  /** the event whose row is banded (the timeline's cursor); none by default */
  cursor?: number;
  /** the picture's title, for screen readers and a file's readers */
  title?: string;
}

/** the time gutter's right edge: times are right-aligned a little left of it */
const GUTTER_PX = 70;
const r1 = (v: number) => Math.round(v * 10) / 10;
const node = (tag: string, attrs: SvgNode['attrs'], children?: SvgNode[], text?: string): SvgNode => ({
  tag,
  attrs,
  ...(children ? { children } : {}),
  ...(text !== undefined ? { text } : {}),
});

/**
 * The ladder as one standalone SVG document (UTF-8 text, no external references): what a postmortem embeds.
 * `theme` gives every colour (LADDER_LIGHT for a white page).
 */
export function ladderSvg(layout: LadderLayout, theme: LadderTheme = LADDER_LIGHT, opts: LadderDrawOptions = {}): string {
  return svgMarkup(ladderSvgTree(layout, theme, opts)) + '\n';
}

export function ladderSvgTree(l: LadderLayout, t: LadderTheme, opts: LadderDrawOptions = {}): SvgNode {
  const tone = (x: LadderTone) => t[x === 'dim' ? 'dim' : x];
  const text = (x: number, y: number, s: string, fill: string, anchor = 'start', extra: SvgNode['attrs'] = {}) =>
    node('text', { x: r1(x), y: r1(y), fill, 'text-anchor': anchor, ...extra }, undefined, s);
  const out: SvgNode[] = [
    node('title', {}, undefined, opts.title ?? `Connection ${l.conn}: requests and answers, time downwards`),
    node('rect', { width: l.width, height: l.height, fill: t.background }),
  ];
  // row bands: what a click on a row selects, and the cursor's band (moved by the webview as the cursor steps)
  const cursorRow = opts.cursor === undefined ? undefined : l.rows.find((r) => r.event === opts.cursor && r.kind !== 'giveUp');
  out.push(
    node('rect', {
      'data-role': 'cursor',
      x: 0,
      y: r1((cursorRow?.y ?? 0) - l.rowPx / 2),
      width: l.width,
      height: l.rowPx,
      fill: t.highlight,
      visibility: cursorRow ? 'visible' : 'hidden',
      ...(cursorRow ? { 'data-event': cursorRow.event } : {}),
    }),
  );
  out.push(
    node(
      'g',
      { 'data-role': 'rows' },
      l.rows.map((r) =>
        node('rect', { 'data-event': r.event, 'data-row': r.kind, x: 0, y: r1(r.y - l.rowPx / 2), width: l.width, height: l.rowPx, fill: 'transparent' }),
      ),
    ),
  );
  out.push(
    text(l.clientX, l.titleY, 'client', t.foreground, 'middle', { 'font-weight': 'bold' }),
    text(l.serverX, l.titleY, 'server', t.foreground, 'middle', { 'font-weight': 'bold' }),
  );
  out.push(
    node('g', { stroke: t.grid, 'stroke-width': 2 }, [
      node('line', { x1: l.clientX, y1: l.top, x2: l.clientX, y2: l.bottom }),
      node('line', { x1: l.serverX, y1: l.top, x2: l.serverX, y2: l.bottom }),
    ]),
  );
  out.push(
    node(
      'g',
      { 'data-role': 'times', fill: t.dim, 'text-anchor': 'end' },
      l.rows.map((r) => node('text', { x: GUTTER_PX - 6, y: r1(r.y + 4) }, undefined, r.time)),
    ),
  );
  for (const b of l.breaks) {
    // the zigzag right of the time gutter, whose label says how much time is cut out
    const zig = (dy: number) =>
      `M${GUTTER_PX} ${r1(b.y + dy)} ` +
      Array.from({ length: Math.ceil((l.width - GUTTER_PX) / 12) }, (_, k) => `L${GUTTER_PX + (k + 1) * 12} ${r1(b.y + dy + (k % 2 ? 3 : -3))}`).join(' ');
    out.push(
      node('g', { 'data-role': 'break', 'data-gap-us': b.gapUs }, [
        node('rect', { x: 0, y: r1(b.y - 8), width: l.width, height: 16, fill: t.background }),
        node('path', { d: zig(-4), stroke: t.dim, fill: 'none' }),
        node('path', { d: zig(4), stroke: t.dim, fill: 'none' }),
        text(GUTTER_PX - 6, b.y + 4, b.label, t.dim, 'end', { 'font-style': 'italic' }),
      ]),
    );
  }
  for (const m of l.marks) {
    const c = tone(m.tone);
    const shape =
      m.kind === 'giveUp'
        ? node('path', { d: `M${m.x - 5} ${m.y - 5}L${m.x + 5} ${m.y + 5}M${m.x + 5} ${m.y - 5}L${m.x - 5} ${m.y + 5}`, stroke: c, 'stroke-width': 2 })
        : m.kind === 'unanswered'
          ? node('circle', { cx: m.x, cy: m.y, r: 4, fill: 'none', stroke: c, 'stroke-width': 1.5 })
          : node('line', { x1: l.clientX, y1: r1(m.y), x2: l.serverX, y2: r1(m.y), stroke: c, 'stroke-dasharray': '4 3' });
    const labelY = m.anchor === 'middle' ? m.y - 4 : m.y + 4;
    out.push(node('g', { 'data-kind': m.kind, 'data-event': m.event }, [shape, text(m.labelX, labelY, m.label, c, m.anchor)]));
  }
  for (const a of l.arrows) {
    const c = tone(a.tone);
    const attrs: SvgNode['attrs'] = { 'data-kind': a.kind, 'data-event': a.event };
    if (a.kind === 'mismatch') Object.assign(attrs, { 'data-request': a.request, 'data-answers': a.answers });
    const line =
      a.kind === 'mismatch'
        ? node('path', {
            d: `M${r1(a.x1)} ${r1(a.y1)}C${r1(a.bendX)} ${r1(a.y1)} ${r1(a.bendX)} ${r1(a.y2)} ${r1(a.x2 - 7)} ${r1(a.y2)}`,
            stroke: c,
            'stroke-width': 2,
            fill: 'none',
          })
        : node('line', { x1: r1(a.x1), y1: r1(a.y1), x2: r1(a.x2 - Math.sign(a.x2 - a.x1) * 7), y2: r1(a.y2), stroke: c, 'stroke-width': 1.5 });
    // the head: at the end, pointing along the last stretch (a mismatch's arc ends going right, into the request)
    const dir = a.kind === 'mismatch' ? 1 : Math.sign(a.x2 - a.x1);
    const head = node('path', { d: `M${r1(a.x2)} ${r1(a.y2)}L${r1(a.x2 - dir * 8)} ${r1(a.y2 - 4)}L${r1(a.x2 - dir * 8)} ${r1(a.y2 + 4)}Z`, fill: c });
    const parts = [node('title', {}, undefined, a.title), line, head];
    if (a.kind === 'mismatch') parts.push(node('circle', { cx: r1(a.x1), cy: r1(a.y1), r: 3, fill: c }));
    parts.push(text(a.labelX, a.labelY, a.label, a.kind === 'mismatch' ? c : a.tone === 'warning' ? c : t.foreground, a.anchor));
    out.push(node('g', attrs, parts));
  }
  return node(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width: l.width,
      height: l.height,
      viewBox: `0 0 ${l.width} ${l.height}`,
      'font-family': t.fontFamily,
      'font-size': t.fontSizePx,
      role: 'img',
      'data-conn': l.conn,
    },
    out,
  );
}

/** The node as SVG markup; every attribute value and text escaped, characters XML cannot hold replaced. */
export function svgMarkup(n: SvgNode): string {
  const attrs = Object.entries(n.attrs)
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join('');
  const inner = (n.text !== undefined ? esc(n.text) : '') + (n.children ?? []).map(svgMarkup).join('');
  return inner ? `<${n.tag}${attrs}>${inner}</${n.tag}>` : `<${n.tag}${attrs}/>`;
}

function esc(s: string): string {
  return s
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\uFFFD');
}
