// TCP stream reassembly for imported captures: segments in, transcript events out. Each connection becomes
// `open`, then its bytes in sequence order per direction (retransmissions dropped, overlaps trimmed, segments that
// arrive early held until the gap before them fills), then `close` once both sides sent FIN, or `reset`. Bytes the
// capture never saw (the sniffer dropped them) become a `gap` event rather than silently shifting the stream.
import { encodeBytes, type Direction } from '../transcript/format';
import type { Segment } from './packet';

export type EventSink = (tUs: number, c: number, k: string, fields: Record<string, unknown>) => void;

interface Side {
  next: number | null;
  pending: Map<number, Buffer>;
  pendingBytes: number;
  fin: boolean;
}

interface Flow {
  c: number;
  client: string;
  firstFin: 'client' | 'server' | null;
  sides: Record<Direction, Side>;
}

export interface ReassemblyStats {
  segments: number;
  connections: number;
  retransmittedBytes: number;
  gaps: number;
  gapBytes: number;
  guessedRoles: number;
}

const MAX_HELD = 8 * 1024 * 1024;

export class Reassembler {
  private readonly flows = new Map<string, Flow>();
  readonly stats: ReassemblyStats = { segments: 0, connections: 0, retransmittedBytes: 0, gaps: 0, gapBytes: 0, guessedRoles: 0 };

  constructor(private readonly emit: EventSink, private readonly serverPorts: Set<number>) {}

  push(tUs: number, s: Segment): void {
    this.stats.segments++;
    const from = `${s.src}:${s.sport}`;
    const to = `${s.dst}:${s.dport}`;
    const key = from < to ? `${from}|${to}` : `${to}|${from}`;
    let flow = this.flows.get(key);
    // a bare ACK, FIN or RST of a connection already closed (or begun before the capture) opens nothing
    if (!flow && !s.syn && s.payload.length === 0) return;
    if (!flow || (s.syn && !s.ack && flow.sides.c2s.next !== null && from === flow.client && s.seq + 1 !== flow.sides.c2s.next)) {
      if (flow) this.end(tUs, flow);
      flow = this.open(tUs, key, from, to, s);
    }
    const role = from === flow.client ? 'client' : 'server';
    const dir: Direction = role === 'client' ? 'c2s' : 's2c';
    const side = flow.sides[dir];
    if (s.syn) {
      if (side.next === null) side.next = (s.seq + 1) >>> 0;
    } else if (side.next === null) {
      side.next = s.seq;
    }
    if (s.payload.length > 0) this.deliver(tUs, flow, dir, s.syn ? (s.seq + 1) >>> 0 : s.seq, s.payload);
    if (s.rst) {
      this.flush(tUs, flow);
      this.emit(tUs, flow.c, 'reset', { by: role });
      this.flows.delete(key);
      return;
    }
    if (s.fin && !side.fin) {
      side.fin = true;
      flow.firstFin ??= role;
      if (flow.sides.c2s.fin && flow.sides.s2c.fin) {
        this.flush(tUs, flow);
        this.emit(tUs, flow.c, 'close', { by: flow.firstFin });
        this.flows.delete(key);
      }
    }
  }

  /** The end of the capture: whatever is held is delivered, with gaps where bytes are missing. */
  finish(tUs: number): void {
    for (const flow of this.flows.values()) this.flush(tUs, flow);
    this.flows.clear();
  }

  private open(tUs: number, key: string, from: string, to: string, s: Segment): Flow {
    // the SYN's sender is the client; without the handshake in the capture, the side on a server port (or the
    // lower port) is the server
    let client: string;
    if (s.syn) client = s.ack ? to : from;
    else {
      this.stats.guessedRoles++;
      const serverIsTo = this.serverPorts.has(s.dport) || (!this.serverPorts.has(s.sport) && s.dport < s.sport);
      client = serverIsTo ? from : to;
    }
    const side = (): Side => ({ next: null, pending: new Map(), pendingBytes: 0, fin: false });
    const flow: Flow = { c: ++this.stats.connections, client, firstFin: null, sides: { c2s: side(), s2c: side() } };
    this.flows.set(key, flow);
    this.emit(tUs, flow.c, 'open', { peer: client, server: client === from ? to : from });
    return flow;
  }

  private deliver(tUs: number, flow: Flow, dir: Direction, seq: number, payload: Buffer): void {
    const side = flow.sides[dir];
    const ahead = (seq - (side.next as number)) | 0;
    if (ahead > 0) {
      if (!side.pending.has(seq)) {
        side.pending.set(seq, payload);
        side.pendingBytes += payload.length;
      }
      if (side.pendingBytes > MAX_HELD) this.skipGap(tUs, flow, dir);
      return;
    }
    this.take(tUs, flow, dir, seq, payload);
    this.drain(tUs, flow, dir);
  }

  /** Emits what of a segment is new (a segment at or before the next expected byte). */
  private take(tUs: number, flow: Flow, dir: Direction, seq: number, payload: Buffer): void {
    const side = flow.sides[dir];
    const old = -((seq - (side.next as number)) | 0);
    if (old >= payload.length) {
      this.stats.retransmittedBytes += payload.length;
      return;
    }
    this.stats.retransmittedBytes += old;
    const fresh = payload.subarray(old);
    this.emit(tUs, flow.c, dir, encodeBytes(fresh));
    side.next = ((side.next as number) + fresh.length) >>> 0;
  }

  private drain(tUs: number, flow: Flow, dir: Direction): void {
    const side = flow.sides[dir];
    for (let again = true; again && side.pending.size > 0; ) {
      again = false;
      for (const [seq, payload] of side.pending) {
        if (((seq - (side.next as number)) | 0) <= 0) {
          side.pending.delete(seq);
          side.pendingBytes -= payload.length;
          this.take(tUs, flow, dir, seq, payload);
          again = true;
        }
      }
    }
  }

  /** Jumps over bytes the capture lost, to the earliest segment held. */
  private skipGap(tUs: number, flow: Flow, dir: Direction): void {
    const side = flow.sides[dir];
    let best: number | null = null;
    for (const seq of side.pending.keys()) {
      if (best === null || ((seq - (side.next as number)) | 0) < ((best - (side.next as number)) | 0)) best = seq;
    }
    if (best === null) return;
    const missing = (best - (side.next as number)) | 0;
    this.stats.gaps++;
    this.stats.gapBytes += missing;
    this.emit(tUs, flow.c, 'gap', { dir, bytes: missing });
    side.next = best;
    this.drain(tUs, flow, dir);
  }

  private flush(tUs: number, flow: Flow): void {
    for (const dir of ['c2s', 's2c'] as const) {
      while (flow.sides[dir].pending.size > 0) this.skipGap(tUs, flow, dir);
    }
  }

  private end(tUs: number, flow: Flow): void {
    this.flush(tUs, flow);
    this.emit(tUs, flow.c, 'close', { by: flow.firstFin ?? 'client' });
  }
}
