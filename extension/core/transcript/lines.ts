// Splits a byte stream into numbered lines without holding more than one line (plus one read chunk) in memory.
// A line longer than maxLineBytes is an error, so that a 2 GB file without a newline cannot exhaust memory.
import { createReadStream } from 'node:fs';

export interface Line {
  /** 1-based line number */
  no: number;
  text: string;
  /** false for a last line that had no terminating newline */
  terminated: boolean;
}

export class LineTooLongError extends Error {
  constructor(readonly lineNo: number, readonly maxLineBytes: number) {
    super(`line ${lineNo} is longer than ${Math.round(maxLineBytes / 1048576)} MiB`);
  }
}

/** Yields the lines of each read chunk together: one await per chunk, not per line. */
export async function* readLines(path: string, maxLineBytes: number): AsyncGenerator<Line[]> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let parts: Buffer[] = [];
  let partBytes = 0;
  let no = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const batch: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      no++;
      let text: string;
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
    if (start < chunk.length) {
      parts.push(chunk.subarray(start));
      partBytes += chunk.length - start;
      if (partBytes > maxLineBytes) {
        stream.destroy();
        throw new LineTooLongError(no + 1, maxLineBytes);
      }
    }
  }
  if (partBytes > 0) yield [{ no: no + 1, text: Buffer.concat(parts).toString('utf8'), terminated: false }];
}

function stripCr(buf: Buffer, start: number, end: number): number {
  return end > start && buf[end - 1] === 13 ? end - 1 : end;
}
