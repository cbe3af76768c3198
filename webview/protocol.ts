// The typed messages between the extension host and the timeline webview, one union per direction, and the checks
// that turn what crosses the boundary (a message from the webview, a restored state) into typed values once.
// Handshake: the webview posts `ready` when its script runs; only then does the host send `load` and the chunks.
import type { ShardChart } from '../extension/core/metrics/shard-chart';
import type { CheckVerdict } from '../extension/core/check/verdict';
import { parseSelection, type ReviewHostMessage, type ReviewWebviewMessage } from './review-protocol';
import { FINDING_KINDS, type EventBrief, type EventDetails, type TimelineFindingKind, type TimelineSummary } from '../extension/core/timeline/model';
import type { PackedChunk } from '../extension/core/timeline/packed';

export type ViewCommand = 'nextFinding' | 'prevFinding' | 'stepForward' | 'stepBack' | 'fitAll' | 'play' | 'pause';
export const VIEW_COMMANDS: readonly ViewCommand[] = ['nextFinding', 'prevFinding', 'stepForward', 'stepBack', 'fitAll', 'play', 'pause'];

/**
 * What the webview keeps across hide/show and reload (vscode.setState), and the host's serializer reads back.
 * Version 2 added the selected finding and the findings filter; a version 1 state is read with neither.
 */
export interface ViewState {
  v: 2;
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
  /** the finding selected in the list, by what names it across loads of the same file; null for none */
  finding: { kind: TimelineFindingKind; event: number } | null;
  /** the findings list's filter: the kinds shown (empty for all) and the connection shown (null for all) */
  filter: { kinds: TimelineFindingKind[]; conn: number | null };
}

export type HostMessage =
  | { type: 'load'; source: string; title: string }
  | { type: 'progress'; fraction: number; events: number }
  /** the model's next events, packed and deflated (extension/core/timeline/packed.ts) */
  | { type: 'chunk'; chunk: PackedChunk }
  | { type: 'done'; summary: TimelineSummary }
  | { type: 'error'; message: string }
  /** `related`: the keys and summaries of the events asked for with the details, in the order asked */
  | { type: 'details'; id: number; details: EventDetails | null; related: EventBrief[] }
  /** the events' one-line summaries, and the key each names (null: none), in the order asked */
  | { type: 'texts'; id: number; events: number[]; texts: string[]; keys: Array<string | null> }
  | { type: 'command'; id: number; command: ViewCommand }
  | ReviewHostMessage;

/** Where the cursor is, as the webview reports it after a command. */
export interface CursorReport {
  event: number;
  /** where the finding is in the findings list as shown (filtered, in list order); -1 when the cursor is on none */
  finding: number;
  findingKind: string | null;
}

export type WebviewMessage =
  | { type: 'ready' }
  /** an event's details, and the keys and summaries of the other events of its exchange (at most MAX_RELATED) */
  | { type: 'requestDetails'; id: number; event: number; related: number[] }
  /** the texts and keys of the events the view labels, the ladder shows or the hover card names (at most MAX_TEXTS_ASKED at a time) */
  | { type: 'requestTexts'; id: number; events: number[] }
  | { type: 'stateChanged'; state: ViewState }
  | { type: 'commandDone'; id: number; cursor: CursorReport }
  /** the first chunk is drawn: the view can be looked at, panned and zoomed while the rest loads */
  | { type: 'firstFrame'; events: number }
  | { type: 'interactive'; events: number; findings: number }
  | { type: 'log'; message: string }
  | ReviewWebviewMessage;

/** texts asked for in one message: a screen's labels */
export const MAX_TEXTS_ASKED = 2000;
/** events of an exchange asked for with an event's details: the partner, the request that took it, that one's owner */
export const MAX_RELATED = 4;

