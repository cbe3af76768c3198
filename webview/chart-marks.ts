// The shard chart's marks (alert, crossover, NO RELIEF): a vertical line each, told apart three ways, so they read
// in any theme and when a few pixels apart: colour, dash (dashed, solid, dash-dot) and a marker with its word
// (▼ alert, ◆ crossover, ■ NO RELIEF) in a strip above the plot, where no data runs under them. The markers and
// words of marks close together go on rows one under the other, so no two words overlap; the strip is as tall as
// the rows the window needs. What was drawn is returned for the page to expose to tests.
import type uPlot from 'uplot';
import { type ChartTheme, type MarkColours } from './chart-theme';

import { MARK_WORD, type MarkKind } from '../extension/core/metrics/words';

export type { MarkKind };
export type MarkShape = 'triangle' | 'diamond' | 'square';

interface MarkStyle {
  label: string;
  shape: MarkShape;
  /** in CSS pixels; the name goes to the legend and to tests */
  dash: number[];
  dashName: 'dashed' | 'solid' | 'dash-dot';
  colour: keyof MarkColours;
}

export const MARK_STYLES: Record<MarkKind, MarkStyle> = {
  alert: { label: MARK_WORD.alert, shape: 'triangle', dash: [6, 3], dashName: 'dashed', colour: 'alert' },
  crossover: { label: MARK_WORD.crossover, shape: 'diamond', dash: [], dashName: 'solid', colour: 'crossover' },
  // dash-dot rather than dotted: the notes are the dotted lines
  'no-relief': { label: MARK_WORD['no-relief'], shape: 'square', dash: [7, 3, 1.5, 3], dashName: 'dash-dot', colour: 'noRelief' },
};

export interface Mark {
  kind: MarkKind;
  tSec: number;
}

export interface DrawnMark {
  kind: MarkKind;
  label: string;
  shape: MarkShape;
  dash: MarkStyle['dashName'];
  colour: string;
  /** canvas pixels: the line's column, and the marker's centre row */
  x: number;
  y: number;
  /** the marker's half size, canvas pixels */
  size: number;
  row: number;
  /** the marker and its word, canvas pixels: left, top, right, bottom */
  box: [number, number, number, number];
}

/** In CSS pixels: the marker's half size, the space before a word, and a row of the strip. */
const SIZE = 6;
const GAP = 4;
const rowHeight = (fontPx: number) => Math.max(fontPx, 2 * SIZE) + 4;

/** The height of the strip above the plot (CSS pixels) that the marks in the current x window need. */
export function stripHeight(u: uPlot, marks: Mark[], t: ChartTheme): number {
  // asked once before uPlot has a plot rectangle or an x scale: a row's worth, until it has
  if (!u.bbox || u.scales.x?.min == null) return marks.length ? rowHeight(fontOf(t.font, 1).px) + 6 : 8;
  const laid = layout(u, marks, t, 1);
  const rows = laid.reduce((n, m) => Math.max(n, m.row + 1), 0);
  return rows ? rows * rowHeight(fontOf(t.font, 1).px) + 6 : 8;
}

/** Draws the marks that fall in the plot: a line down the plot, a marker and a word in the strip above it. */
export function drawMarks(u: uPlot, marks: Mark[], t: ChartTheme): DrawnMark[] {
  const ctx = u.ctx;
  const dpr = devicePixelRatio;
  const placed = layout(u, marks, t, dpr);
  const { top, height } = u.bbox;
  ctx.save();
  for (const m of placed) {
    ctx.strokeStyle = m.colour;
    ctx.lineWidth = 2 * dpr;
    ctx.setLineDash(MARK_STYLES[m.kind].dash.map((d) => d * dpr));
    ctx.beginPath();
    ctx.moveTo(m.x + 0.5, m.y);
    ctx.lineTo(m.x + 0.5, top + height);
    ctx.stroke();
  }
  ctx.font = `bold ${fontOf(t.font, dpr).css}`;
  ctx.textBaseline = 'middle';
  for (const m of placed) {
    const [l, tp, r, b] = m.box;
    ctx.globalAlpha = 0.85; // a ground under the word, so a line behind does not cross it
    ctx.fillStyle = t.background;
    ctx.fillRect(l - dpr, tp, r - l + 2 * dpr, b - tp);
    ctx.globalAlpha = 1;
    marker(ctx, m, t.background);
    ctx.fillStyle = m.colour;
    const right = m.box[0] >= m.x - m.size;
    ctx.textAlign = right ? 'left' : 'right';
    ctx.fillText(m.label, right ? m.x + m.size + GAP * dpr : m.x - m.size - GAP * dpr, m.y);
  }
  ctx.restore();
  return placed;
}

