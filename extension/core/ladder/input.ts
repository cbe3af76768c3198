// What a ladder is drawn from: the events of one connection (times, kinds, numbers, pairing, keys and summaries) and
// its findings, read out of the timeline model's arrays. The webview's store and the CLI's merged chunks both have
// those arrays; the keys and summaries come from whoever has them (the host's texts, the spill's briefs).
import { EventKind, type EventKindCode, type TimelineFinding } from '../timeline/model';

/** One event of the connection as the ladder needs it. */
export interface LadderEvent {
  /** the event's index in the timeline model: what a click on its arrow selects */
  event: number;
  tUs: number;
  kind: EventKindCode;
  /** a request's or response's number on its connection ("#24"); 0 for marks */
  seq: number;
  /** for a response: the request (event index) it truly answers; -1 otherwise */
  answers: number;
  /** the key the message asks for or carries, when its protocol names one */
  key: string | null;
  /** its one-line summary; '' while not known */
  text: string;
}

export interface LadderInput {
  /** the connection's number */
  conn: number;
  /** the events shown, in time order: all of a short connection, a window of a long one */
  events: LadderEvent[];
  /** the connection's findings; those about events not in `events` are left out of the picture */
  findings: TimelineFinding[];
}

/** The arrays of the timeline model a ladder reads (webview/store.ts's TimelineStore, extension/core/review's model). */
export interface LadderModel {
  count: number;
  tUs: ArrayLike<number>;
  lane: ArrayLike<number>;
  kind: ArrayLike<number>;
  /** a response's request and a request's response; -1 when none */
  paired: ArrayLike<number>;
  seq: ArrayLike<number>;
  /** connection number of each lane */
  lanes: readonly number[];
  findings: readonly TimelineFinding[];
}

/** What is known of an event's text: its key and summary; undefined while not known (the ladder says "…"). */
export type BriefOf = (event: number) => { key: string | null; text: string } | undefined;

/** The kinds a ladder draws: messages, and the connection's opening, closing, reset and injected faults. */
export function onLadder(kind: number): boolean {
  return (
    kind === EventKind.request ||
    kind === EventKind.response ||
    kind === EventKind.open ||
    kind === EventKind.close ||
    kind === EventKind.reset ||
    kind === EventKind.fault
  );
}

/** The events of a lane a ladder draws, in order. One pass over the model: done once per lane opened. */
export function laneEvents(m: LadderModel, lane: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.count; i++) if (m.lane[i] === lane && onLadder(m.kind[i])) out.push(i);
  return out;
}

/**
 * The window of at most `max` of a lane's events (laneEvents) around `focus` (an event index, of this lane or not:
 * the one nearest in time is the centre). [from, to) indices into `events`.
 */
export function windowAround(m: LadderModel, events: readonly number[], focus: number, max: number): [number, number] {
  if (events.length <= max) return [0, events.length];
  const t = focus >= 0 && focus < m.count ? m.tUs[focus] : m.tUs[events[0]];
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (m.tUs[events[mid]] < t) lo = mid + 1;
    else hi = mid;
  }
  const from = Math.max(0, Math.min(events.length - max, lo - (max >> 1)));
  return [from, from + max];
}

/** The ladder's input for these events of one lane (in order); keys and summaries from `brief`. */
export function ladderInput(m: LadderModel, events: readonly number[], brief: BriefOf): LadderInput {
  const lane = events.length ? m.lane[events[0]] : -1;
  const conn = lane >= 0 ? (m.lanes[lane] ?? -1) : -1;
  const out: LadderEvent[] = events.map((event) => {
    const kind = m.kind[event] as EventKindCode;
    const b = brief(event);
    return {
      event,
      tUs: m.tUs[event],
      kind,
      seq: m.seq[event],
      answers: kind === EventKind.response ? m.paired[event] : -1,
      key: b?.key ?? null,
      text: b?.text ?? '',
    };
  });
  return { conn, events: out, findings: m.findings.filter((f) => f.conn === conn) };
}
