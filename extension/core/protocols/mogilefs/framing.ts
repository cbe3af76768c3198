// Line framing for the MogileFS tracker protocol. Requests are one line each. Responses are one `OK …`/`ERR …`
// line, except the answers to admin commands (`!version`, `!stats`, …), which are lines ended by a lone `.`.
// Bytes may arrive split anywhere, and lines end in `\n` or `\r\n`.

export interface Frame {
  bytes: Buffer;
  tUs: number;
  tEndUs: number;
}

const EMPTY = Buffer.alloc(0);

/** Yields one frame per line. */
export class LineFramer {
  private buf: Buffer = Buffer.alloc(0);
  private firstT = 0;

  push(chunk: Buffer, tUs: number): Frame[] {
    if (this.buf.length === 0) this.firstT = tUs;
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Frame[] = [];
    let start = 0;
    for (;;) {
      const nl = this.buf.indexOf(10, start);
      if (nl < 0) break;
      // a chunk that is one whole line (the usual case) is the line: no view made
      const bytes = start === 0 && nl + 1 === this.buf.length ? this.buf : this.buf.subarray(start, nl + 1);
      out.push({ bytes, tUs: this.firstT, tEndUs: tUs });
      start = nl + 1;
      this.firstT = tUs;
    }
    this.buf = start === 0 ? this.buf : start === this.buf.length ? EMPTY : this.buf.subarray(start);
    return out;
  }

  get pending(): number {
    return this.buf.length;
  }
}

/** The text of a line without its line end. */
export function lineText(bytes: Buffer): string {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 10) end--;
  if (end > 0 && bytes[end - 1] === 13) end--;
  return bytes.toString('utf8', 0, end);
}

const MAX_BLOCK_LINES = 100000;

/**
 * Groups response lines into responses: one line, except for the answer to an admin command, which runs up to and
 * including a lone `.`. Whether the answer awaited is an admin one comes from the requests seen so far.
 */
export class ResponseFramer {
  private readonly lines = new LineFramer();
  private block: Frame[] = [];

  constructor(private readonly nextIsAdmin: () => boolean = () => false) {}

  push(chunk: Buffer, tUs: number): Frame[] {
    const out: Frame[] = [];
    for (const line of this.lines.push(chunk, tUs)) {
      if (this.block.length === 0 && (!this.nextIsAdmin() || /^(OK|ERR)(\s|$)/i.test(lineText(line.bytes)))) {
        out.push(line);
        continue;
      }
      const text = lineText(line.bytes);
      if (this.block.length >= MAX_BLOCK_LINES) {
        // a runaway block cannot hold memory forever: hand it on as it is
        const parts = [...this.block, line];
        out.push({ bytes: Buffer.concat(parts.map((p) => p.bytes)), tUs: parts[0].tUs, tEndUs: line.tEndUs });
        this.block = [];
      } else if (text === '.') {
        const parts = [...this.block, line];
        out.push({ bytes: Buffer.concat(parts.map((p) => p.bytes)), tUs: parts[0].tUs, tEndUs: line.tEndUs });
        this.block = [];
      } else {
        this.block.push(line);
      }
    }
    return out;
  }

  get pending(): number {
    return this.lines.pending + this.block.reduce((n, f) => n + f.bytes.length, 0);
  }
}
