// The webview's copy of the timeline model: chunks appended into growable typed arrays, with the links the host
// cannot send up front filled in as they arrive (a request learns its response when the response comes; findings
// set flags and the "client took" link). No DOM here, so it is tested under Node.
import { EventFlag, EventKind, type TimelineChunk, type TimelineFinding, type TimelineSummary } from '../extension/core/timeline/model';

function grow<T extends Float64Array | Uint32Array | Int32Array | Uint8Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export class TimelineStore {
  count = 0;
  tUs = new Float64Array(1024);
  lane = new Uint32Array(1024);
  kind = new Uint8Array(1024);
  /** for a response: the request it answers; for a request: its true response; -1 when none (yet) */
  paired = new Int32Array(1024);
  /** for a request that took another request's answer: the response it took; -1 otherwise */
  taken = new Int32Array(1024);
  flags = new Uint8Array(1024);
  text = new Uint32Array(1024);
  strings: string[] = [];
  /** connection number of each lane */
  lanes: number[] = [];
  findings: TimelineFinding[] = [];
  summary: TimelineSummary | null = null;

  reset(): void {
    this.count = 0;
    this.strings = [];
    this.lanes = [];
    this.findings = [];
    this.summary = null;
  }

  append(c: TimelineChunk): void {
    if (c.start !== this.count) throw new Error(`chunk starts at ${c.start}, expected ${this.count}`);
    const need = c.start + c.count;
    this.tUs = grow(this.tUs, need, (n) => new Float64Array(n));
    this.lane = grow(this.lane, need, (n) => new Uint32Array(n));
    this.kind = grow(this.kind, need, (n) => new Uint8Array(n));
    this.paired = grow(this.paired, need, (n) => new Int32Array(n));
    this.taken = grow(this.taken, need, (n) => new Int32Array(n));
    this.flags = grow(this.flags, need, (n) => new Uint8Array(n));
    this.text = grow(this.text, need, (n) => new Uint32Array(n));
    this.tUs.set(c.tUs, c.start);
    this.lane.set(c.lane, c.start);
    this.kind.set(c.kind, c.start);
    this.paired.set(c.paired, c.start);
    this.taken.fill(-1, c.start, need);
    this.flags.set(c.flags, c.start);
    this.text.set(c.text, c.start);
    for (let k = 0; k < c.strings.length; k++) this.strings[c.stringBase + k] = c.strings[k];
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
        if (f.request >= 0 && f.response >= 0) this.taken[f.request] = f.response;
        return;
      case 'timeout':
        set(f.request, EventFlag.givenUp);
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
   * Findings in the order of the events they point at (they are found slightly out of order: a timeout is known
   * only when the next request goes), so that Next Finding walks forward through the timeline.
   */
  sortFindings(): void {
    this.findings.sort((a, b) => a.event - b.event);
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

  textOf(i: number): string {
    return this.strings[this.text[i]] ?? '';
  }

  get firstUs(): number {
    return this.count > 0 ? this.tUs[0] : 0;
  }

  get lastUs(): number {
    return this.count > 0 ? this.tUs[this.count - 1] : 0;
  }
}
