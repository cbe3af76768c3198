// Splits a byte stream into numbered lines without holding more than one line (plus one read chunk) in memory.
// A line longer than maxLineBytes is an error, so that a 2 GB file without a newline cannot exhaust memory.
import { createReadStream } from 'node:fs';

export interface Line {
  /** 1-based line number */
  no: number;
  text: string;
  /** false for a last line that had no terminating newline */
  terminated: boolean;
  /** the line was longer than the limit and was skipped (its text is empty): only when asked to skip such lines */
  tooLong?: boolean;
}

export class LineTooLongError extends Error {
  constructor(readonly lineNo: number, readonly maxLineBytes: number) {
    super(`line ${lineNo} is longer than ${Math.round(maxLineBytes / 1048576)} MiB`);
  }
}

/**
 * Yields the lines of each read chunk together: one await per chunk, not per line. A line past maxLineBytes is an
 * error, or with `skipLong` a line yielded empty with `tooLong` set, its bytes never held.
 */
export async function* readLines(path: string, maxLineBytes: number, skipLong = false): AsyncGenerator<Line[]> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
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
      let text: string;
      if (skipping) {
        skipping = false;
        batch.push({ no, text: '', terminated: true, tooLong: true });
        start = nl + 1;
        continue;
      }
      if (parts.length === 0) {
        text = chunk.toString('utf8', start, stripCr(chunk, start, nl));
      } else {
        parts.push(chunk.subarray(start, nl));
        const whole = Buffer.concat(parts);
        text = whole.toString('utf8', 0, stripCr(whole, 0, whole.length));
        parts = [];
        partBytes = 0;
      }
      batch.push({ no, text, terminated: true });
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
  if (skipping) yield [{ no: no + 1, text: '', terminated: false, tooLong: true }];
  else if (partBytes > 0) yield [{ no: no + 1, text: Buffer.concat(parts).toString('utf8'), terminated: false }];
}

function stripCr(buf: Buffer, start: number, end: number): number {
  return end > start && buf[end - 1] === 13 ? end - 1 : end;
}
