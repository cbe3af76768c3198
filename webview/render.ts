// Draws the visible part of the timeline on a canvas. Only events in the visible time range and lanes are
// touched: with few of them each gets its mark, its label and its request→response line; with many, each pixel
// column shows which lanes are busy. Mismatch findings are always drawn in full, red, whatever the zoom.
import { fitKeepingKey, stackSpans } from '../extension/core/ladder/label';
import { EventFlag, EventKind } from '../extension/core/timeline/model';
import type { Palette } from './theme';
import type { TimelineStore } from './store';
import { AXIS_PX, axisTicks, fmtTime, GUTTER_PX, LANE_PX, type Viewport } from './viewport';

/** Above this many visible events, draw density instead of marks. */
const DETAIL_LIMIT = 6000;
/** Events scanned per pixel column in density mode before moving to the next column. */
const SCAN_PER_COLUMN = 48;

export interface Highlight {
  cursor: number;
  /** the finding whose events are emphasised */
  finding: number;
}

/** Draws the view; returns how many labels it drew (texts not yet sent by the host are asked for, not drawn). */
export function drawTimeline(ctx: CanvasRenderingContext2D, s: TimelineStore, v: Viewport, p: Palette, h: Highlight): number {
  const w = v.widthPx;
  const hgt = v.heightPx;
  ctx.fillStyle = p.background;
  ctx.fillRect(0, 0, w, hgt);
  ctx.font = p.font;
  ctx.textBaseline = 'middle';
  const laneEnd = Math.min(s.lanes.length, v.laneTop + v.lanesShown);
  drawAxis(ctx, v, p);
  drawLanes(ctx, s, v, p, laneEnd);
  if (s.count === 0) return 0;
  ctx.save();
  ctx.beginPath();
  ctx.rect(GUTTER_PX, AXIS_PX, w - GUTTER_PX, hgt - AXIS_PX);
  ctx.clip();
  const i0 = s.lowerBound(v.t(GUTTER_PX - 8));
  const i1 = s.lowerBound(v.t(w + 8));
  let labels = 0;
  if (i1 - i0 <= DETAIL_LIMIT) labels = drawDetail(ctx, s, v, p, i0, i1, laneEnd);
  else drawDensity(ctx, s, v, p, laneEnd);
  drawFindings(ctx, s, v, p, laneEnd, h.finding);
  drawCursor(ctx, s, v, p, h.cursor, laneEnd);
  ctx.restore();
  return labels;
}

function drawAxis(ctx: CanvasRenderingContext2D, v: Viewport, p: Palette): void {
  ctx.strokeStyle = p.grid;
  ctx.fillStyle = p.dim;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const t of axisTicks(v, 90)) {
    const x = Math.round(v.x(t)) + 0.5;
    ctx.moveTo(x, AXIS_PX - 5);
    ctx.lineTo(x, v.heightPx);
    ctx.fillText(fmtTime(t), x + 3, AXIS_PX / 2);
  }
  ctx.globalAlpha = 0.35;
  ctx.stroke();
  ctx.globalAlpha = 1;
}

function drawLanes(ctx: CanvasRenderingContext2D, s: TimelineStore, v: Viewport, p: Palette, laneEnd: number): void {
  ctx.fillStyle = p.dim;
  ctx.strokeStyle = p.grid;
  ctx.globalAlpha = 0.5;
  ctx.beginPath();
  for (let lane = v.laneTop; lane <= laneEnd; lane++) {
    const y = Math.round(v.laneY(lane)) + 0.5;
    ctx.moveTo(0, y);
    ctx.lineTo(v.widthPx, y);
  }
  ctx.stroke();
  ctx.globalAlpha = 1;
  for (let lane = v.laneTop; lane < laneEnd; lane++) ctx.fillText(`conn ${s.lanes[lane]}`, 4, v.laneY(lane) + LANE_PX / 2);
}

/** y of an event's mark: requests in the upper half of the lane, responses in the lower. */
export function markY(v: Viewport, lane: number, kind: number): number {
  const top = v.laneY(lane);
  if (kind === EventKind.request) return top + 7;
  if (kind === EventKind.response) return top + LANE_PX - 7;
  return top + LANE_PX / 2;
}

function visibleLane(v: Viewport, lane: number, laneEnd: number): boolean {
  return lane >= v.laneTop && lane < laneEnd;
}

