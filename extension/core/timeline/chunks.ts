// Fills one chunk of the timeline model at a time and hands it to a sink when full. Numbers only: each event's text
// (its summary) goes to the details spill, and the webview asks for the texts of the events it labels.
import type { TimelineChunk, TimelineFinding } from './model';

export type ChunkSink = (chunk: TimelineChunk) => void | Promise<void>;

export class ChunkWriter {
  private start = 0;
  private n = 0;
  private tUs: Float64Array;
  private lane: Uint32Array;
  private kind: Uint8Array;
  private paired: Int32Array;
  private seq: Uint32Array;
  private flags: Uint8Array;
  private newLanes: number[] = [];
  private findings: TimelineFinding[] = [];

  constructor(
    private readonly size: number,
    private readonly sink: ChunkSink,
  ) {
    this.tUs = new Float64Array(size);
    this.lane = new Uint32Array(size);
    this.kind = new Uint8Array(size);
    this.paired = new Int32Array(size);
    this.seq = new Uint32Array(size);
    this.flags = new Uint8Array(size);
  }

  /** Events added so far, over all chunks. */
  get events(): number {
    return this.start + this.n;
  }

  get full(): boolean {
    return this.n >= this.size;
  }

  newLane(conn: number): void {
    this.newLanes.push(conn);
  }

  /** Adds an event and returns its index in the whole model. `seq`: a message's number on its connection, else 0. */
  add(tUs: number, lane: number, kind: number, paired: number, flags: number, seq = 0): number {
    // one transcript line can yield several events (a mark and the messages it completes): grow past the size
    if (this.n === this.tUs.length) this.grow();
    const i = this.n++;
    this.tUs[i] = tUs;
    this.lane[i] = lane;
    this.kind[i] = kind;
    this.paired[i] = paired;
    this.seq[i] = seq;
    this.flags[i] = flags;
    return this.start + i;
  }

  private grow(): void {
    const n = this.tUs.length * 2;
    const more = <T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(a: T, b: T): T => (b.set(a), b);
    this.tUs = more(this.tUs, new Float64Array(n));
    this.lane = more(this.lane, new Uint32Array(n));
    this.kind = more(this.kind, new Uint8Array(n));
    this.paired = more(this.paired, new Int32Array(n));
    this.seq = more(this.seq, new Uint32Array(n));
    this.flags = more(this.flags, new Uint8Array(n));
  }

  finding(f: TimelineFinding): void {
    this.findings.push(f);
  }

  /** Sends what has gathered (an empty chunk only when it carries lanes or findings). */
  async flush(): Promise<void> {
    if (this.n === 0 && this.findings.length === 0 && this.newLanes.length === 0) return;
    const n = this.n;
    const chunk: TimelineChunk = {
      start: this.start,
      count: n,
      tUs: this.tUs.slice(0, n),
      lane: this.lane.slice(0, n),
      kind: this.kind.slice(0, n),
      paired: this.paired.slice(0, n),
      seq: this.seq.slice(0, n),
      flags: this.flags.slice(0, n),
      newLanes: this.newLanes,
      findings: this.findings,
    };
    this.start += n;
    this.n = 0;
    this.newLanes = [];
    this.findings = [];
    await this.sink(chunk);
  }
}
