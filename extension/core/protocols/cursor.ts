// A reading position in one whole message, for decoders. Reading past the end throws `Truncated`, which each
// decoder catches at its top and turns into `decoded.error`: a hostile length field ends the decoding of that
// message, never the session.

export class Truncated extends Error {
  constructor(what: string) {
    super(`message ends inside ${what}`);
  }
}

export class Cursor {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return Math.max(0, this.end - this.pos);
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) throw new Truncated(what);
  }

  u8(what = 'a byte'): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  u16le(what = 'a 2-byte integer'): number {
    this.need(2, what);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u24le(what = 'a 3-byte integer'): number {
    this.need(3, what);
    const v = this.buf.readUIntLE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  u32le(what = 'a 4-byte integer'): number {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i32le(what = 'a 4-byte integer'): number {
    this.need(4, what);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64le(what = 'an 8-byte integer'): bigint {
    this.need(8, what);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  i16be(what = 'a 2-byte integer'): number {
    this.need(2, what);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  i32be(what = 'a 4-byte integer'): number {
    this.need(4, what);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  u32be(what = 'a 4-byte integer'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number, what = 'a byte string'): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A NUL-terminated string (the NUL is consumed, not returned). */
  cstring(what = 'a NUL-terminated string'): string {
    const nul = this.buf.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) throw new Truncated(what);
    const v = this.buf.toString('utf8', this.pos, nul);
    this.pos = nul + 1;
    return v;
  }

  /** A string up to a NUL or the end of the message, whichever comes first (servers omit the last NUL). */
  cstringOrRest(): string {
    const nul = this.buf.indexOf(0, this.pos);
    const stop = nul < 0 || nul >= this.end ? this.end : nul;
    const v = this.buf.toString('utf8', this.pos, stop);
    this.pos = Math.min(this.end, stop + 1);
    return v;
  }

  /** The rest of the message. */
  rest(): Buffer {
    const v = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return v;
  }
}

/** The error text for a decoder that caught something while decoding hostile bytes. */
export function decodeProblem(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Shortens text for a one-line summary. */
export function clipText(s: string, max = 120): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