/** Where each mark in the window goes, in pixels at the given ratio (1: CSS pixels, for the strip's height). */
function layout(u: uPlot, marks: Mark[], t: ChartTheme, ratio: number): DrawnMark[] {
  const { left, width, top } = u.bbox;
  const scale = ratio / devicePixelRatio; // bbox is in canvas pixels
  const font = fontOf(t.font, ratio);
  const ctx = u.ctx;
  ctx.save();
  ctx.font = `bold ${font.css}`;
  const size = Math.round(SIZE * ratio);
  const gap = GAP * ratio;
  const rowH = rowHeight(font.px / ratio) * ratio;
  const plotLeft = left * scale;
  const plotRight = (left + width) * scale;
  const placed: DrawnMark[] = [];
  for (const m of marks) {
    const x = Math.round(u.valToPos(m.tSec, 'x', true) * scale);
    if (x < plotLeft - 1 || x > plotRight + 1) continue;
    const style = MARK_STYLES[m.kind];
    const textWidth = ctx.measureText(style.label).width;
    // the word to the right of the marker, or to its left where the plot ends
    const box: DrawnMark['box'] =
      x + size + gap + textWidth <= plotRight ? [x - size, 0, x + size + gap + textWidth, 0] : [x - size - gap - textWidth, 0, x + size, 0];
    placed.push({ kind: m.kind, label: style.label, shape: style.shape, dash: style.dashName, colour: t.marks[style.colour], x, y: 0, size, row: 0, box });
  }
  ctx.restore();
  // rows: each mark on the first row where it clears the last word placed there
  const rowEnds: number[] = [];
  for (const m of [...placed].sort((a, b) => a.box[0] - b.box[0])) {
    let row = rowEnds.findIndex((end) => end + gap <= m.box[0]);
    if (row < 0) row = rowEnds.push(-Infinity) - 1;
    rowEnds[row] = m.box[2];
    m.row = row;
  }
  // the strip ends just above the plot; its first row is the one nearest the plot
  const rows = rowEnds.length;
  for (const m of placed) {
    m.y = Math.round(top * scale - 3 * ratio - rowH / 2 - (rows - 1 - m.row) * rowH);
    m.box[1] = m.y - rowH / 2 + ratio;
    m.box[3] = m.y + rowH / 2 - ratio;
  }
  return placed;
}

/** ▼ points at the line, ◆ and ■ sit on it; an outline in the background colour keeps them apart from the line. */
function marker(ctx: CanvasRenderingContext2D, m: DrawnMark, outline: string): void {
  // centred on the middle of pixel (x, y), as the line is, so the shape is symmetric on the pixel grid
  const x = m.x + 0.5;
  const y = m.y + 0.5;
  const s = m.size;
  ctx.beginPath();
  if (m.shape === 'triangle') {
    ctx.moveTo(x - s, y - s);
    ctx.lineTo(x + s, y - s);
    ctx.lineTo(x, y + s);
  } else if (m.shape === 'diamond') {
    ctx.moveTo(x, y - s);
    ctx.lineTo(x + s, y);
    ctx.lineTo(x, y + s);
    ctx.lineTo(x - s, y);
  } else {
    ctx.rect(x - s, y - s, 2 * s, 2 * s);
  }
  ctx.closePath();
  ctx.fillStyle = m.colour;
  ctx.fill();
  ctx.lineWidth = devicePixelRatio;
  ctx.setLineDash([]);
  ctx.strokeStyle = outline;
  ctx.stroke();
}

/** The theme's font at a pixel ratio (uPlot scales its axis fonts the same way). */
function fontOf(font: string, ratio: number): { css: string; px: number } {
  const m = font.match(/^\s*([\d.]+)px\s+(.*)$/);
  const px = (m ? Number(m[1]) : 12) * ratio;
  return { css: `${px}px ${m ? m[2] : font}`, px };
}