export function assertUnreachable(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const isKind = (v: unknown): v is TimelineFindingKind => typeof v === 'string' && (FINDING_KINDS as readonly string[]).includes(v);

/**
 * Validates a restored or reported view state; null when it is not one this version or the one before wrote. A
 * finding or filter that does not check out is dropped, the rest of the view kept.
 */
export function parseViewState(v: unknown): ViewState | null {
  if (!isObj(v) || (v.v !== 1 && v.v !== 2) || typeof v.source !== 'string') return null;
  if (!isInt(v.cursor) || !isNum(v.t0Us) || !isNum(v.usPerPx) || v.usPerPx <= 0 || !isInt(v.laneTop) || !isNum(v.speed)) return null;
  const f = v.finding;
  const finding = isObj(f) && isKind(f.kind) && isInt(f.event) && f.event >= 0 ? { kind: f.kind, event: f.event } : null;
  const fl = v.filter;
  const kinds = isObj(fl) && Array.isArray(fl.kinds) ? FINDING_KINDS.filter((k) => (fl.kinds as unknown[]).includes(k)) : [];
  const conn = isObj(fl) && isInt(fl.conn) && fl.conn >= 0 ? fl.conn : null;
  return {
    v: 2,
    source: v.source,
    cursor: v.cursor,
    t0Us: v.t0Us,
    usPerPx: v.usPerPx,
    laneTop: Math.max(0, v.laneTop),
    speed: v.speed,
    finding,
    filter: { kinds, conn },
  };
}

/** Validates a message from the webview at the host's door; null for anything else (it is dropped). */
export function parseWebviewMessage(v: unknown): WebviewMessage | null {
  if (!isObj(v) || typeof v.type !== 'string') return null;
  const type = v.type as WebviewMessage['type'];
  switch (type) {
    case 'ready':
      return { type };
    case 'requestDetails':
      return isInt(v.id) && isInt(v.event) && Array.isArray(v.related) && v.related.length <= MAX_RELATED && v.related.every(isInt)
        ? { type, id: v.id, event: v.event, related: v.related as number[] }
        : null;
    case 'requestTexts':
      return isInt(v.id) && Array.isArray(v.events) && v.events.length <= MAX_TEXTS_ASKED && v.events.every(isInt)
        ? { type, id: v.id, events: v.events as number[] }
        : null;
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
    case 'firstFrame':
      return isInt(v.events) ? { type, events: v.events } : null;
    case 'interactive':
      return isInt(v.events) && isInt(v.findings) ? { type, events: v.events, findings: v.findings } : null;
    case 'log':
      return typeof v.message === 'string' ? { type, message: v.message.slice(0, 2000) } : null;
    case 'selection': {
      const selection = parseSelection(v.selection);
      return selection ? { type, selection } : null;
    }
    default: {
      // exhaustive over the union, yet a stranger's type from the wire is dropped, not thrown on
      void (type satisfies never);
      return null;
    }
  }
}

// ---- The chart pages (shard metrics, bench, mismatch-check verdict): one union per direction, the same handshake.
// The host sends one `show` with the whole model (these are small: a chart's points, not a million events).

export type ChartView = 'metrics' | 'bench' | 'check';
export const CHART_VIEWS: readonly ChartView[] = ['metrics', 'bench', 'check'];
export const isChartView = (v: string): v is ChartView => (CHART_VIEWS as readonly string[]).includes(v);

/** One shard's chart, as extension/core/metrics/chart-model.ts builds it (the host passes that model as is). */
/** one shard's chart, as the core's chart model makes it (extension/core/metrics/shard-chart.ts) */
export type MetricsShardChart = ShardChart;

/** A line of the metrics page's list: what happened to which shard and when, in words made by the host. */
export interface MetricsEvent {
  kind: 'crossover' | 'alert' | 'no-relief' | 'imbalance' | 'note';
  shard: string | null;
  tSec: number;
  text: string;
}

export interface MetricsPayload {
  view: 'metrics';
  title: string;
  /** the file's URI: what a restored panel reopens */
  source: string;
  summary: string;
  workingSet: string;
  unitStyle: 'bytes' | 'si' | 'iec';
  leadHours: number;
  shards: MetricsShardChart[];
  notes: { tSec: number; shard: string | null; text: string }[];
  events: MetricsEvent[];
  /** the typical document size in the file (avg_doc_bytes), to start the fragmentation panel from */
  docBytes: number | null;
}

/** One line of the bench chart, as extension/core/bench/chart-model.ts builds it. */
export interface BenchLine {
  label: string;
  target: string;
  workload: string;
  concurrency: number[];
  throughput: number[];
  p99Us: number[];
  errors: number[];
}

export interface BenchPayload {
  view: 'bench';
  title: string;
  /** the result files' URIs */
  sources: string[];
  series: BenchLine[];
  levels: number[];
  /** one line per result document: target, server, when, amount, cancelled */
  runs: string[];
}

export interface CheckPayload {
  view: 'check';
  title: string;
  /** the verdict file's URI */
  source: string;
  verdict: CheckVerdict;
  /** whether the transcript the verdict names is on disk (the button to open it is offered only then) */
  transcriptFound: boolean;
}

export type ChartPayload = MetricsPayload | BenchPayload | CheckPayload;

export type ChartHostMessage = { type: 'show'; payload: ChartPayload } | { type: 'error'; message: string };

/** What a chart page keeps across hide/show and reload, and the host's serializer reads back. */
export interface ChartViewState {
  v: 1;
  view: ChartView;
  /** URIs of the files shown */
  sources: string[];
  /** the fragmentation panel's sliders */
  docBytes: number;
  movePercent: number;
}

export type ChartWebviewMessage =
  | { type: 'ready' }
  | { type: 'rendered'; view: ChartView; items: number }
  | { type: 'stateChanged'; state: ChartViewState }
  /** open the transcript of the verdict shown; at a mismatch (its index) or at the start (-1) */
  | { type: 'openTranscript'; mismatch: number }
  | { type: 'log'; message: string };

export function parseChartViewState(v: unknown): ChartViewState | null {
  if (!isObj(v) || v.v !== 1 || typeof v.view !== 'string' || !isChartView(v.view)) return null;
  if (!Array.isArray(v.sources) || !v.sources.every((s) => typeof s === 'string') || !isNum(v.docBytes) || !isNum(v.movePercent)) return null;
  return { v: 1, view: v.view, sources: v.sources as string[], docBytes: v.docBytes, movePercent: v.movePercent };
}

export function parseChartWebviewMessage(v: unknown): ChartWebviewMessage | null {
  if (!isObj(v) || typeof v.type !== 'string') return null;
  const type = v.type as ChartWebviewMessage['type'];
  switch (type) {
    case 'ready':
      return { type };
    case 'rendered':
      return typeof v.view === 'string' && isChartView(v.view) && isInt(v.items) ? { type, view: v.view, items: v.items } : null;
    case 'stateChanged': {
      const state = parseChartViewState(v.state);
      return state ? { type, state } : null;
    }
    case 'openTranscript':
      return isInt(v.mismatch) && v.mismatch >= -1 ? { type, mismatch: v.mismatch } : null;
    case 'log':
      return typeof v.message === 'string' ? { type, message: v.message.slice(0, 2000) } : null;
    default: {
      void (type satisfies never);
      return null;
    }
  }
}
