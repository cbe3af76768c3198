// What a postmortem draft says of one transcript, gathered in one place for the CLI and the editor alike: the
// engine's analysis (verdict, summary, findings, as `analyze` gives them), the timeline model (the event numbers the
// editor's links and notes use), each mismatch placed on it, and the texts and keys of the events the draft shows.
import { resolve } from 'node:path';
import { analyzeTranscript, type Analysis, type Finding } from '../pairing';
import { buildTimeline, EventKind, type EventBrief, type TimelineChunk, type TimelineFinding, type TimelineSummary } from '../timeline';
import type { LadderModel } from '../ladder';
import type { EventAt } from './notes';

/** The timeline model as one set of arrays (the webview's store, without the DOM): what the ladder reads, and where each event is. */
export interface TimelineModel extends LadderModel, EventAt {}

/** A mismatch as the engine found it, with the timeline events it involves. */
export interface MismatchAt {
  finding: Finding;
  /** the response taken (where the link opens) */
  event: number;
  /** the request that took it */
  request: number;
  /** the request it truly answers */
  answers: number;
}

export interface Incident {
  /** the transcript, absolute */
  file: string;
  analysis: Analysis;
  summary: TimelineSummary;
  model: TimelineModel;
  mismatches: MismatchAt[];
  /** texts and keys of the events the draft names (the mismatches' and their connections' neighbours) */
  briefs: Map<number, EventBrief>;
}

/** events of the connection shown before the request whose answer went astray, and after the taking request's answer */
export const LADDER_CONTEXT = 2;

export async function gatherIncident(transcript: string, opts: { lenient?: boolean; extraEvents?: number[] } = {}): Promise<Incident> {
  const file = resolve(transcript);
  const analysis = await analyzeTranscript(file, { lenient: opts.lenient ?? false });
  const chunks: TimelineChunk[] = [];
  const built = await buildTimeline(file, { lenient: opts.lenient ?? false, onChunk: (c) => void chunks.push(c) });
  try {
    const model = mergeChunks(chunks);
    const mismatches = placeMismatches(analysis.findings, model);
    const wanted = new Set<number>(opts.extraEvents?.filter((e) => e >= 0 && e < model.count));
    for (const m of mismatches) for (const e of ladderEvents(model, m)) wanted.add(e);
    const briefs = new Map((await built.details.briefs([...wanted].sort((a, b) => a - b))).map((b) => [b.event, b]));
    return { file, analysis, summary: built.summary, model, mismatches, briefs };
  } finally {
    await built.details.dispose();
  }
}

export function mergeChunks(chunks: readonly TimelineChunk[]): TimelineModel {
  const count = chunks.reduce((n, c) => n + c.count, 0);
  const m = {
    count,
    tUs: new Float64Array(count),
    lane: new Uint32Array(count),
    kind: new Uint8Array(count),
    paired: new Int32Array(count),
    seq: new Uint32Array(count),
    lanes: [] as number[],
    findings: [] as TimelineFinding[],
  };
  for (const c of chunks) {
    m.tUs.set(c.tUs, c.start);
    m.lane.set(c.lane, c.start);
    m.kind.set(c.kind, c.start);
    m.paired.set(c.paired, c.start);
    m.seq.set(c.seq, c.start);
    m.lanes.push(...c.newLanes);
    m.findings.push(...c.findings);
  }
  // a response names its request; give the request the link back
  for (let i = 0; i < count; i++) if (m.kind[i] === EventKind.response && m.paired[i] >= 0) m.paired[m.paired[i]] = i;
  return { ...m, events: count, connOf: (e) => m.lanes[m.lane[e]] ?? -1, tUsOf: (e) => m.tUs[e] };
}

/** Each of the engine's mismatches with its events on the timeline, matched by connection and request number. */
function placeMismatches(findings: readonly Finding[], model: TimelineModel): MismatchAt[] {
  const onTimeline = new Map<string, TimelineFinding>();
  for (const f of model.findings) if (f.kind === 'mismatch' && f.request >= 0) onTimeline.set(`${f.conn}:${model.seq[f.request]}`, f);
  const out: MismatchAt[] = [];
  for (const f of findings) {
    if (f.kind !== 'mismatch') continue;
    const t = f.request ? onTimeline.get(`${f.conn}:${f.request.seq}`) : undefined;
    out.push({ finding: f, event: t?.event ?? -1, request: t?.request ?? -1, answers: t?.answers ?? -1 });
  }
  return out;
}

/**
 * The requests and responses of a mismatch's connection a ladder shows: from a little before the request whose
 * answer went astray to a little after the request that took it got its own (or the connection's last message).
 */
export function ladderEvents(model: TimelineModel, m: MismatchAt): number[] {
  if (m.request < 0) return [];
  const lane = model.lane[m.request];
  const first = Math.min(m.answers >= 0 ? m.answers : m.request, m.request, m.event >= 0 ? m.event : m.request);
  const last = Math.max(m.request, m.event, model.paired[m.request]);
  const before: number[] = [];
  for (let i = first - 1; i >= 0 && before.length < LADDER_CONTEXT; i--) if (isMessage(model, i, lane)) before.unshift(i);
  const inside: number[] = [];
  for (let i = first; i <= last; i++) if (isMessage(model, i, lane)) inside.push(i);
  const after: number[] = [];
  for (let i = last + 1; i < model.count && after.length < LADDER_CONTEXT; i++) if (isMessage(model, i, lane)) after.push(i);
  return [...before, ...inside, ...after];
}

function isMessage(model: TimelineModel, i: number, lane: number): boolean {
  return model.lane[i] === lane && (model.kind[i] === EventKind.request || model.kind[i] === EventKind.response);
}