function drawDetail(ctx: CanvasRenderingContext2D, s: TimelineStore, v: Viewport, p: Palette, i0: number, i1: number, laneEnd: number): number {
  let labels = 0;
  // request → true response lines first, under the marks
  ctx.strokeStyle = p.pairLine;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = i0; i < i1; i++) {
    const lane = s.lane[i];
    if (!visibleLane(v, lane, laneEnd)) continue;
    const k = s.kind[i];
    const j = s.paired[i];
    if (j < 0) continue;
    // each pair once: from its response, or from its request when the response is off to the right
    if (k === EventKind.response || (k === EventKind.request && j >= i1)) {
      const req = k === EventKind.request ? i : j;
      const resp = k === EventKind.request ? j : i;
      ctx.moveTo(v.x(s.tUs[req]), markY(v, lane, EventKind.request));
      ctx.lineTo(v.x(s.tUs[resp]), markY(v, lane, EventKind.response));
    }
  }
  ctx.stroke();
  const lastLabelEnd = new Float64Array(Math.max(0, laneEnd - v.laneTop)).fill(-Infinity);
  for (let i = i0; i < i1; i++) {
    const lane = s.lane[i];
    if (!visibleLane(v, lane, laneEnd)) continue;
    const x = v.x(s.tUs[i]);
    const k = s.kind[i];
    const f = s.flags[i];
    const y = markY(v, lane, k);
    drawMark(ctx, p, k, f, x, y, v.laneY(lane));
    if (k === EventKind.request || k === EventKind.response) {
      const slot = lane - v.laneTop;
      // a label only where it does not run into the next mark on the lane
      const next = nextOnLane(s, i, i1, lane);
      const room = (next < 0 ? v.widthPx : v.x(s.tUs[next])) - x - 10;
      const brief = room > 40 && x + 6 > lastLabelEnd[slot] ? s.briefOf(i) : undefined;
      // a text not here yet has been asked for: the label is drawn when it comes
      if (brief !== undefined) {
        ctx.fillStyle = f & EventFlag.mismatch ? p.mismatch : p.foreground;
        const label = fitLabel(ctx, brief.text, brief.key, room);
        ctx.fillText(label, x + 6, y);
        lastLabelEnd[slot] = x + 6 + ctx.measureText(label).width;
        labels++;
      }
    }
  }
  return labels;
}

function nextOnLane(s: TimelineStore, i: number, i1: number, lane: number): number {
  for (let j = i + 1; j < i1 && j < i + 200; j++) if (s.lane[j] === lane) return j;
  return -1;
}

/** The label in its room, cut in the command and never in the key ("get_paths…key=msg:1032"). */
function fitLabel(ctx: CanvasRenderingContext2D, text: string, key: string | null, room: number): string {
  // the canvas draws text as pixels: hostile strings are harmless here, but cut them to the room there is
  return fitKeepingKey(text.length > 200 ? text.slice(0, 200) : text, key, (t) => ctx.measureText(t).width <= room);
}

function drawMark(ctx: CanvasRenderingContext2D, p: Palette, k: number, f: number, x: number, y: number, top: number): void {
  switch (k) {
    case EventKind.request:
      ctx.fillStyle = f & EventFlag.mismatch ? p.mismatch : f & (EventFlag.givenUp | EventFlag.unanswered) ? p.warning : p.request;
      ctx.beginPath();
      ctx.moveTo(x, y - 4);
      ctx.lineTo(x + 4, y + 3);
      ctx.lineTo(x - 4, y + 3);
      ctx.fill();
      if (f & EventFlag.givenUp) strokeX(ctx, p.warning, x, y - 8);
      return;
    case EventKind.response:
      ctx.fillStyle = f & EventFlag.mismatch ? p.mismatch : f & (EventFlag.late | EventFlag.orphan | EventFlag.failed) ? p.warning : p.response;
      ctx.fillRect(x - 3, y - 3, 6, 6);
      return;
    case EventKind.open:
    case EventKind.close:
    case EventKind.reset:
      ctx.fillStyle = k === EventKind.open ? p.open : k === EventKind.reset ? p.mismatch : p.close;
      ctx.fillRect(x - 1, top + 2, 2, LANE_PX - 4);
      return;
    case EventKind.fault:
      ctx.fillStyle = p.fault;
      ctx.beginPath();
      ctx.moveTo(x, y - 5);
      ctx.lineTo(x + 5, y);
      ctx.lineTo(x, y + 5);
      ctx.lineTo(x - 5, y);
      ctx.fill();
      return;
    default:
      if (f & EventFlag.clientTimeout) strokeX(ctx, p.warning, x, y);
      else {
        ctx.fillStyle = p.dim;
        ctx.fillRect(x - 1, y - 1, 2, 2);
      }
  }
}

