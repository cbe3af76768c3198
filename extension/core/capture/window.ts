// The time window of an import (--from/--to), applied to the events the reassembler made, in time order: events
// outside the window are left out; a connection open at the window's start is written as opened there, with a `cut`
// event on it (what it sent before is not in the transcript), and one still open at the window's end gets a `cut`
// there (what followed is not). The connections kept are numbered 1, 2, … in the order they are written, as an
// import without a window numbers them. Times are µs since the transcript's start.
import type { EventSink } from './reassembly';

export class WindowCut {
  /** connections opened and not yet closed, with their `open` fields */
  private readonly live = new Map<number, Record<string, unknown>>();
  /** each connection written: its number in the output */
  private readonly numbers = new Map<number, number>();
  private started = false;
  private ended = false;
  cuts = 0;

  constructor(
    private readonly fromT: number,
    private readonly toT: number,
    private readonly words: { from?: string; to?: string },
    private readonly emit: EventSink,
  ) {}

  /** connections written */
  get connections(): number {
    return this.numbers.size;
  }

  take(t: number, c: number, k: string, fields: Record<string, unknown>): void {
    if (this.ended) return;
    if (t < this.fromT) {
      this.follow(c, k, fields);
      return;
    }
    if (t > this.toT) {
      this.end();
      return;
    }
    this.start();
    if (c === 0) {
      this.emit(t, 0, k, fields);
      return;
    }
    if (k === 'open') this.live.set(c, fields);
    this.emit(t, this.numberOf(c), k, fields);
    if (k === 'close' || k === 'reset') this.live.delete(c);
  }

  /** The capture is over. `pastEnd`: it went on past the window's end, so what was open there was cut. */
  finish(reachedStart: boolean, pastEnd: boolean): void {
    if (reachedStart) this.start();
    if (pastEnd) this.end();
  }

  /** Connections open at the window's start come in there, cut. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    if (!Number.isFinite(this.fromT)) return;
    for (const [c, fields] of this.live) {
      this.emit(this.fromT, this.numberOf(c), 'open', fields);
      this.cut(this.fromT, c, `connection began before the window (--from ${this.words.from}): what it sent before is not in this transcript`);
    }
  }

  private end(): void {
    if (this.ended) return;
    this.start();
    this.ended = true;
    for (const c of this.live.keys()) {
      if (this.numbers.has(c)) this.cut(this.toT, c, `connection went on past the window (--to ${this.words.to}): what followed is not in this transcript`);
    }
  }

  private cut(t: number, c: number, what: string): void {
    this.cuts++;
    this.emit(t, this.numberOf(c), 'cut', { what });
  }

  private follow(c: number, k: string, fields: Record<string, unknown>): void {
    if (k === 'open') this.live.set(c, fields);
    else if (k === 'close' || k === 'reset') this.live.delete(c);
  }

  private numberOf(c: number): number {
    let n = this.numbers.get(c);
    if (n === undefined) this.numbers.set(c, (n = this.numbers.size + 1));
    return n;
  }
}
