// Where each record of an append-only spill file starts (or ends), 4 bytes an entry rather than 8: a Float64 base per
// block of 1024 entries and a Uint32 distance from it. At 10M events the details and texts indexes were 160 MB of the
// extension host's memory as Float64Arrays; this halves them. A block's records span far less than 4 GiB (a record is
// at most a few hundred KiB), which push() checks.

const BLOCK = 1024;

export interface SavedOffsets {
  bases: Float64Array<ArrayBuffer>;
  deltas: Uint32Array<ArrayBuffer>;
}

export class Offsets {
  private bases = new Float64Array(64);
  private deltas = new Uint32Array(BLOCK * 64);
  length = 0;

  push(at: number): void {
    const i = this.length;
    const b = Math.floor(i / BLOCK);
    if (i % BLOCK === 0) {
      this.bases = withRoom(this.bases, b, (n) => new Float64Array(n));
      this.bases[b] = at;
    }
    this.deltas = withRoom(this.deltas, i, (n) => new Uint32Array(n));
    const d = at - this.bases[b];
    if (d < 0 || d > 0xffffffff) throw new Error(`offset ${at} is ${d} bytes from its block's start: past what an entry holds`);
    this.deltas[i] = d;
    this.length++;
  }

  get(i: number): number {
    return this.bases[Math.floor(i / BLOCK)] + this.deltas[i];
  }

  save(): SavedOffsets {
    return { bases: this.bases.slice(0, Math.ceil(this.length / BLOCK)), deltas: this.deltas.slice(0, this.length) };
  }

  static restore(s: SavedOffsets): Offsets {
    const o = new Offsets();
    o.bases = s.bases;
    o.deltas = s.deltas;
    o.length = s.deltas.length;
    return o;
  }
}

/** `a`, or a copy twice its length when index i is past its end: the spills' growing arrays. */
export function withRoom<T extends Float64Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(a: T, i: number, make: (n: number) => T): T {
  if (i < a.length) return a;
  const b = make(a.length * 2);
  b.set(a);
  return b;
}
