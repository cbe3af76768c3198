// One direction of one proxied connection: bytes read from the source are delayed, stalled, throttled, sliced, cut
// or dropped by the faults that apply (each kind a module of faults/), then delivered to the destination in the order
// they were read. Each chunk is recorded at the moment it is handed to the destination, so the transcript holds
// exactly the bytes relayed, at the times the receiving side got them. When the transcript writer lags
// (TranscriptWriter.AHEAD_LIMIT), nothing more is read or delivered until it catches up, as a pipe would.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Random } from '../random';
import type { Direction } from '../transcript/format';
import type { Piece } from './answers';
import type { ActiveFault } from './fault-set';
import { faultKind, sliceLengths, type ChunkPlan, type FaultKind, type FaultLink } from './faults';

export interface PipeHooks {
  record(bytes: Buffer): void;
  /** a fault acted on this direction */
  fault(fault: ActiveFault, detail: Record<string, unknown>): void;
  /** bytes read that a fault dropped: they are never delivered */
  dropped(bytes: number): void;
  /** cut the connection with RST both ways */
  reset(fault: ActiveFault): void;
  /** close the connection both ways (FIN) */
  close(fault: ActiveFault): void;
  /** the writer is behind: wait before reading more */
  congested(): Promise<void> | null;
  /** the chunk cut where the connection's messages end, for faults on the n-th one; null when not framed */
  split?(dir: Direction, chunk: Buffer): Piece[] | null;
}

const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;

/** A fault attached to this direction of this connection: what its kind may ask (FaultLink), and its state. */
class Attached implements FaultLink {
  readonly state: Record<string, number> = {};
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly fault: ActiveFault,
    readonly kind: FaultKind,
    readonly picked: boolean,
    private readonly pipe: Pipe,
    private readonly hooks: PipeHooks,
  ) {}

  get dir(): Direction {
    return this.pipe.dir;
  }
  get rand(): Random {
    return this.pipe.rand;
  }
  get readBytes(): number {
    return this.pipe.readBytes;
  }
  hit(): boolean {
    const share = this.fault.spec.share;
    return share >= 1 || this.pipe.rand() < share;
  }
  acted(detail: Record<string, unknown>): void {
    this.hooks.fault(this.fault, detail);
  }
  reset(): void {
    this.hooks.reset(this.fault);
  }
  close(): void {
    this.hooks.close(this.fault);
  }
  after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

export class Pipe {
  private readonly queue: { bytes: Buffer; at: number; close?: ActiveFault }[] = [];
  private attached: Attached[] = [];
  private queuedBytes = 0;
  private lastAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private endTimer: NodeJS.Timeout | null = null;
  private dest: Socket | null = null;
  private waitingDrain = false;
  private ending = false;
  private paused = false;
  private stopped = false;
  readBytes = 0;
  deliveredBytes = 0;

  constructor(
    readonly dir: Direction,
    private readonly source: Socket,
    readonly rand: Random,
    private readonly hooks: PipeHooks,
  ) {}

  /** The fault begins on this direction; `picked`: the connection was picked for it (its toxicity). */
  attach(fault: ActiveFault, picked: boolean): void {
    const kind = faultKind(fault.spec.kind);
    if (!kind || !fault.spec.dirs.includes(this.dir) || this.stopped) return;
    const a = new Attached(fault, kind, picked, this, this.hooks);
    this.attached = [...this.attached, a];
    if (picked) kind.attach?.(fault.spec, a);
  }

  /** The fault leaves this direction (removed, or about to be attached again changed); what it held is let go. */
  detach(fault: ActiveFault, why: 'remove' | 'update', spec = fault.spec): void {
    const a = this.attached.find((x) => x.fault.id === fault.id);
    if (!a) return;
    this.attached = this.attached.filter((x) => x !== a);
    a.stop();
    const kind = faultKind(spec.kind);
    if (a.picked) kind?.detach?.(spec, a, why);
    if (a.picked && kind?.holds) this.release();
  }

  setDest(dest: Socket): void {
    this.dest = dest;
    this.pump();
  }

  push(chunk: Buffer): void {
    // no fault on this direction, nothing waiting, and no framer to follow the connection's messages (nth faults: it
    // must see every byte of both directions): the chunk goes on at once, as a bare relay would send it
    if (
      this.attached.length === 0 &&
      !this.hooks.split &&
      this.queue.length === 0 &&
      this.dest &&
      !this.waitingDrain &&
      !this.timer &&
      !this.stopped &&
      !this.hooks.congested()
    ) {
      this.readBytes += chunk.length;
      this.send(this.dest, chunk);
      return;
    }
    const pieces = this.hooks.split?.(this.dir, chunk) ?? null;
    const byMessage = pieces !== null && this.attached.some((a) => a.fault.spec.nth !== undefined);
    for (const piece of byMessage ? pieces : [{ bytes: chunk, nth: 0 }]) {
      if (!this.pushPiece(piece.bytes, piece.nth)) return;
    }
    this.pump();
    this.throttle();
  }

