// The ladder of one connection as data: the client and the server as two columns, time downwards, a row per event;
// each request an arrow client→server, each answer an arrow server→client, and where the client took an answer for
// another request, a red arrow from that answer to the request that took it. Time is kept in proportion between
// near events and cut (a break mark) between far ones, so a connection of minutes stays readable.
// Pure: no DOM, no Node. svg.ts draws a layout; the webview and the postmortem export draw the same one.
import { EventKind } from '../timeline/model';
import type { LadderEvent, LadderInput } from './input';
import { cutEnd, fitKeepingKey, stackSpans } from './label';

/** What a mark or an arrow is drawn as: each tone is a colour of the theme. */
export type LadderTone = 'request' | 'response' | 'mismatch' | 'warning' | 'dim';

export interface LadderRow {
  /** the event of the row; for a give-up, the request given up on */
  event: number;
  kind: 'request' | 'response' | 'giveUp' | 'open' | 'close' | 'reset' | 'fault';
  tUs: number;
  /** y of the row's line, px from the top */
  y: number;
  /** the time shown in the left gutter ("970.8 ms") */
  time: string;
}

export interface LadderArrow {
  kind: 'request' | 'response' | 'mismatch';
  /** the event a click selects: the request or the response; for a mismatch, the answer taken */
  event: number;
  /** for a mismatch: the request that took the answer (the arrow's end) and the one the answer truly answers */
  request: number;
  answers: number;
  tone: LadderTone;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** for a mismatch, the x the arc reaches out to (left of the client column): its own per overlapping arc */
  bendX: number;
  label: string;
  labelX: number;
  labelY: number;
  anchor: 'start' | 'middle' | 'end';
  /** the whole text, uncut (a tooltip) */
  title: string;
}

export interface LadderMark {
  kind: 'giveUp' | 'unanswered' | 'open' | 'close' | 'reset' | 'fault';
  event: number;
  x: number;
  y: number;
  tone: LadderTone;
  label: string;
  labelX: number;
  anchor: 'start' | 'middle' | 'end';
}

/** Time cut out between two rows far apart: drawn as a zigzag across the columns with the time left out. */
export interface LadderBreak {
  /** the middle of the break, px */
  y: number;
  gapUs: number;
  label: string;
}

export interface LadderLayout {
  conn: number;
  width: number;
  height: number;
  clientX: number;
  serverX: number;
  /** y of the column titles' baseline, and where the columns' lines start and end */
  titleY: number;
  top: number;
  bottom: number;
  rowPx: number;
  rows: LadderRow[];
  arrows: LadderArrow[];
  marks: LadderMark[];
  breaks: LadderBreak[];
}

export interface LadderOptions {
  /** the least room between two rows, px; 22 by default */
  rowPx?: number;
  /** µs per px of the time between rows; by default the median gap takes half a row */
  usPerPx?: number;
  /** a gap that would take more than this (px, past the row) is cut to a break mark; 60 by default */
  maxGapPx?: number;
  /** the width of a label's character, px (labels are cut by count); 6.2 by default (11 px text) */
  charPx?: number;
  /** room between the columns, px; 280 by default */
  spanPx?: number;
  /** room right of the server column for notes (mismatches, give-ups), px; 320 by default */
  notePx?: number;
}

const TIME_PX = 70;
const TITLE_PX = 40;
const ARC_BASE_PX = 16;
const ARC_STEP_PX = 12;
const BREAK_PX = 26;
/** mismatch arcs whose rows are this close (px) take different levels */
const ARC_GAP_PX = 4;

