// One direction of one proxied connection: bytes read from the source are delayed, stalled, throttled or cut
// by the faults that apply, then delivered to the destination in the order they were read. Each chunk is
// recorded at the moment it is handed to the destination, so the transcript holds exactly the bytes relayed, at
// the times the receiving side got them. When the transcript writer lags (TranscriptWriter.AHEAD_LIMIT), nothing more
// is read or delivered until it catches up, as a pipe would: the relay never runs far ahead of what is on disk.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Random } from '../random';
import type { Direction } from '../transcript/format';
import type { FaultSpec } from './fault-spec';

export interface PipeHooks {
  record(bytes: Buffer): void;
  fault(spec: FaultSpec, detail: Record<string, unknown>): void;
  reset(spec: FaultSpec): void;
  /** the writer is behind: wait before reading more */
  congested(): Promise<void> | null;
}

const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;

export class Pipe {
  private readonly queue: { bytes: Buffer; at: number }[] = [];
  private queuedBytes = 0;
  private lastAt = 0;
  private stalledUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private dest: Socket | null = null;
  private waitingDrain = false;
  private ending = false;
  private paused = false;
  readBytes = 0;
  deliveredBytes = 0;

  constructor(
    readonly dir: Direction,
    private readonly source: Socket,
    private readonly faults: FaultSpec[],
    private readonly rand: Random,
    private readonly hooks: PipeHooks,
  ) {}

  setDest(dest: Socket): void {
    this.dest = dest;
    this.pump();
  }

  push(chunk: Buffer): void {
    this.readBytes += chunk.length;
    const now = performance.now();
    let latency = 0;
    let rate = Infinity;
    for (const f of this.faults) {
      if (!f.dirs.includes(this.dir)) continue;
      switch (f.kind) {
        case 'latency':
          if (this.hit(f)) {
            const jitter = f.jitterMs ? f.jitterMs * (2 * this.rand() - 1) : 0;
            const ms = Math.max(0, (f.latencyMs ?? 0) + jitter);
            latency += ms;
            this.hooks.fault(f, { latencyMs: Math.round(ms * 1000) / 1000, bytes: chunk.length });
          }
          break;
        case 'bandwidth':
          rate = Math.min(rate, f.bytesPerSecond as number);
          break;
        case 'stall':
          if (this.stalledUntil <= now && this.hit(f)) {
            this.stalledUntil = f.stallMs === undefined ? Infinity : now + f.stallMs;
            this.hooks.fault(f, { stallMs: f.stallMs ?? null });
          }
          break;
        case 'reset':
          if (f.afterBytes !== undefined ? this.readBytes >= f.afterBytes : this.hit(f)) {
            this.hooks.fault(f, { afterBytes: this.readBytes });
            this.hooks.reset(f);
            return;
          }
          break;
      }
    }
    let at = Math.max(now + latency, this.lastAt, this.stalledUntil);
    // a rate limit slices the chunk into 20 ms portions so the bytes trickle out as they would on a slow link
    const slice = rate === Infinity ? chunk.length : Math.max(1, Math.ceil(rate / 50));
    for (let i = 0; i < chunk.length; i += slice) {
      const part = chunk.subarray(i, i + slice);
      if (rate !== Infinity) at = Math.max(at, performance.now()) + (part.length / rate) * 1000;
      this.queue.push({ bytes: part, at });
    }
    this.lastAt = at;
    this.queuedBytes += chunk.length;
    this.pump();
    this.throttle();
  }

  /** The source finished: end the destination once everything queued is delivered. */
  end(): void {
    this.ending = true;
    this.pump();
  }

  /** Bytes read but never delivered (the connection ended first). */
  get undelivered(): number {
    return this.queuedBytes;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private hit(f: FaultSpec): boolean {
    return f.share >= 1 || this.rand() < f.share;
  }

  private pump(): void {
    if (this.timer || this.waitingDrain || !this.dest) return;
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
      this.deliveredBytes += head.bytes.length;
      // forward first: the bytes should not wait for their own recording
      const flowing = dest.write(head.bytes);
      this.hooks.record(head.bytes);
      if (!flowing) {
        this.waitingDrain = true;
        dest.once('drain', () => {
          this.waitingDrain = false;
          this.pump();
        });
        return;
      }
    }
    this.maybeResume();
    if (this.ending && this.queue.length === 0 && !dest.destroyed) dest.end();
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
