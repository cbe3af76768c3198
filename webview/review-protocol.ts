// The review notes' messages between the host and the timeline webview (part of protocol.ts's unions): the host sends
// the transcript's notes to mark on the timeline and asks the view to select an event (a draft's link); the view says
// what is selected (the cursor's event, the finding it is on, a time range dragged with Shift) whenever it changes.
import { FINDING_KINDS, type TimelineFindingKind } from '../extension/core/timeline/model';

/** A review note as the timeline marks it (extension/core/review's ReviewNote, without what the view does not need). */
export interface NoteMark {
  id: number;
  on: 'event' | 'finding' | 'range';
  event: number;
  tUs: number;
  /** a range's end, µs; null for a note on an event or a finding */
  toUs: number | null;
  conn: number | null;
  text: string;
}

/** What is selected on the timeline: what Add Review Note… writes its note on. */
export interface TimelineSelection {
  /** the cursor's event, -1 for none; its time (µs) and connection (-1 for none) */
  event: number;
  tUs: number;
  conn: number;
  /** the finding the cursor is on, null for none */
  finding: { kind: TimelineFindingKind; event: number } | null;
  /**
   * a time range dragged with Shift (µs since the start), on one connection's lane or on all, with its first event
   * there (-1: none); null for none
   */
  range: { fromUs: number; toUs: number; conn: number | null; event: number } | null;
}

export type ReviewHostMessage =
  | { type: 'notes'; notes: NoteMark[] }
  /** select this event (the view answers with commandDone and the same id) */
  | { type: 'select'; id: number; event: number };

export type ReviewWebviewMessage = { type: 'selection'; selection: TimelineSelection };

export const NO_SELECTION: TimelineSelection = { event: -1, tUs: 0, conn: -1, finding: null, range: null };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates a reported selection at the host's door; null when it is not one. */
export function parseSelection(v: unknown): TimelineSelection | null {
  if (!isObj(v) || !isInt(v.event) || v.event < -1 || !isNum(v.tUs) || !isInt(v.conn) || v.conn < -1) return null;
  const f = v.finding;
  let finding: TimelineSelection['finding'] = null;
  if (f !== null) {
    if (!isObj(f) || typeof f.kind !== 'string' || !(FINDING_KINDS as readonly string[]).includes(f.kind) || !isInt(f.event) || f.event < 0) return null;
    finding = { kind: f.kind as TimelineFindingKind, event: f.event };
  }
  const r = v.range;
  let range: TimelineSelection['range'] = null;
  if (r !== null) {
    if (
      !isObj(r) ||
      !isNum(r.fromUs) ||
      !isNum(r.toUs) ||
      r.toUs < r.fromUs ||
      (r.conn !== null && (!isInt(r.conn) || r.conn < 0)) ||
      !isInt(r.event) ||
      r.event < -1
    )
      return null;
    range = { fromUs: r.fromUs, toUs: r.toUs, conn: r.conn as number | null, event: r.event };
  }
  return { event: v.event, tUs: v.tUs, conn: v.conn, finding, range };
}
