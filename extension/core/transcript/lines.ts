// Splits a byte stream into numbered lines without holding more than one line (plus one read chunk) in memory.
// A line longer than maxLineBytes is an error, so that a 2 GB file without a newline cannot exhaust memory. The bytes
// come from a file, or from a stream already open (standard input).
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export class Line {
  constructor(
    /** 1-based line number */
    readonly no: number,
    /** the read chunk (or joined chunks) holding the line, and where in it the line is, without its newline or CR LF */
    readonly buf: Buffer,
    readonly start: number,
    readonly end: number,
    /** false for a last line that had no terminating newline */
    readonly terminated: boolean,
    /** the line was longer than the limit and was skipped (it is empty): only when asked to skip such lines */
    readonly tooLong = false,
  ) {}

  get bytes(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  get text(): string {
    return this.buf.toString('utf8', this.start, this.end);
  }
}

const NONE = Buffer.alloc(0);

export class LineTooLongError extends Error {
  constructor(
    readonly lineNo: number,
    readonly maxLineBytes: number,
  ) {
    super(`line ${lineNo} is longer than ${Math.round(maxLineBytes / 1048576)} MiB`);
  }
}

/**
 * Yields the lines of each read chunk together: one await per chunk, not per line. A line past maxLineBytes is an
 * error, or with `skipLong` a line yielded empty with `tooLong` set, its bytes never held.
 */
export async function* readLines(source: string | Readable, maxLineBytes: number, skipLong = false): AsyncGenerator<Line[]> {
  const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let no = 0;
  let skipping = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const batch: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      no++;
      if (skipping) {
        skipping = false;
        batch.push(new Line(no, NONE, 0, 0, true, true));
        start = nl + 1;
        continue;
      }
      if (parts.length === 0) {
        batch.push(new Line(no, chunk, start, stripCr(chunk, start, nl), true));
      } else {
        parts.push(chunk.subarray(start, nl));
        const whole = Buffer.concat(parts);
        batch.push(new Line(no, whole, 0, stripCr(whole, 0, whole.length), true));
        parts = [];
        partBytes = 0;
      }
      start = nl + 1;
    }
    if (batch.length > 0) yield batch;
    if (start < chunk.length && !skipping) {
      parts.push(chunk.subarray(start));
      partBytes += chunk.length - start;
      if (partBytes > maxLineBytes) {
        if (!skipLong) {
          stream.destroy();
          throw new LineTooLongError(no + 1, maxLineBytes);
        }
        skipping = true;
        parts = [];
        partBytes = 0;
      }
    }
  }
  if (skipping) yield [new Line(no + 1, NONE, 0, 0, false, true)];
  else if (partBytes > 0) {
    const whole = Buffer.concat(parts);
    yield [new Line(no + 1, whole, 0, whole.length, false)];
  }
}

function stripCr(buf: Buffer, start: number, end: number): number {
  return end > start && buf[end - 1] === 13 ? end - 1 : end;
}
