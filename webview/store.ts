// The webview's copy of the timeline model: chunks appended into growable typed arrays, with the links the host
// cannot send up front filled in as they arrive (a request learns its response when the response comes; findings
// set flags and the "client took" link). Event texts (and keys) are not in the chunks: the ones drawn are asked of
// the host as they are needed and kept in a bounded cache. No DOM here, so it is tested under Node.
import { EventFlag, EventKind, FINDING_KINDS, type TimelineChunk, type TimelineFinding, type TimelineSummary } from '../extension/core/timeline/model';

function grow<T extends Float64Array | Uint32Array | Int32Array | Uint8Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** texts kept in the webview: many screens' worth of labels */
const TEXT_CACHE = 50_000;

export class TimelineStore {
  count = 0;
  tUs = new Float64Array(1024);
  lane = new Uint32Array(1024);
  kind = new Uint8Array(1024);
  /** for a response: the request it answers; for a request: its true response; -1 when none (yet) */
  paired = new Int32Array(1024);
  /** for a request that took another request's answer: the response it took; -1 otherwise */
  taken = new Int32Array(1024);
  /** a request's or response's number on its connection; 0 for marks */
  seq = new Uint32Array(1024);
  flags = new Uint8Array(1024);
  /** for a response a request took that is not its own (a mismatch): that request. Sparse, as mismatches are. */
  takenBy = new Map<number, number>();
  /** for a request the client gave up on: when, µs (the timeout finding's time) */
  gaveUpUs = new Map<number, number>();
  /** texts the host has sent, by event index */
  private texts = new Map<number, string>();
  /** keys the host has sent with the texts (null: the message names none), by event index */
  private keys = new Map<number, string | null>();
  /** events whose text was wanted and is not here yet, in the order wanted */
  private wanted = new Set<number>();
  /** told (once per batch) when texts are wanted that are not here */
  onWant: (() => void) | null = null;
  /** connection number of each lane */
  lanes: number[] = [];
  findings: TimelineFinding[] = [];
  summary: TimelineSummary | null = null;

  reset(): void {
    this.count = 0;
    this.texts = new Map();
    this.keys = new Map();
    this.wanted = new Set();
    this.lanes = [];
    this.findings = [];
    this.summary = null;
    this.takenBy = new Map();
    this.gaveUpUs = new Map();
  }

  append(c: TimelineChunk): void {
    if (c.start !== this.count) throw new Error(`chunk starts at ${c.start}, expected ${this.count}`);
    const need = c.start + c.count;
    this.tUs = grow(this.tUs, need, (n) => new Float64Array(n));
    this.lane = grow(this.lane, need, (n) => new Uint32Array(n));
    this.kind = grow(this.kind, need, (n) => new Uint8Array(n));
    this.paired = grow(this.paired, need, (n) => new Int32Array(n));
    this.taken = grow(this.taken, need, (n) => new Int32Array(n));
    this.seq = grow(this.seq, need, (n) => new Uint32Array(n));
    this.flags = grow(this.flags, need, (n) => new Uint8Array(n));
    this.tUs.set(c.tUs, c.start);
    this.lane.set(c.lane, c.start);
    this.kind.set(c.kind, c.start);
    this.paired.set(c.paired, c.start);
    this.taken.fill(-1, c.start, need);
    this.seq.set(c.seq, c.start);
    this.flags.set(c.flags, c.start);
    for (const conn of c.newLanes) this.lanes.push(conn);
    this.count = need;
    // a response names its request; give the request the link back
    for (let i = c.start; i < need; i++) {
      const p = this.paired[i];
      if (this.kind[i] === EventKind.response && p >= 0) this.paired[p] = i;
    }
    for (const f of c.findings) this.addFinding(f);
  }

  private addFinding(f: TimelineFinding): void {
    this.findings.push(f);
    const set = (i: number, bit: number) => {
      if (i >= 0 && i < this.count) this.flags[i] |= bit;
    };
    switch (f.kind) {
      case 'mismatch':
        set(f.request, EventFlag.mismatch);
        set(f.response, EventFlag.mismatch);
        if (f.request >= 0 && f.response >= 0) {
          this.taken[f.request] = f.response;
          this.takenBy.set(f.response, f.request);
        }
        return;
      case 'timeout':
        set(f.request, EventFlag.givenUp);
        if (f.request >= 0) this.gaveUpUs.set(f.request, f.tUs);
        return;
      case 'late':
        set(f.response, EventFlag.late);
        return;
      case 'unanswered':
        set(f.request, EventFlag.unanswered);
        return;
      case 'orphan':
        set(f.response, EventFlag.orphan);
        return;
    }
  }

  /**
   * Findings in the order the list shows them: the most severe kind first (FINDING_KINDS), each kind in the order
   * of the events it points at (findings are found slightly out of order: a timeout is known only when the next
   * request goes).
   */
  sortFindings(): void {
    const rank = (f: TimelineFinding) => FINDING_KINDS.indexOf(f.kind);
    this.findings.sort((a, b) => rank(a) - rank(b) || a.event - b.event);
  }

  /** Index of the first event at or after tUs (count when none). */
  lowerBound(tUs: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tUs[mid] < tUs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The event's text, or undefined while the host has not sent it (it is then asked for). */
  textOf(i: number): string | undefined {
    const t = this.texts.get(i);
    if (t === undefined && i >= 0 && i < this.count && !this.wanted.has(i)) {
      if (this.wanted.size === 0) queueMicrotask(() => this.wanted.size > 0 && this.onWant?.());
      this.wanted.add(i);
    }
    return t;
  }

  /** The event's key and text, or undefined while the host has not sent them (they are then asked for). */
  briefOf(i: number): { key: string | null; text: string } | undefined {
    const text = this.textOf(i);
    return text === undefined ? undefined : { key: this.keys.get(i) ?? null, text };
  }

  /** The events whose texts to ask for next (at most `max`), taken off the wanted list. */
  takeWanted(max: number): number[] {
    const out: number[] = [];
    for (const i of this.wanted) {
      if (out.length >= max) break;
      out.push(i);
    }
    for (const i of out) this.wanted.delete(i);
    return out;
  }

  get wanting(): boolean {
    return this.wanted.size > 0;
  }

  /**
   * Texts and keys from the host; the cache is emptied when it grows past `TEXT_CACHE` (the view asks again for what
   * it draws).
   */
  setTexts(events: number[], texts: string[], keys: ReadonlyArray<string | null> = []): void {
    if (this.texts.size + events.length > TEXT_CACHE) {
      this.texts = new Map();
      this.keys = new Map();
    }
    for (let k = 0; k < events.length; k++) {
      if (events[k] >= this.count) continue;
      this.texts.set(events[k], texts[k] ?? '');
      this.keys.set(events[k], keys[k] ?? null);
    }
  }

  get firstUs(): number {
    return this.count > 0 ? this.tUs[0] : 0;
  }

  get lastUs(): number {
    return this.count > 0 ? this.tUs[this.count - 1] : 0;
  }
}
