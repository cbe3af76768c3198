// Splits a file into numbered lines, handed on a read chunk (1 MiB) at a time rather than one by one: an await
// per line costs more than parsing a metrics row. A line is its place in the chunk, not a string: a plain CSV row
// is read straight from its bytes (plain-row.ts). Holds at most one chunk plus one partial line.
import { createReadStream } from 'node:fs';

export interface LineBatch {
  /** the number of the first line (1-based) */
  firstNo: number;
  /** the read chunk (joined with the partial line carried from the one before) holding the lines */
  buf: Buffer;
  /** line k is buf[starts[k] .. ends[k]), without its newline or CR LF */
  starts: number[];
  ends: number[];
}

export class LineTooLong extends Error {
  constructor(readonly lineNo: number) {
    super(`line ${lineNo} is too long`);
  }
}

export async function* readLineBatches(path: string, maxLineBytes: number): AsyncGenerator<LineBatch> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let carry: Buffer | null = null;
  let no = 0;
  for await (const raw of stream as AsyncIterable<Buffer>) {
    const chunk: Buffer = carry ? Buffer.concat([carry, raw]) : raw;
    carry = null;
    const starts: number[] = [];
    const ends: number[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      starts.push(start);
      ends.push(nl > start && chunk[nl - 1] === 13 ? nl - 1 : nl);
      start = nl + 1;
    }
    if (start < chunk.length) {
      carry = chunk.subarray(start);
      if (carry.length > maxLineBytes) {
        stream.destroy();
        throw new LineTooLong(no + starts.length + 1);
      }
    }
    if (starts.length > 0) yield { firstNo: no + 1, buf: chunk, starts, ends };
    no += starts.length;
  }
  if (carry && carry.length > 0) {
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    yield { firstNo: no + 1, buf: carry, starts: [0], ends: [end] };
  }
}
