// TCP stream reassembly for imported captures: segments in, transcript events out. Each connection becomes
// `open`, then its bytes in sequence order per direction (retransmissions dropped, overlaps trimmed, segments that
// arrive early held until the hole before them fills), then `close` once both sides sent FIN, or `reset`. Bytes the
// capture never saw (the sniffer dropped them) become a `gap` event at the time the hole was seen, and the bytes
// after it keep their own capture times. A hole is taken as lost as Wireshark's "previous segment not captured"
// and "ACKed segment that wasn't captured" take it: at once when the receiver acknowledged bytes past it (it got them;
// only the capture missed them), else after HOLD_US of capture time or MAX_HELD bytes held (a retransmission would
// have filled it by then). Events may so be emitted out of time order across connections, never within a direction:
// `oldestHeldUs()` says how far back a later event can still reach, for the importer to put them in order.
import { encodeBytes, type Direction } from '../transcript/format';
import type { Segment } from './packet';

export type EventSink = (tUs: number, c: number, k: string, fields: Record<string, unknown>) => void;

interface Held {
  payload: Buffer;
  tUs: number;
}

interface Side {
  next: number | null;
  pending: Map<number, Held>;
  pendingBytes: number;
  fin: boolean;
  /** the highest acknowledgment the peer sent for this direction's bytes, or null */
  acked: number | null;
  /** capture time of the last event emitted for this direction: held bytes released later never go back before it */
  lastUs: number;
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
/** capture time a hole may stay open before its bytes are taken as lost */
export const HOLD_US = 1_000_000;

export class Reassembler {
  private readonly flows = new Map<string, Flow>();
  /** flows holding segments past a hole */
  private readonly holding = new Set<Flow>();
  readonly stats: ReassemblyStats = { segments: 0, connections: 0, retransmittedBytes: 0, gaps: 0, gapBytes: 0, guessedRoles: 0 };

  /**
   * `midstream` is filled with the connections whose handshake the capture missed: their first bytes may be the
   * middle of a message.
   */
  constructor(
    private readonly emit: EventSink,
    private readonly serverPorts: Set<number>,
    readonly midstream = new Set<number>(),
  ) {}

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
    if (s.ack) this.acknowledge(tUs, flow, dir === 'c2s' ? 's2c' : 'c2s', s.ackNo);
    if (s.syn) {
      if (side.next === null) side.next = (s.seq + 1) >>> 0;
    } else if (side.next === null) {
      side.next = s.seq;
    }
    if (s.payload.length > 0) this.deliver(tUs, flow, dir, s.syn ? (s.seq + 1) >>> 0 : s.seq, s.payload);
    if (s.rst) {
      this.flush(tUs, flow);
      this.emit(this.endUs(tUs, flow), flow.c, 'reset', { by: role });
      this.flows.delete(key);
      return;
    }
    if (s.fin && !side.fin) {
      side.fin = true;
      flow.firstFin ??= role;
      if (flow.sides.c2s.fin && flow.sides.s2c.fin) {
        this.flush(tUs, flow);
        this.emit(this.endUs(tUs, flow), flow.c, 'close', { by: flow.firstFin });
        this.flows.delete(key);
      }
    }
  }

  /** The end of the capture: whatever is held is delivered, with gaps where bytes are missing. */
  finish(tUs: number): void {
    for (const flow of this.flows.values()) this.flush(tUs, flow);
    this.flows.clear();
    this.holding.clear();
  }

  /** Holes open longer than HOLD_US at capture time `tUs` are taken as lost. */
  expire(tUs: number): void {
    for (const flow of this.holding) {
      for (const dir of ['c2s', 's2c'] as const) {
        const side = flow.sides[dir];
        if (side.pending.size > 0 && tUs - oldest(side) > HOLD_US) this.skipGap(flow, dir);
      }
      this.settle(flow);
    }
  }

  /** The capture time of the oldest segment still held: no event emitted later is older. Infinity when none is. */
  oldestHeldUs(): number {
    let t = Infinity;
    for (const flow of this.holding) for (const dir of ['c2s', 's2c'] as const) if (flow.sides[dir].pending.size > 0) t = Math.min(t, oldest(flow.sides[dir]));
    return t;
  }

