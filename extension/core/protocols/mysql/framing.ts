// MySQL packet framing: each packet is a 3-byte little-endian payload length, a 1-byte sequence id, then the payload.
// A payload of exactly 0xffffff bytes continues in the next packet; the logical packet is their payloads joined.
// Framing knows nothing of what the packets mean: the session groups them into requests and responses.
import { ByteQueue, HEAD_BYTES, MAX_MESSAGE_BYTES, type Frame } from '../bytequeue';

export interface Packet extends Frame {
  /** sequence id of the first physical packet */
  seq: number;
  /** the logical payload, continuations joined */
  payload: Buffer;
}

const MAX_PAYLOAD = 0xffffff;

export class PacketFramer {
  private readonly queue = new ByteQueue();
  /** set once the boundaries are lost (never, since an oversized packet is skipped by its lengths) */
  broken: string | null = null;
  /** skipping a logical packet past the cap: payload bytes left in the current physical packet, and whether more follow */
  private skipLeft = 0;
  private skipMore = false;
  /** the head of a logical packet past the cap, until its last physical packet has been skipped */
  private big: Packet | null = null;

  push(chunk: Buffer, tUs: number, tEndUs = tUs): Packet[] {
    if (this.broken) return [];
    this.queue.push(chunk, tUs, tEndUs);
    const out: Packet[] = [];
    for (;;) {
      if (!this.skipOn()) break;
      if (this.big) {
        out.push(this.big);
        this.big = null;
      }
      const size = this.logicalSize();
      if (size === null) break;
      if (size < 0) {
        // a logical packet past the cap (an 80 MB query is legal): its head is shown, the rest skipped physical packet
        // by physical packet, by their own lengths, and framing goes on after it
        const head = this.queue.take(Math.min(this.queue.length, 4 + HEAD_BYTES));
        this.skipLeft = 4 + MAX_PAYLOAD - head.bytes.length;
        this.skipMore = true;
        // given out once its last physical packet is in, so it is timed when it was whole
        this.big = {
          bytes: head.bytes,
          tUs: head.tUs,
          tEndUs: head.tEndUs,
          seq: head.bytes[3],
          payload: head.bytes.subarray(4),
          declared: MAX_MESSAGE_BYTES + 1,
        };
        continue;
      }
      const f = this.queue.take(size);
      // one physical packet (the common case) needs no joining: its payload is the rest of its bytes
      const payload = size < MAX_PAYLOAD + 4 ? f.bytes.subarray(4) : joinPayloads(f.bytes);
      out.push({ bytes: f.bytes, tUs: f.tUs, tEndUs: f.tEndUs, seq: f.bytes[3], payload });
    }
    return out;
  }

  /** Drops what is left of a skipped logical packet; false while more of it is still to come. */
  private skipOn(): boolean {
    while (this.skipLeft > 0 || this.skipMore) {
      if (this.skipLeft > 0) {
        const n = Math.min(this.skipLeft, this.queue.length);
        if (n > 0) {
          const skipped = this.queue.take(n);
          if (this.big) this.big.tEndUs = Math.max(this.big.tEndUs, skipped.tEndUs);
        }
        this.skipLeft -= n;
        if (this.skipLeft > 0) return false;
      }
      if (!this.skipMore) break;
      if (this.queue.length < 4) return false;
      const len = this.queue.byteAt(0) | (this.queue.byteAt(1) << 8) | (this.queue.byteAt(2) << 16);
      this.queue.take(4);
      this.skipLeft = len;
      this.skipMore = len === MAX_PAYLOAD;
    }
    return true;
  }

  /** Bytes of the next whole logical packet with headers; null when not all here; -1 past the cap. */
  private logicalSize(): number | null {
    let at = 0;
    for (;;) {
      if (this.queue.length < at + 4) return null;
      const len = this.queue.byteAt(at) | (this.queue.byteAt(at + 1) << 8) | (this.queue.byteAt(at + 2) << 16);
      at += 4 + len;
      if (at > MAX_MESSAGE_BYTES) return -1;
      if (len < MAX_PAYLOAD) return this.queue.length >= at ? at : null;
    }
  }

  /** Takes whatever is held (after `broken` is set), to show it. */
  drain(): Frame | null {
    return this.queue.length ? this.queue.take(this.queue.length) : null;
  }

  /** in the middle of skipping a logical packet past the cap: what is held is not a packet's start */
  get skipping(): boolean {
    return this.skipLeft > 0 || this.skipMore || this.big !== null;
  }

  /** The first n held bytes (n ≤ pending), left in place. */
  head(n: number): Buffer {
    return this.queue.peek(n);
  }

  get pending(): number {
    return this.queue.length;
  }
}

/** The payload of a logical packet: the physical packets' payloads without their headers. */
export function joinPayloads(bytes: Buffer): Buffer {
  const first = bytes.readUIntLE(0, 3);
  if (first < MAX_PAYLOAD) return bytes.subarray(4, 4 + first);
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const len = bytes.readUIntLE(at, 3);
    parts.push(bytes.subarray(at + 4, at + 4 + len));
    at += 4 + len;
    if (len < MAX_PAYLOAD) break;
  }
  return Buffer.concat(parts);
}