export function ladderLayout(input: LadderInput, opts: LadderOptions = {}): LadderLayout {
  const rowPx = opts.rowPx ?? 22;
  const maxGapPx = opts.maxGapPx ?? 60;
  const charPx = opts.charPx ?? 6.2;
  const spanPx = opts.spanPx ?? 280;
  const notePx = opts.notePx ?? 320;
  const byEvent = new Map(input.events.map((e) => [e.event, e]));
  const findings = input.findings;
  const gaveUp = new Map<number, number>();
  for (const f of findings) if (f.kind === 'timeout' && byEvent.has(f.request)) gaveUp.set(f.request, f.tUs);
  const late = new Set(findings.filter((f) => f.kind === 'late').map((f) => f.response));
  const orphan = new Set(findings.filter((f) => f.kind === 'orphan').map((f) => f.response));
  const unanswered = new Set(findings.filter((f) => f.kind === 'unanswered').map((f) => f.request));
  const mismatches = findings.filter((f) => f.kind === 'mismatch' && byEvent.has(f.request) && byEvent.has(f.response));
  const takers = new Set(mismatches.map((f) => f.request));

  // rows in time order; a give-up is a row of its own, at the time the client gave up
  const rows: LadderRow[] = [];
  for (const e of input.events) {
    const kind = rowKind(e);
    if (kind) rows.push({ event: e.event, kind, tUs: e.tUs, y: 0, time: fmtLadderTime(e.tUs) });
  }
  for (const [request, tUs] of gaveUp) rows.push({ event: request, kind: 'giveUp', tUs, y: 0, time: fmtLadderTime(tUs) });
  rows.sort((a, b) => a.tUs - b.tUs || (a.kind === 'giveUp' ? 1 : 0) - (b.kind === 'giveUp' ? 1 : 0) || a.event - b.event);

  const usPerPx = opts.usPerPx ?? defaultUsPerPx(rows, rowPx);
  const breaks: LadderBreak[] = [];
  const top = TITLE_PX;
  let y = top + rowPx;
  for (let k = 0; k < rows.length; k++) {
    if (k > 0) {
      const gapUs = rows[k].tUs - rows[k - 1].tUs;
      const px = gapUs / usPerPx;
      if (px > maxGapPx) {
        breaks.push({ y: y + (rowPx + BREAK_PX) / 2, gapUs, label: `+${fmtLadderTime(gapUs)}` });
        y += rowPx + BREAK_PX;
      } else y += rowPx + px;
    }
    rows[k].y = y;
  }
  // an event's own row (a give-up row names its request too, but is not that request's row)
  const rowY = new Map<number, number>(rows.filter((r) => r.kind !== 'giveUp').map((r) => [r.event, r.y]));
  const yOf = (event: number) => rowY.get(event) ?? NaN;

  // the mismatch arcs left of the client column, one level per overlapping arc
  const levels = stackSpans(
    mismatches.map((f) => [yOf(f.request), yOf(f.response)] as const),
    ARC_GAP_PX,
  );
  const levelCount = levels.length ? Math.max(...levels) + 1 : 0;
  const clientX = TIME_PX + ARC_BASE_PX + levelCount * ARC_STEP_PX;
  const serverX = clientX + spanPx;
  const noteX = serverX + 16;
  const spanChars = Math.floor((spanPx - 16) / charPx);
  const noteChars = Math.floor((notePx - 8) / charPx);
  const mid = (clientX + serverX) / 2;

  const arrows: LadderArrow[] = [];
  const marks: LadderMark[] = [];
  const base = { request: -1, answers: -1, bendX: 0, labelX: mid, anchor: 'middle' as const };
  for (const r of rows) {
    const e = byEvent.get(r.event) as LadderEvent;
    if (r.kind === 'request') {
      const title = `#${e.seq} ${e.text || '…'}`;
      const tone: LadderTone = takers.has(e.event) ? 'mismatch' : gaveUp.has(e.event) || unanswered.has(e.event) ? 'warning' : 'request';
      const label = fitKeepingKey(title, e.key, (s) => s.length <= spanChars);
      arrows.push({ ...base, kind: 'request', event: e.event, tone, x1: clientX, y1: r.y, x2: serverX, y2: r.y, label, labelY: r.y - 4, title });
      if (unanswered.has(e.event))
        marks.push({
          kind: 'unanswered',
          event: e.event,
          x: serverX,
          y: r.y,
          tone: 'warning',
          label: `#${e.seq} never answered`,
          labelX: noteX,
          anchor: 'start',
        });
    } else if (r.kind === 'response') {
      const asked = e.answers >= 0 ? byEvent.get(e.answers) : undefined;
      const state = late.has(e.event) ? 'late, ' : orphan.has(e.event) ? 'orphan, ' : '';
      const answers = asked ? `answers ${asked.key ?? `#${asked.seq}`} · ` : e.answers < 0 ? 'answers no request · ' : '';
      const title = `#${e.seq} ${state}${answers}${e.text || '…'}`;
      const tone: LadderTone = state ? 'warning' : 'response';
      arrows.push({
        ...base,
        kind: 'response',
        event: e.event,
        tone,
        x1: serverX,
        y1: r.y,
        x2: clientX,
        y2: r.y,
        label: cutEnd(title, (s) => s.length <= spanChars),
        labelY: r.y - 4,
        title,
      });
    } else if (r.kind === 'giveUp') {
      const note = fitKeepingKey(`gave up on ${asked(e)}`, e.key, (s) => s.length <= noteChars);
      marks.push({ kind: 'giveUp', event: e.event, x: clientX, y: r.y, tone: 'warning', label: note, labelX: noteX, anchor: 'start' });
    } else {
      const tone: LadderTone = r.kind === 'reset' ? 'mismatch' : r.kind === 'fault' ? 'warning' : 'dim';
      marks.push({
        kind: r.kind,
        event: e.event,
        x: clientX,
        y: r.y,
        tone,
        label: cutEnd(e.text || r.kind, (s) => s.length <= spanChars),
        labelX: mid,
        anchor: 'middle',
      });
    }
  }
  mismatches.forEach((f, k) => {
    const taker = byEvent.get(f.request) as LadderEvent;
    const owner = f.answers >= 0 ? byEvent.get(f.answers) : undefined;
    const title = `${owner ? asked(owner) : 'no request'} → taken by ${asked(taker)}`;
    // too long for the notes: each side gets half the room, cut in its words, never in its key
    const half = Math.floor((noteChars - 13) / 2);
    const side = (e: LadderEvent | undefined) => (e ? fitKeepingKey(asked(e), e.key, (s) => s.length <= half) : 'no request');
    const label = title.length <= noteChars ? title : `${side(owner)} → taken by ${side(taker)}`;
    const yResp = yOf(f.response);
    arrows.push({
      kind: 'mismatch',
      event: f.response,
      request: f.request,
      answers: f.answers,
      tone: 'mismatch',
      x1: clientX,
      y1: yResp,
      x2: clientX,
      y2: yOf(f.request),
      bendX: clientX - ARC_BASE_PX - levels[k] * ARC_STEP_PX,
      label,
      labelX: noteX,
      labelY: yResp + 4,
      anchor: 'start',
      title,
    });
  });
  const bottom = (rows.length ? rows[rows.length - 1].y : top) + rowPx;
  return {
    conn: input.conn,
    width: Math.ceil(noteX + notePx),
    height: Math.ceil(bottom + 8),
    clientX,
    serverX,
    titleY: 24,
    top,
    bottom,
    rowPx,
    rows,
    arrows,
    marks,
    breaks,
  };
}