  /** The peer acknowledged `ackNo` for `dir`'s bytes: a hole it covers was received, so the capture lost it. */
  private acknowledge(tUs: number, flow: Flow, dir: Direction, ackNo: number): void {
    const side = flow.sides[dir];
    if (side.acked === null || ((ackNo - side.acked) | 0) > 0) side.acked = ackNo;
    if (side.next === null) return;
    const beyond = (ackNo - side.next) | 0;
    if (beyond <= 0 || (side.fin && beyond === 1)) return; // a FIN takes one sequence number of its own
    if (side.pending.size > 0) {
      this.skipGap(flow, dir);
      this.settle(flow);
    } else if (beyond < MAX_HELD) {
      // bytes acknowledged that the capture never saw, nothing after them yet: the gap is known now, before the
      // acknowledging side's own bytes (its next request) go out
      this.stats.gaps++;
      this.stats.gapBytes += beyond;
      side.lastUs = Math.max(side.lastUs, tUs);
      this.emit(side.lastUs, flow.c, 'gap', { dir, bytes: beyond });
      side.next = ackNo >>> 0;
    }
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
    const side = (): Side => ({ next: null, pending: new Map(), pendingBytes: 0, fin: false, acked: null, lastUs: tUs });
    const flow: Flow = { c: ++this.stats.connections, client, firstFin: null, sides: { c2s: side(), s2c: side() } };
    this.flows.set(key, flow);
    if (!s.syn) this.midstream.add(flow.c);
    this.emit(tUs, flow.c, 'open', { peer: client, server: client === from ? to : from });
    return flow;
  }

  private deliver(tUs: number, flow: Flow, dir: Direction, seq: number, payload: Buffer): void {
    const side = flow.sides[dir];
    const ahead = (seq - (side.next as number)) | 0;
    if (ahead > 0) {
      if (!side.pending.has(seq)) {
        side.pending.set(seq, { payload, tUs });
        side.pendingBytes += payload.length;
        this.holding.add(flow);
      }
      // the peer already acknowledged past the hole, or too much is held: the hole's bytes are lost to the capture
      if (side.pendingBytes > MAX_HELD || (side.acked !== null && ((side.acked - (side.next as number)) | 0) > 0)) this.skipGap(flow, dir);
      this.settle(flow);
      return;
    }
    this.take(tUs, flow, dir, seq, payload);
    this.drain(tUs, flow, dir);
    this.settle(flow);
  }

  /** Emits what of a segment is new (a segment at or before the next expected byte), at `tUs` or later. */
  private take(tUs: number, flow: Flow, dir: Direction, seq: number, payload: Buffer): void {
    const side = flow.sides[dir];
    const old = -((seq - (side.next as number)) | 0);
    if (old >= payload.length) {
      this.stats.retransmittedBytes += payload.length;
      return;
    }
    this.stats.retransmittedBytes += old;
    const fresh = payload.subarray(old);
    side.lastUs = Math.max(side.lastUs, tUs);
    this.emit(side.lastUs, flow.c, dir, encodeBytes(fresh));
    side.next = ((side.next as number) + fresh.length) >>> 0;
  }

  /** Emits held segments the stream has reached; a segment that filled a hole late releases them at its own time. */
  private drain(tUs: number, flow: Flow, dir: Direction): void {
    const side = flow.sides[dir];
    for (let again = true; again && side.pending.size > 0;) {
      again = false;
      for (const [seq, held] of side.pending) {
        if (((seq - (side.next as number)) | 0) <= 0) {
          side.pending.delete(seq);
          side.pendingBytes -= held.payload.length;
          this.take(Math.max(tUs, held.tUs), flow, dir, seq, held.payload);
          again = true;
        }
      }
    }
  }

  /** Jumps over bytes the capture lost, to the earliest segment held; the gap is stamped when that segment came. */
  private skipGap(flow: Flow, dir: Direction): void {
    const side = flow.sides[dir];
    let best: number | null = null;
    for (const seq of side.pending.keys()) {
      if (best === null || ((seq - (side.next as number)) | 0) < ((best - (side.next as number)) | 0)) best = seq;
    }
    if (best === null) return;
    const missing = (best - (side.next as number)) | 0;
    this.stats.gaps++;
    this.stats.gapBytes += missing;
    side.lastUs = Math.max(side.lastUs, (side.pending.get(best) as Held).tUs);
    this.emit(side.lastUs, flow.c, 'gap', { dir, bytes: missing });
    side.next = best;
    // each held segment goes out at its own capture time: what came after the hole did not wait for it
    this.drain(0, flow, dir);
  }

  private settle(flow: Flow): void {
    if (flow.sides.c2s.pending.size === 0 && flow.sides.s2c.pending.size === 0) this.holding.delete(flow);
  }

  private flush(tUs: number, flow: Flow): void {
    for (const dir of ['c2s', 's2c'] as const) {
      while (flow.sides[dir].pending.size > 0) this.skipGap(flow, dir);
    }
    this.settle(flow);
    void tUs;
  }

  private end(tUs: number, flow: Flow): void {
    this.flush(tUs, flow);
    this.emit(this.endUs(tUs, flow), flow.c, 'close', { by: flow.firstFin ?? 'client' });
  }

  /** a connection ends no earlier than its last bytes */
  private endUs(tUs: number, flow: Flow): number {
    return Math.max(tUs, flow.sides.c2s.lastUs, flow.sides.s2c.lastUs);
  }
}

function oldest(side: Side): number {
  let t = Infinity;
  for (const h of side.pending.values()) t = Math.min(t, h.tUs);
  return t;
}
