// Builds the timeline model from a transcript file: streams it through Pairing, numbers every message and mark as
// an event, and hands out chunks of typed arrays as they fill. Memory stays bounded by the chunk size plus a few
// numbers per event (the details spill index, the per-connection request/response indices of open connections).
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { describeFinding, headerProtocol, Pairing, protocolsSeen, verdictLine, verdictOf, type Finding } from '../pairing';
import type { WireMessage } from '../protocols';
import { LazyDecoded } from '../protocols/types';
import { openTranscript, type ClientEvent, type SidecarOptions, type TranscriptEvent } from '../transcript';
import { ReadDataEvent } from '../transcript/fast-line';
import { cut, DetailsSpill, MAX_KEY_CHARS, type DetailsRecord } from './details';
import { DETAILS_MAX_BYTES, EventFlag, EventKind, MAX_TEXT_CHARS, type TimelineFinding, type TimelineSummary } from './model';
import { ChunkWriter, type ChunkSink } from './chunks';

export interface BuildOptions {
  lenient?: boolean;
  /** read from (or build) the transcript's binary sidecar in this cache */
  sidecar?: SidecarOptions;
  /** events per chunk; default 65536 */
  chunkEvents?: number;
  onChunk: ChunkSink;
  /** fraction of the file read, 0..1, now and then */
  onProgress?: (fraction: number, events: number) => void;
  signal?: AbortSignal;
  /** findings kept in full; default 10000 */
  maxFindings?: number;
  /** the details spill as soon as it exists, so that texts and details can be read while the model is built */
  onDetails?: (details: DetailsSpill) => void;
}

export interface BuiltTimeline {
  summary: TimelineSummary;
  /** details of each event, on demand; dispose when the view closes */
  details: DetailsSpill;
}

/** Per connection: the event index of each request and response by its 1-based sequence number (-1: not seen yet). */
class ConnIndex {
  req = new Int32Array(64).fill(-1);
  resp = new Int32Array(64).fill(-1);
  set(which: 'req' | 'resp', seq: number, event: number): void {
    let a = this[which];
    if (seq >= a.length) {
      const grown = new Int32Array(Math.max(a.length * 2, seq + 1)).fill(-1);
      grown.set(a);
      a = this[which] = grown;
    }
    a[seq] = event;
  }
  get(which: 'req' | 'resp', seq: number | undefined): number {
    if (seq === undefined) return -1;
    const a = this[which];
    return seq < a.length && seq > 0 ? a[seq] : -1;
  }
}

