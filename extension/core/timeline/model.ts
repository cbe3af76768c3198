// The compact timeline model the webview draws: per event a handful of numbers in typed arrays, summaries in a
// string table, findings by event index. Built in chunks so that a million events never become a million objects.
// This file holds types and constants only (no Node, no DOM): the host and the webview both import it.
import type { DecodedView } from './decoded-view';

/** What a timeline event is; the webview draws each kind with its own mark. */
export const EventKind = {
  request: 0,
  response: 1,
  open: 2,
  close: 3,
  reset: 4,
  fault: 5,
  client: 6,
  other: 7,
} as const;
export type EventKindCode = (typeof EventKind)[keyof typeof EventKind];

/** Bits of an event's flags. Set by the builder (failed, undecoded, clientTimeout) or by findings (the rest). */
export const EventFlag = {
  failed: 1,
  undecoded: 2,
  givenUp: 4,
  late: 8,
  mismatch: 16,
  unanswered: 32,
  orphan: 64,
  clientTimeout: 128,
} as const;

export type TimelineFindingKind = 'mismatch' | 'timeout' | 'late' | 'unanswered' | 'orphan';

/**
 * The kinds, most severe first: the order the findings list groups them in. A wrong answer delivered comes first,
 * then answers that arrived where nobody waited for them (on a kept connection, the next request's wrong answer),
 * then requests that never got one, then give-ups (the expected trace of a slow server).
 */
export const FINDING_KINDS: readonly TimelineFindingKind[] = ['mismatch', 'late', 'orphan', 'unanswered', 'timeout'];

/** A finding placed on the timeline: indices of the events it involves, -1 where none. */
export interface TimelineFinding {
  kind: TimelineFindingKind;
  tUs: number;
  conn: number;
  /** the event the cursor goes to: the response taken for a mismatch, else the request or response involved */
  event: number;
  /** the request the finding is about (for a mismatch: the one that took the wrong answer) */
  request: number;
  /** the response involved (for a mismatch: the one the client took) */
  response: number;
  /** for a mismatch: the request the taken response truly answers */
  answers: number;
  /** one line, in words */
  text: string;
}

/** A run of consecutive events, `start` being the index of the first. Arrays all have `count` entries. */
export interface TimelineChunk {
  start: number;
  count: number;
  /** µs since the transcript's start */
  tUs: Float64Array;
  /** lane index; lanes are connections in the order they first appear */
  lane: Uint32Array;
  kind: Uint8Array;
  /** for a response: the request it truly answers (server truth); -1 otherwise. Requests get theirs from it. */
  paired: Int32Array;
  /** a request's or response's 1-based number on its connection ("request #24"); 0 for marks and unpaired messages */
  seq: Uint32Array;
  flags: Uint8Array;
  /** connection numbers of lanes first seen in this chunk, appended to the lane list */
  newLanes: number[];
  /** findings whose events are all in this chunk or earlier ones */
  findings: TimelineFinding[];
}

export interface TimelineSummary {
  file: string;
  protocol: string;
  startedAt: string;
  events: number;
  requests: number;
  responses: number;
  connections: number;
  firstUs: number;
  lastUs: number;
  findings: Record<TimelineFindingKind, number>;
  /** findings kept in full (the counts above go on past the cap) */
  findingsListed: number;
  skippedLines: number;
  truncatedLastLine: boolean;
  /** clean, mismatch or inconclusive: the same verdict as `analyze` */
  verdictKind: 'clean' | 'mismatch' | 'inconclusive';
  /** the verdict in the words `analyze` uses ("clean: N requests on M connections, every response reached its request") */
  verdict: string;
}

/** What the details pane shows for one event, fetched on demand. */
export interface EventDetails {
  event: number;
  title: string;
  /** decoded fields, flattened to text for the arguments table */
  fields: Array<[string, string]>;
  /** a database message's statement, parameters and result rows, read from the decoded fields (decoded-view.ts) */
  view?: DecodedView;
  /** a decoding problem, shown as such */
  error?: string;
  /** raw bytes (at most DETAILS_MAX_BYTES of them) */
  bytes: Uint8Array;
  totalBytes: number;
  /** transcript line of the last byte */
  line: number;
}

/** What the pairing text says of an event other than the one shown (the request an answer answers, …). */
export interface EventBrief {
  event: number;
  /** the key the message asks for or carries ("msg:1032"), when its protocol names one */
  key: string | null;
  /** its one-line summary */
  text: string;
}

export const DETAILS_MAX_BYTES = 64 * 1024;
export const MAX_TEXT_CHARS = 300;
