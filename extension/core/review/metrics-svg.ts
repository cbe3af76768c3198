// The shard-metrics picture of a postmortem draft: one shard's working set against its RAM around the crossover,
// from the chart model the editor's chart draws (metrics/chart-model.ts): the spell over RAM shaded, the crossover
// a red line, the alert a marker on the working set, NO RELIEF a band; each named on a row of its own above the
// plot so no two labels collide. Pure: a model in, SVG text out.
import type { ShardChart } from '../metrics/chart-model';
import { isoTime, type TimeWindow } from '../metrics/time';
import { heldUntil, markHeading, shardMarksLine } from '../metrics/words';
import { formatSize, type UnitStyle } from '../metrics/units';
import { COLORS, esc, n, svgDocument, text } from './svg';

const W = 760;
const H = 380;
const LEFT = 88;
const RIGHT = 20;
/** three label rows (alert, crossover, NO RELIEF) above the plot */
const TOP = 30 + 3 * 16;
const BOTTOM = 48;

export type { TimeWindow };

/** Whether a shard has anything the draft pictures. */
export function hasIncident(s: ShardChart): boolean {
  return s.crossoverSec !== null || s.alertSec !== null || s.noRelief !== null;
}

/**
 * The window around the incident: from the alert (or crossover) to the end of NO RELIEF or of the spell over RAM
 * that began at the crossover, padded by a sixth of that on each side (at least 3 h), inside the samples.
 */
export function incidentWindow(s: ShardChart): TimeWindow | null {
  const marks = [s.alertSec, s.crossoverSec, s.noRelief?.startSec ?? null, s.noRelief?.endSec ?? null].filter((t): t is number => t !== null);
  const spell = s.crossoverSec === null ? undefined : s.overSpells.find((o) => o.startSec >= (s.crossoverSec as number));
  if (spell?.endSec !== undefined && spell.endSec !== null) marks.push(spell.endSec);
  if (marks.length === 0 || s.tSec.length === 0) return null;
  const first = s.tSec[0];
  const last = s.tSec[s.tSec.length - 1];
  const a = Math.min(...marks);
  const b = Math.max(...marks);
  const pad = Math.max((b - a) / 6, 3 * 3600);
  return { startSec: Math.max(first, a - pad), endSec: Math.min(last, b + pad) };
}

export function metricsSvg(s: ShardChart, opts: { unitStyle: UnitStyle; workingSet: string; window?: TimeWindow }): string {
  const win = opts.window ?? incidentWindow(s) ?? { startSec: s.tSec[0] ?? 0, endSec: s.tSec[s.tSec.length - 1] ?? 1 };
  const span = Math.max(1, win.endSec - win.startSec);
  const idx: number[] = [];
  for (let i = 0; i < s.tSec.length; i++) if (s.tSec[i] >= win.startSec && s.tSec[i] <= win.endSec) idx.push(i);
  const values = idx.flatMap((i) => [s.workingSetBytes[i], s.ramBytes[i]]).filter(Number.isFinite);
  const lo0 = values.length ? Math.min(...values) : 0;
  const hi0 = values.length ? Math.max(...values) : 1;
  const padY = Math.max((hi0 - lo0) * 0.08, hi0 * 0.002, 1);
  const lo = lo0 - padY;
  const hi = hi0 + padY;
  const x = (t: number) => LEFT + ((t - win.startSec) / span) * (W - LEFT - RIGHT);
  const y = (b: number) => H - BOTTOM - ((b - lo) / (hi - lo)) * (H - TOP - BOTTOM);
  const inside = (t: number | null): t is number => t !== null && t >= win.startSec && t <= win.endSec;
  const clampX = (t: number | null) => x(Math.min(win.endSec, Math.max(win.startSec, t ?? win.endSec)));
  const body: string[] = [];
  const plotH = H - TOP - BOTTOM;

  body.push(
    text(
      LEFT,
      18,
      `${s.shard}: working set (${opts.workingSet}) against RAM, ${isoTime(win.startSec)} to ${isoTime(win.endSec)}`,
      `font-weight="bold" fill="${COLORS.text}"`,
    ),
  );
  // spells over RAM, shaded under everything
  for (const o of s.overSpells) {
    if ((o.endSec ?? win.endSec) < win.startSec || o.startSec > win.endSec) continue;
    const x0 = clampX(o.startSec);
    body.push(`<rect class="over" x="${n(x0)}" y="${TOP}" width="${n(Math.max(1, clampX(o.endSec) - x0))}" height="${plotH}" fill="${COLORS.over}"/>`);
  }
  if (s.noRelief && (s.noRelief.endSec ?? win.endSec) >= win.startSec && s.noRelief.startSec <= win.endSec) {
    const x0 = clampX(s.noRelief.startSec);
    body.push(
      `<rect class="no-relief" x="${n(x0)}" y="${TOP}" width="${n(Math.max(1, clampX(s.noRelief.endSec) - x0))}" height="${plotH}" fill="${COLORS.noRelief}" fill-opacity="0.14"/>`,
    );
  }
  body.push(...axes(win, lo, hi, x, y, opts.unitStyle));
  body.push(
    `<polyline class="ram" fill="none" stroke="${COLORS.ram}" stroke-width="1.5" stroke-dasharray="6 4" points="${stepPoints(idx, s.tSec, s.ramBytes, x, y)}"/>`,
  );
  body.push(
    `<polyline class="working-set" fill="none" stroke="${COLORS.workingSet}" stroke-width="2" points="${idx
      .filter((i) => Number.isFinite(s.workingSetBytes[i]))
      .map((i) => `${n(x(s.tSec[i]))},${n(y(s.workingSetBytes[i]))}`)
      .join(' ')}"/>`,
  );

  // the marks, each with its word on its own row above the plot
  const row = (k: number) => 30 + k * 16 + 10;
  if (inside(s.alertSec)) {
    const ax = x(s.alertSec);
    const ws = valueAt(s, s.alertSec);
    body.push(`<line class="alert" x1="${n(ax)}" y1="${row(0) + 3}" x2="${n(ax)}" y2="${H - BOTTOM}" stroke="${COLORS.alert}" stroke-dasharray="2 3"/>`);
    if (ws !== null) body.push(`<path class="alert-marker" d="M${n(ax)} ${n(y(ws) - 2)} l-6 -10 h12 z" fill="${COLORS.alert}"/>`);
    body.push(markLabel(ax, row(0), markHeading('alert', s.alertSec), `fill="${COLORS.alert}"`));
  }
  if (inside(s.crossoverSec)) {
    const cx = x(s.crossoverSec);
    body.push(`<line class="crossover" x1="${n(cx)}" y1="${row(1) + 3}" x2="${n(cx)}" y2="${H - BOTTOM}" stroke="${COLORS.crossover}" stroke-width="2"/>`);
    body.push(markLabel(cx, row(1), markHeading('crossover', s.crossoverSec), `fill="${COLORS.crossover}" font-weight="bold"`));
  }
  if (s.noRelief && inside(s.noRelief.startSec)) {
    body.push(
      markLabel(
        x(s.noRelief.startSec),
        row(2),
        `${markHeading('no-relief', s.noRelief.startSec)}, pages held ${heldUntil(s.noRelief.endSec)}`,
        `fill="${COLORS.noRelief}" font-weight="bold"`,
      ),
    );
  }
  // legend, bottom right
  const ly = H - 10;
  body.push(
    `<line x1="${W - 250}" y1="${ly - 4}" x2="${W - 226}" y2="${ly - 4}" stroke="${COLORS.workingSet}" stroke-width="2"/>`,
    text(W - 222, ly, 'working set', `fill="${COLORS.text}"`),
  );
  body.push(
    `<line x1="${W - 140}" y1="${ly - 4}" x2="${W - 116}" y2="${ly - 4}" stroke="${COLORS.ram}" stroke-dasharray="6 4"/>`,
    text(W - 112, ly, 'RAM', `fill="${COLORS.text}"`),
  );
  return svgDocument(W, H, `${s.shard}: working set against RAM`, `${s.shard}: ${shardMarksLine(s)}`, body);
}