export async function buildTimeline(file: string, opts: BuildOptions): Promise<BuiltTimeline> {
  const size = (await stat(file).catch(() => ({ size: 0 }))).size;
  const t = await openTranscript(file, { lenient: opts.lenient ?? false, sidecar: opts.sidecar });
  const { protocol, serverPort, closingLine } = headerProtocol(t.header);
  const details = await DetailsSpill.create();
  opts.onDetails?.(details);
  const out = new ChunkWriter(opts.chunkEvents ?? 65536, opts.onChunk);
  const lanes = new Map<number, number>();
  const conns = new Map<number, ConnIndex>();
  const maxFindings = opts.maxFindings ?? 10000;
  let listed = 0;
  let line = 0;

  const laneOf = (c: number): number => {
    let lane = lanes.get(c);
    if (lane === undefined) {
      lane = lanes.size;
      lanes.set(c, lane);
      out.newLane(c);
    }
    return lane;
  };
  const connOf = (c: number): ConnIndex => {
    let ci = conns.get(c);
    if (!ci) conns.set(c, (ci = new ConnIndex()));
    return ci;
  };

  const onMessage = (c: number, msg: WireMessage, ref: { seq: number; line: number; key?: string }, pairedWith: { seq: number } | null): void => {
    const isReq = msg.dir === 'c2s';
    const ci = connOf(c);
    const paired = isReq ? -1 : ci.get('req', pairedWith?.seq);
    let flags = 0;
    if (msg.decoded.failed) flags |= EventFlag.failed;
    if (msg.decoded.error) flags |= EventFlag.undecoded;
    const i = out.add(msg.tEndUs, laneOf(c), isReq ? EventKind.request : EventKind.response, paired, flags, ref.seq);
    ci.set(isReq ? 'req' : 'resp', ref.seq, i);
    // a message its protocol decodes from its bytes alone is decoded when shown; its stored bytes must be all of it
    const d = msg.decoded;
    if (d instanceof LazyDecoded && d.alone && msg.bytes.length <= DETAILS_MAX_BYTES) {
      details.addAlone(c, isReq, ref.seq, ref.line || line, d.error ?? null, d.alone, msg.dir, msg.bytes);
    } else {
      // decoded whole already, so its key costs little; the pairing text names it ("asked msg:1032")
      const key = ref.key;
      const what = `${isReq ? 'request' : 'response'} #${ref.seq}`;
      const record: DetailsRecord = [
        c,
        what,
        ref.line || line,
        msg.bytes.length,
        d.error ?? null,
        d.fields ?? null,
        null,
        key === undefined ? null : cut(key, MAX_KEY_CHARS),
      ];
      details.add(record, msg.bytes, cut(d.summary, MAX_TEXT_CHARS));
    }
    if (held.length > 0) placeHeld(false);
  };

  /**
   * Findings about a request not on the wire yet: an instrumented client can report what it read for a request
   * before the request's bytes are seen (pairing judges those first). Each is placed once its messages have events.
   */
  let held: Finding[] = [];
  const seen = (f: Finding): boolean => {
    const ci = conns.get(f.conn);
    const has = (which: 'req' | 'resp', ref: { seq: number } | undefined) => !ref || ref.seq <= 0 || (ci?.get(which, ref.seq) ?? -1) >= 0;
    return has('req', f.request) && has('resp', f.response) && has('req', f.answers);
  };
  const placeHeld = (all: boolean): void => {
    const still: Finding[] = [];
    for (const f of held) {
      if (all || seen(f)) place(f);
      else still.push(f);
    }
    held = still;
  };

  const onFinding = (f: Finding): void => {
    if (listed >= maxFindings) return;
    listed++;
    if (seen(f)) place(f);
    else held.push(f);
  };

  const place = (f: Finding): void => {
    const ci = connOf(f.conn);
    const request = ci.get('req', f.request?.seq);
    const response = ci.get('resp', f.response?.seq);
    const answers = ci.get('req', f.answers?.seq);
    const event = f.kind === 'mismatch' || f.kind === 'late' || f.kind === 'orphan' ? response : request;
    const tf: TimelineFinding = {
      kind: f.kind,
      tUs: f.tUs,
      conn: f.conn,
      event: event >= 0 ? event : Math.max(request, response),
      request,
      response,
      answers,
      text: cut(describeFinding(f), 1000),
    };
    out.finding(tf);
  };

  const pairing = new Pairing(protocol, { onMessage, onFinding, maxFindings: 0, serverPort, closingLine });
  let approxBytes = 0;
  let sinceProgress = 0;
  for await (const batch of t.batches) {
    for (let i = 0; i < batch.events.length; i++) {
      const ev = batch.events[i];
      line = batch.lines[i];
      approxBytes += 40 + (ev instanceof ReadDataEvent ? ev.bytes.length : typeof ev.d === 'string' ? ev.d.length : 0);
      const isData = ev.k === 'c2s' || ev.k === 's2c';
      if (!isData) mark(ev, laneOf(ev.c));
      pairing.push(ev, line);
      if (ev.k === 'close' || ev.k === 'reset') conns.delete(ev.c);
      if (out.full) {
        await details.flush();
        await out.flush();
      }
      if (++sinceProgress >= 20000) {
        sinceProgress = 0;
        opts.onProgress?.(size > 0 ? Math.min(0.99, approxBytes / size) : 0, out.events);
        // let the host answer other requests while a big file loads
        await new Promise((r) => setImmediate(r));
      }
    }
    if (opts.signal?.aborted) {
      await details.dispose();
      throw new Error('cancelled');
    }
  }
  pairing.finish();
  placeHeld(true);
  await details.flush(true);
  await out.flush();
  opts.onProgress?.(1, out.events);

  const s = pairing.summary;
  const summary: TimelineSummary = {
    file: basename(file),
    protocol: protocol?.name ?? protocolsSeen(s),
    startedAt: t.header.startedAt,
    events: out.events,
    requests: s.requests,
    responses: s.responses,
    connections: s.connections,
    firstUs: s.firstUs ?? 0,
    lastUs: s.lastUs ?? 0,
    findings: { ...s.findings },
    findingsListed: listed,
    skippedLines: t.report.skipped,
    truncatedLastLine: t.report.truncatedLastLine !== null,
    verdictKind: verdictOf(s, t.report).verdict,
    verdict: verdictLine(s, t.report),
  };
  return { summary, details };

  function mark(ev: TranscriptEvent, lane: number): void {
    const kind = markKind(ev.k);
    let flags = 0;
    if (ev.k === 'client' && (ev as ClientEvent).op === 'timeout') flags |= EventFlag.clientTimeout;
    out.add(ev.t, lane, kind, -1, flags);
    details.add([ev.c, cut(ev.k, 100), line, 0, null, withoutBase(ev)], null, cut(markText(ev), MAX_TEXT_CHARS));
  }
}

function markKind(k: string): number {
  switch (k) {
    case 'open':
      return EventKind.open;
    case 'close':
      return EventKind.close;
    case 'reset':
      return EventKind.reset;
    case 'fault':
      return EventKind.fault;
    case 'client':
      return EventKind.client;
    default:
      return EventKind.other;
  }
}

function markText(ev: TranscriptEvent): string {
  const rest = withoutBase(ev);
  const parts = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? `${ev.k} ${parts.join(' ')}` : ev.k;
}

function withoutBase(ev: TranscriptEvent): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ev)) if (k !== 't' && k !== 'c' && k !== 'k') rest[k] = v;
  return rest;
}
