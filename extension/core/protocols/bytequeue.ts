// The bytes of one direction that do not yet make a whole message, kept as the chunks they arrived in so that a big
// message split into many chunks is copied once (when it is whole), not once per chunk. Each chunk keeps its time,
// so a framed message knows when its first and its last byte arrived.
import type { Direction } from '../transcript/format';
import type { WireMessage } from './types';

/** No database message we decode is this big; a larger declared length is garbage or a lost frame boundary. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface Frame {
  bytes: Buffer;
  /** µs of the chunk holding the first byte */
  tUs: number;
  /** µs of the chunk holding the last byte */
  tEndUs: number;
}

interface Piece {
  buf: Buffer;
  tUs: number;
  tEndUs: number;
}

export class ByteQueue {
  private pieces: Piece[] = [];
  private first = 0;
  private total = 0;

  push(buf: Buffer, tUs: number): void {
    if (buf.length === 0) return;
    this.pieces.push({ buf, tUs, tEndUs: tUs });
    this.total += buf.length;
  }

  get length(): number {
    return this.total;
  }

  /** The first n bytes (n ≤ length) as one buffer; merges chunks only as far as needed. */
  peek(n: number): Buffer {
    const head = this.pieces[this.first];
    if (n === 0) return Buffer.alloc(0);
    if (head.buf.length >= n) return head.buf.subarray(0, n);
    const parts: Buffer[] = [];
    let got = 0;
    let k = this.first;
    while (got < n) {
      parts.push(this.pieces[k].buf);
      got += this.pieces[k].buf.length;
      k++;
    }
    // the n-th byte lies in the last merged chunk, so the merged piece's end time is exact for it
    const merged: Piece = { buf: Buffer.concat(parts, got), tUs: head.tUs, tEndUs: this.pieces[k - 1].tEndUs };
    this.pieces.splice(this.first, k - this.first, merged);
    return merged.buf.subarray(0, n);
  }

  /** One byte at position i (< length), without merging. */
  byteAt(i: number): number {
    for (let k = this.first; k < this.pieces.length; k++) {
      const b = this.pieces[k].buf;
      if (i < b.length) return b[i];
      i -= b.length;
    }
    return -1;
  }

  /** Position of the first `byte` at or after `from`, or -1. */
  indexOf(byte: number, from = 0): number {
    let base = 0;
    for (let k = this.first; k < this.pieces.length; k++) {
      const b = this.pieces[k].buf;
      if (from < base + b.length) {
        const at = b.indexOf(byte, Math.max(0, from - base));
        if (at >= 0) return base + at;
      }
      base += b.length;
    }
    return -1;
  }

  /** Removes the first n bytes (n ≤ length) and returns them with their times. */
  take(n: number): Frame {
    const bytes = this.peek(n);
    const head = this.pieces[this.first];
    const frame: Frame = { bytes, tUs: head.tUs, tEndUs: head.tEndUs };
    if (n === head.buf.length) {
      this.first++;
    } else {
      // the rest of this chunk starts at the same chunk's arrival: its first byte came with it
      this.pieces[this.first] = { buf: head.buf.subarray(n), tUs: head.tEndUs, tEndUs: head.tEndUs };
    }
    this.total -= n;
    if (this.first > 64 && this.first * 2 > this.pieces.length) {
      this.pieces = this.pieces.slice(this.first);
      this.first = 0;
    }
    if (this.total === 0) {
      this.pieces = [];
      this.first = 0;
    }
    return frame;
  }

  /** Drops everything held (after a framing error: the boundaries are lost). */
  clear(): number {
    const n = this.total;
    this.pieces = [];
    this.first = 0;
    this.total = 0;
    return n;
  }
}

/**
 * The message a session yields for bytes it cannot frame (a length past the cap, a wrong header): shown and counted
 * as undecoded but never paired, since it is no request or response. After it the direction's boundaries are lost,
 * so the session drops what follows in that direction rather than decode garbage.
 */
export function unframable(dir: Direction, frame: Frame, why: string): WireMessage {
  const shown = frame.bytes.length > 4096 ? frame.bytes.subarray(0, 4096) : frame.bytes;
  const decoded = { summary: `unframable bytes (${frame.bytes.length})`, error: `${why}; the rest of this direction is not decoded` };
  return { dir, tUs: frame.tUs, tEndUs: frame.tEndUs, bytes: shown, decoded, ...(dir === 'c2s' ? { expectsResponse: false } : { unsolicited: true }) };
}
