// The bytes of one direction that do not yet make a whole message, kept as the chunks they arrived in so that a big
// message split into many chunks is copied once (when it is whole), not once per chunk. Each chunk keeps its time,
// so a framed message knows when its first and its last byte arrived.
import type { Direction } from '../transcript/format';
import type { WireMessage } from './types';

/**
 * No database message is decoded past this size; a larger declared length is skipped by that length where the
 * protocol allows messages that big (a 70 MB query), else it is garbage or a lost frame boundary.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** what is kept of a message too big to decode, to show */
export const HEAD_BYTES = 4096;

export interface Frame {
  bytes: Buffer;
  /** µs of the chunk holding the first byte */
  tUs: number;
  /** µs of the chunk holding the last byte */
  tEndUs: number;
  /** a message past MAX_MESSAGE_BYTES: `bytes` is only its head, the rest is skipped; its whole declared length */
  declared?: number;
}

interface Piece {
  buf: Buffer;
  tUs: number;
  tEndUs: number;
}

export class ByteQueue {
  private pieces: Piece[] = [];
  private first = 0;
  /** bytes of the first piece already taken: moving an offset, not re-slicing, keeps many small takes cheap */
  private offset = 0;
  private total = 0;

  /** bytes still to drop as they arrive: the rest of a message too big to hold (see `skip`) */
  private skipping = 0;

  /** `tEndUs` later than `tUs` for bytes that became readable only later (inflated from a packet that spanned chunks) */
  push(buf: Buffer, tUs: number, tEndUs = tUs): void {
    if (this.skipping > 0) {
      const drop = Math.min(this.skipping, buf.length);
      this.skipping -= drop;
      this.skippedUntilUs = tEndUs;
      buf = buf.subarray(drop);
    }
    if (buf.length === 0) return;
    this.pieces.push({ buf, tUs, tEndUs });
    this.total += buf.length;
  }

  /** Drops the next n bytes, those held now and those yet to come, without ever holding them. */
  skip(n: number): void {
    const now = Math.min(n, this.total);
    if (now > 0) this.take(now);
    this.skipping += n - now;
  }

  /** bytes of a skipped message still to come */
  get skipRemaining(): number {
    return this.skipping;
  }

  /** µs of the chunk that held the last byte skipped so far */
  skippedUntilUs = 0;

  /**
   * A message of `declared` bytes past the cap: its head (what is here, at most HEAD_BYTES) is taken to be shown, the
   * rest skipped as it comes, and framing goes on after it.
   */
  takeHead(declared: number): Frame {
    const head = this.take(Math.min(this.total, HEAD_BYTES, declared));
    this.skip(declared - head.bytes.length);
    return { ...head, declared };
  }

  get length(): number {
    return this.total;
  }

  /** The first n bytes (n ≤ length) as one buffer; merges chunks only as far as needed. */
  peek(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const head = this.pieces[this.first];
    if (head.buf.length - this.offset >= n) return head.buf.subarray(this.offset, this.offset + n);
    const parts: Buffer[] = [head.buf.subarray(this.offset)];
    let got = parts[0].length;
    let k = this.first + 1;
    while (got < n) {
      parts.push(this.pieces[k].buf);
      got += this.pieces[k].buf.length;
      k++;
    }
    // the n-th byte lies in the last merged chunk, so the merged piece's end time is exact for it
    const merged: Piece = { buf: Buffer.concat(parts, got), tUs: head.tUs, tEndUs: this.pieces[k - 1].tEndUs };
    this.pieces.splice(this.first, k - this.first, merged);
    this.offset = 0;
    return merged.buf.subarray(0, n);
  }

  /** One byte at position i (< length), without merging. */
  byteAt(i: number): number {
    const head = this.pieces[this.first];
    if (head && i + this.offset < head.buf.length) return head.buf[i + this.offset];
    i += this.offset;
    for (let k = this.first; k < this.pieces.length; k++) {
      const b = this.pieces[k].buf;
      if (i < b.length) return b[i];
      i -= b.length;
    }
    return -1;
  }

  /** Position of the first `byte` at or after `from`, or -1. */
  indexOf(byte: number, from = 0): number {
    let base = -this.offset;
    for (let k = this.first; k < this.pieces.length; k++) {
      const b = this.pieces[k].buf;
      const lo = Math.max(k === this.first ? this.offset : 0, from - base);
      if (lo < b.length) {
        const at = b.indexOf(byte, lo);
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
    // a message that starts mid-chunk starts when that chunk arrived
    const frame: Frame = { bytes, tUs: this.offset === 0 ? head.tUs : head.tEndUs, tEndUs: head.tEndUs };
    this.offset += n;
    this.total -= n;
    if (this.offset === head.buf.length) {
      this.first++;
      this.offset = 0;
    }
    if (this.total === 0) {
      this.pieces = [];
      this.first = 0;
      this.offset = 0;
    } else if (this.first > 64 && this.first * 2 > this.pieces.length) {
      this.pieces = this.pieces.slice(this.first);
      this.first = 0;
    }
    return frame;
  }
}

/** Joins the frames of one message; frames that lie side by side in one chunk are joined without a copy. */
export function joinFrames(frames: Buffer[]): Buffer {
  if (frames.length === 1) return frames[0];
  const first = frames[0];
  let end = first.byteOffset + first.length;
  for (let i = 1; i < frames.length; i++) {
    const f = frames[i];
    if (f.buffer !== first.buffer || f.byteOffset !== end) return Buffer.concat(frames);
    end += f.length;
  }
  return Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset);
}

/**
 * The message a session yields for bytes it cannot frame (a length past the cap, a wrong header): shown and counted
 * as undecoded but never paired, since it is no request or response. After it the direction's boundaries are lost,
 * so the session drops what follows in that direction rather than decode garbage.
 */
export function unframable(dir: Direction, frame: Frame, why: string): WireMessage {
  const shown = frame.bytes.length > 4096 ? frame.bytes.subarray(0, 4096) : frame.bytes;
  const decoded = { summary: `unframable bytes (${frame.bytes.length})`, error: `${why}; the rest of this direction is not decoded` };
  return {
    dir,
    tUs: frame.tUs,
    tEndUs: frame.tEndUs,
    bytes: shown,
    decoded,
    lostFraming: true,
    ...(dir === 'c2s' ? { expectsResponse: false } : { unsolicited: true }),
  };
}