function rowKind(e: LadderEvent): LadderRow['kind'] | null {
  switch (e.kind) {
    case EventKind.request:
      return 'request';
    case EventKind.response:
      return 'response';
    case EventKind.open:
      return 'open';
    case EventKind.close:
      return 'close';
    case EventKind.reset:
      return 'reset';
    case EventKind.fault:
      return 'fault';
    default:
      return null;
  }
}

/** A request as the notes name it: "#24 asked msg:1032", or its summary (cut short) when it names no key. */
function asked(e: LadderEvent): string {
  const what = e.key ? `asked ${e.key}` : e.text ? `“${cutEnd(e.text, (s) => s.length <= 30)}”` : '';
  return what ? `#${e.seq} ${what}` : `#${e.seq}`;
}

/** the median gap between rows takes half a row: near events keep their rhythm, far ones break */
function defaultUsPerPx(rows: readonly LadderRow[], rowPx: number): number {
  const gaps: number[] = [];
  for (let k = 1; k < rows.length; k++) if (rows[k].tUs > rows[k - 1].tUs) gaps.push(rows[k].tUs - rows[k - 1].tUs);
  if (gaps.length === 0) return 1;
  gaps.sort((a, b) => a - b);
  return Math.max(1, gaps[gaps.length >> 1] / (rowPx / 2));
}

export function fmtLadderTime(us: number): string {
  const a = Math.abs(us);
  if (a < 1000) return `${+us.toFixed(1)} µs`;
  if (a < 1e6) return `${(us / 1000).toFixed(1)} ms`;
  return `${(us / 1e6).toFixed(3)} s`;
}