/** A mark's word right of its line, or left of it where it would run past the plot (7 px a character, bold). */
function markLabel(x: number, y: number, s: string, attrs: string): string {
  return x + 4 + s.length * 7 > W - RIGHT ? text(x - 4, y, s, `${attrs} text-anchor="end"`) : text(x + 4, y, s, attrs);
}

/** RAM as steps: it changes when a machine is resized, never in between. */
function stepPoints(idx: number[], t: Float64Array, v: Float64Array, x: (t: number) => number, y: (b: number) => number): string {
  const pts: string[] = [];
  let prev: number | null = null;
  for (const i of idx) {
    if (!Number.isFinite(v[i])) continue;
    if (prev !== null && prev !== v[i]) pts.push(`${n(x(t[i]))},${n(y(prev))}`);
    pts.push(`${n(x(t[i]))},${n(y(v[i]))}`);
    prev = v[i];
  }
  return pts.join(' ');
}

function valueAt(s: ShardChart, tSec: number): number | null {
  let best = -1;
  for (let i = 0; i < s.tSec.length; i++) if (s.tSec[i] <= tSec) best = i;
  return best >= 0 && Number.isFinite(s.workingSetBytes[best]) ? s.workingSetBytes[best] : null;
}

function axes(win: TimeWindow, lo: number, hi: number, x: (t: number) => number, y: (b: number) => number, u: UnitStyle): string[] {
  const out: string[] = [];
  out.push(`<rect x="${LEFT}" y="${TOP}" width="${W - LEFT - RIGHT}" height="${H - TOP - BOTTOM}" fill="none" stroke="${COLORS.grid}"/>`);
  for (let k = 0; k <= 4; k++) {
    const b = lo + ((hi - lo) * k) / 4;
    const yy = y(b);
    out.push(`<line x1="${LEFT}" y1="${n(yy)}" x2="${W - RIGHT}" y2="${n(yy)}" stroke="${COLORS.grid}" stroke-width="0.5"/>`);
    out.push(text(LEFT - 6, yy + 4, formatSize(b, u), `text-anchor="end" fill="${COLORS.dim}"`));
  }
  // time ticks on whole hours, about six of them
  const spanH = (win.endSec - win.startSec) / 3600;
  const stepH = [1, 2, 3, 6, 12, 24, 48, 168].find((h) => spanH / h <= 7) ?? 336;
  const first = Math.ceil(win.startSec / (stepH * 3600)) * stepH * 3600;
  for (let t = first; t <= win.endSec; t += stepH * 3600) {
    const xx = x(t);
    const iso = isoTime(t);
    out.push(`<line x1="${n(xx)}" y1="${H - BOTTOM}" x2="${n(xx)}" y2="${H - BOTTOM + 4}" stroke="${COLORS.dim}"/>`);
    out.push(text(xx, H - BOTTOM + 16, `${iso.slice(5, 10)} ${iso.slice(11, 16)}`, `text-anchor="middle" fill="${COLORS.dim}"`));
  }
  out.push(`<text x="${LEFT}" y="${H - BOTTOM + 32}" fill="${COLORS.dim}">${esc('time (UTC)')}</text>`);
  return out;
}