  private pushPiece(bytes: Buffer, nth: number): boolean {
    this.readBytes += bytes.length;
    const now = performance.now();
    const plan: ChunkPlan = { bytes, now, delayMs: 0, holdUntil: 0, rate: Infinity, slices: null, fate: 'deliver', thenClose: false };
    let closer: ActiveFault | undefined;
    for (const a of this.attached) {
      const spec = a.fault.spec;
      if (!a.picked || (spec.nth !== undefined && spec.nth !== nth)) continue;
      a.kind.chunk?.(spec, plan, a);
      if (plan.thenClose) closer ??= a.fault;
      if (plan.fate === 'reset') {
        this.hooks.reset(a.fault);
        return false;
      }
    }
    if (plan.fate === 'drop') {
      this.hooks.dropped(bytes.length);
      return true;
    }
    if (plan.bytes.length < bytes.length) this.hooks.dropped(bytes.length - plan.bytes.length);
    let at = Math.max(now + plan.delayMs, this.lastAt, plan.holdUntil);
    const total = plan.bytes.length;
    const lengths = plan.slices
      ? sliceLengths(total, plan.slices.average, plan.slices.variation, this.rand)
      : // a rate limit slices the chunk into 20 ms portions so the bytes trickle out as they would on a slow link
        portions(total, plan.rate === Infinity ? total : Math.max(1, Math.ceil(plan.rate / 50)));
    let from = 0;
    for (const length of lengths) {
      const part = plan.bytes.subarray(from, from + length);
      if (plan.slices && from > 0) at += plan.slices.gapMs;
      if (plan.rate !== Infinity) at = Math.max(at, performance.now()) + (part.length / plan.rate) * 1000;
      this.queue.push({ bytes: part, at });
      from += length;
    }
    if (closer) this.queue.push({ bytes: Buffer.alloc(0), at, close: closer });
    this.lastAt = at;
    this.queuedBytes += total;
    return true;
  }

  /** The source finished: end the destination once everything queued is delivered (a slow_close holds it). */
  end(): void {
    let holdMs = 0;
    for (const a of this.attached) if (a.picked && a.kind.ended) holdMs = Math.max(holdMs, a.kind.ended(a.fault.spec, a));
    if (holdMs > 0) {
      this.endTimer = setTimeout(() => {
        this.endTimer = null;
        this.pump();
      }, holdMs);
    }
    this.ending = true;
    this.pump();
  }

  /** Bytes read but never delivered (the connection ended first). */
  get undelivered(): number {
    return this.queuedBytes;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.endTimer) clearTimeout(this.endTimer);
    this.timer = null;
    for (const a of this.attached) a.stop();
  }

  /** A fault that held bytes left: what waits is due now, in order. */
  private release(): void {
    const now = performance.now();
    for (const q of this.queue) q.at = Math.min(q.at, now);
    this.lastAt = Math.min(this.lastAt, now);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pump();
  }

  private pump(): void {
    if (this.timer || this.waitingDrain || !this.dest || this.stopped) return;
    const dest = this.dest;
    while (this.queue.length > 0) {
      if (dest.destroyed) return;
      const head = this.queue[0];
      const wait = head.at - performance.now();
      if (wait > 0) {
        if (wait !== Infinity) {
          this.timer = setTimeout(() => {
            this.timer = null;
            this.pump();
          }, Math.ceil(wait));
        }
        return;
      }
      if (head.close) {
        this.queue.shift();
        this.hooks.close(head.close);
        return;
      }
      // the transcript lags: relay nothing more until it catches up, so a crash loses at most the writer's bound
      const lag = this.hooks.congested();
      if (lag) {
        this.waitingDrain = true;
        void lag.then(() => {
          this.waitingDrain = false;
          this.pump();
        });
        return;
      }
      this.queue.shift();
      this.queuedBytes -= head.bytes.length;
      if (!this.send(dest, head.bytes)) return;
    }
    this.maybeResume();
    if (this.ending && !this.endTimer && this.queue.length === 0 && !dest.destroyed) dest.end();
  }

  /** Hands bytes to the destination and records them; false when it must drain first (then pump() goes on after). */
  private send(dest: Socket, bytes: Buffer): boolean {
    this.deliveredBytes += bytes.length;
    // forward first: the bytes should not wait for their own recording
    const flowing = dest.write(bytes);
    this.hooks.record(bytes);
    if (flowing) return true;
    this.waitingDrain = true;
    dest.once('drain', () => {
      this.waitingDrain = false;
      this.pump();
    });
    return false;
  }

  /** Stops reading while too much is queued here or the transcript writer lags. */
  private throttle(): void {
    if (this.paused) return;
    const wait = this.queuedBytes > HIGH_WATER ? null : this.hooks.congested();
    if (this.queuedBytes <= HIGH_WATER && !wait) return;
    this.paused = true;
    this.source.pause();
    wait?.then(() => this.maybeResume());
  }

  private maybeResume(): void {
    if (!this.paused || this.queuedBytes >= LOW_WATER) return;
    const wait = this.hooks.congested();
    if (wait) {
      wait.then(() => this.maybeResume());
      return;
    }
    this.paused = false;
    this.source.resume();
  }
}

function portions(total: number, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < total; i += size) out.push(Math.min(size, total - i));
  return out;
}
