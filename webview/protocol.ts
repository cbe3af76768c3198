// The typed messages between the extension host and the timeline webview, one union per direction, and the checks
// that turn what crosses the boundary (a message from the webview, a restored state) into typed values once.
// Handshake: the webview posts `ready` when its script runs; only then does the host send `load` and the chunks.
import type { EventDetails, TimelineChunk, TimelineSummary } from '../extension/core/timeline/model';

export type ViewCommand = 'nextFinding' | 'prevFinding' | 'stepForward' | 'stepBack' | 'fitAll' | 'play' | 'pause';
export const VIEW_COMMANDS: readonly ViewCommand[] = ['nextFinding', 'prevFinding', 'stepForward', 'stepBack', 'fitAll', 'play', 'pause'];

/** What the webview keeps across hide/show and reload (vscode.setState), and the host's serializer reads back. */
export interface ViewState {
  v: 1;
  /** the transcript's URI, as the host gave it in `load` */
  source: string;
  /** selected event index, -1 for none */
  cursor: number;
  /** time at the left edge, µs */
  t0Us: number;
  usPerPx: number;
  /** first lane shown */
  laneTop: number;
  speed: number;
}

export type HostMessage =
  | { type: 'load'; source: string; title: string }
  | { type: 'progress'; fraction: number; events: number }
  | { type: 'chunk'; chunk: TimelineChunk }
  | { type: 'done'; summary: TimelineSummary }
  | { type: 'error'; message: string }
  | { type: 'details'; id: number; details: EventDetails | null }
  | { type: 'command'; id: number; command: ViewCommand };

/** Where the cursor is, as the webview reports it after a command. */
export interface CursorReport {
  event: number;
  /** index into the findings list, -1 when the cursor is not on a finding */
  finding: number;
  findingKind: string | null;
}

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'requestDetails'; id: number; event: number }
  | { type: 'stateChanged'; state: ViewState }
  | { type: 'commandDone'; id: number; cursor: CursorReport }
  | { type: 'interactive'; events: number; findings: number }
  | { type: 'log'; message: string };

export function assertUnreachable(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates a restored or reported view state; null when it is not one this version wrote. */
export function parseViewState(v: unknown): ViewState | null {
  if (!isObj(v) || v.v !== 1 || typeof v.source !== 'string') return null;
  if (!isInt(v.cursor) || !isNum(v.t0Us) || !isNum(v.usPerPx) || v.usPerPx <= 0 || !isInt(v.laneTop) || !isNum(v.speed)) return null;
  return { v: 1, source: v.source, cursor: v.cursor, t0Us: v.t0Us, usPerPx: v.usPerPx, laneTop: Math.max(0, v.laneTop), speed: v.speed };
}

/** Validates a message from the webview at the host's door; null for anything else (it is dropped). */
export function parseWebviewMessage(v: unknown): WebviewMessage | null {
  if (!isObj(v) || typeof v.type !== 'string') return null;
  const type = v.type as WebviewMessage['type'];
  switch (type) {
    case 'ready':
      return { type };
    case 'requestDetails':
      return isInt(v.id) && isInt(v.event) ? { type, id: v.id, event: v.event } : null;
    case 'stateChanged': {
      const state = parseViewState(v.state);
      return state ? { type, state } : null;
    }
    case 'commandDone': {
      const c = v.cursor;
      if (!isInt(v.id) || !isObj(c) || !isInt(c.event) || !isInt(c.finding)) return null;
      const findingKind = typeof c.findingKind === 'string' ? c.findingKind : null;
      return { type, id: v.id, cursor: { event: c.event, finding: c.finding, findingKind } };
    }
    case 'interactive':
      return isInt(v.events) && isInt(v.findings) ? { type, events: v.events, findings: v.findings } : null;
    case 'log':
      return typeof v.message === 'string' ? { type, message: v.message.slice(0, 2000) } : null;
    default: {
      // exhaustive over the union, yet a stranger's type from the wire is dropped, not thrown on
      void (type satisfies never);
      return null;
    }
  }
}