function strokeX(ctx: CanvasRenderingContext2D, color: string, x: number, y: number): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(x - 3, y - 3);
  ctx.lineTo(x + 3, y + 3);
  ctx.moveTo(x + 3, y - 3);
  ctx.lineTo(x - 3, y + 3);
  ctx.stroke();
}

function drawDensity(ctx: CanvasRenderingContext2D, s: TimelineStore, v: Viewport, p: Palette, laneEnd: number): void {
  const lanes = laneEnd - v.laneTop;
  const seen = new Uint8Array(Math.max(1, lanes));
  ctx.fillStyle = p.request;
  ctx.globalAlpha = 0.8;
  for (let x = GUTTER_PX; x < v.widthPx; x++) {
    const tEnd = v.t(x + 1);
    let i = s.lowerBound(v.t(x));
    seen.fill(0);
    for (let n = 0; i < s.count && s.tUs[i] < tEnd && n < SCAN_PER_COLUMN; i++, n++) {
      const slot = s.lane[i] - v.laneTop;
      if (slot < 0 || slot >= lanes || seen[slot]) continue;
      seen[slot] = 1;
      ctx.fillRect(x, v.laneY(s.lane[i]) + 5, 1, LANE_PX - 10);
    }
  }
  ctx.globalAlpha = 1;
}

/**
 * Mismatches as red arcs from the request that took the answer to the answer it took, always, whatever the zoom;
 * arcs that overlap on a lane rise to different heights so that many on one connection stay apart. The selected
 * finding (of any kind) is ringed.
 */
function drawFindings(ctx: CanvasRenderingContext2D, s: TimelineStore, v: Viewport, p: Palette, laneEnd: number, selected: number): void {
  const shown: Array<{ n: number; xa: number; xb: number }> = [];
  for (let n = 0; n < s.findings.length; n++) {
    const f = s.findings[n];
    if (f.kind !== 'mismatch' && n !== selected) continue;
    const ev = f.event;
    if (ev < 0 || ev >= s.count) continue;
    if (!visibleLane(v, s.lane[ev], laneEnd)) continue;
    const req = f.request >= 0 ? f.request : ev;
    const xa = v.x(s.tUs[req]);
    const xb = v.x(s.tUs[ev]);
    if (Math.max(xa, xb) < GUTTER_PX - 10 || Math.min(xa, xb) > v.widthPx + 10) continue;
    shown.push({ n, xa, xb });
  }
  // the arcs of each lane stacked apart, lane by lane
  const levels = new Array<number>(shown.length).fill(0);
  const byLane = new Map<number, number[]>();
  shown.forEach(({ n }, k) => byLane.set(s.lane[s.findings[n].event], [...(byLane.get(s.lane[s.findings[n].event]) ?? []), k]));
  for (const ks of byLane.values())
    stackSpans(
      ks.map((k) => [shown[k].xa, shown[k].xb] as const),
      3,
    ).forEach((level, j) => (levels[ks[j]] = level));
  shown.forEach(({ n, xa, xb }, k) => {
    const f = s.findings[n];
    const lane = s.lane[f.event];
    ctx.strokeStyle = f.kind === 'mismatch' ? p.mismatch : p.warning;
    ctx.lineWidth = n === selected ? 3 : 2;
    if (f.kind === 'mismatch' && f.request >= 0 && f.response >= 0) {
      const ya = markY(v, lane, EventKind.request);
      const yb = markY(v, lane, EventKind.response);
      // the control point rises 8 px a level: the arc's top 4 px a level, at most 4 levels (a crowd at a far zoom)
      const lift = 4 + (levels[k] % 4) * 8;
      ctx.beginPath();
      ctx.moveTo(xa, ya);
      ctx.quadraticCurveTo((xa + xb) / 2, ya - lift, xb, yb);
      ctx.stroke();
    }
    ctx.beginPath();
    ctx.arc(xb, markY(v, lane, s.kind[f.event]), 7, 0, Math.PI * 2);
    ctx.stroke();
  });
}

function drawCursor(ctx: CanvasRenderingContext2D, s: TimelineStore, v: Viewport, p: Palette, cursor: number, laneEnd: number): void {
  if (cursor < 0 || cursor >= s.count) return;
  const x = Math.round(v.x(s.tUs[cursor])) + 0.5;
  ctx.strokeStyle = p.cursor;
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(x, AXIS_PX);
  ctx.lineTo(x, v.heightPx);
  ctx.stroke();
  ctx.setLineDash([]);
  const lane = s.lane[cursor];
  if (!visibleLane(v, lane, laneEnd)) return;
  ctx.lineWidth = 2;
  ctx.strokeRect(x - 6, markY(v, lane, s.kind[cursor]) - 6, 12, 12);
}
