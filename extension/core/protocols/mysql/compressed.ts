// The compressed protocol (CLIENT_COMPRESS on both sides): after the login's OK every byte in both directions travels
// in compressed packets — a 7-byte header (3-byte LE payload length, a sequence id, 3-byte LE length before
// compression, 0 when the payload is stored as it is), then the payload, zlib-deflated unless stored. The inflated
// bytes are an ordinary packet stream that ignores those boundaries: one compressed packet may hold several packets,
// and one packet may span several compressed packets. So this framer inflates, then frames the result as usual.
import { constants, inflateSync } from 'node:zlib';
import { ByteQueue, MAX_MESSAGE_BYTES, type Frame } from '../bytequeue';
import { decodeProblem } from '../cursor';
import { PacketFramer, type Packet } from './framing';

export const COMPRESSED_HEADER_BYTES = 7;
/** deflated bytes enough to show the first inner packet's header and command byte */
const PREFIX_BYTES = 64;

export interface CompressedHeader {
  /** bytes of payload after the header, as sent */
  length: number;
  seq: number;
  /** bytes of payload once inflated; 0 when it was sent stored (not deflated) */
  inflatedLength: number;
}

export function readCompressedHeader(b: Buffer): CompressedHeader {
  return { length: b.readUIntLE(0, 3), seq: b[3], inflatedLength: b.readUIntLE(4, 3) };
}

/** Compressed packets in, the inner packets out; same contract as `PacketFramer`, which it feeds. */
export class CompressedFramer {
  private readonly queue = new ByteQueue();
  private readonly inner = new PacketFramer();
  /** the compressed packet that would not inflate, kept to be shown by `drain` */
  private corrupt: Frame | null = null;
  /** bytes as sent of the compressed packets whose inflated bytes the inner framer still holds part of */
  private innerWire = 0;
  /** set once the inner stream lost bytes (a payload that would not inflate) or a length was past the cap */
  broken: string | null = null;

  push(chunk: Buffer, tUs: number): Packet[] {
    if (this.broken) return [];
    this.queue.push(chunk, tUs);
    const out: Packet[] = [];
    while (!this.broken && this.queue.length >= COMPRESSED_HEADER_BYTES) {
      const h = readCompressedHeader(this.queue.peek(COMPRESSED_HEADER_BYTES));
      if (h.inflatedLength > MAX_MESSAGE_BYTES) {
        this.broken = `a MySQL compressed packet that inflates to ${h.inflatedLength} bytes, more than ${MAX_MESSAGE_BYTES}`;
        break;
      }
      if (this.queue.length < COMPRESSED_HEADER_BYTES + h.length) break;
      const f = this.queue.take(COMPRESSED_HEADER_BYTES + h.length);
      const inflated = inflatePayload(f.bytes.subarray(COMPRESSED_HEADER_BYTES), h.inflatedLength);
      if (typeof inflated === 'string') {
        // the bytes it held are lost, and with them where the next inner packet begins
        this.broken = inflated;
        this.corrupt = f;
        break;
      }
      // inner bytes become readable when their compressed packet is whole: they carry its times
      out.push(...this.inner.push(inflated, f.tUs, f.tEndUs));
      // compressed packets whose inner bytes are not all framed yet count as held, whole, in bytes as sent
      this.innerWire = this.inner.pending > 0 ? this.innerWire + f.bytes.length : 0;
      if (this.inner.broken) this.broken = this.inner.broken;
    }
    return out;
  }

  /** Takes whatever is held (after `broken` is set), to show it: the packet that would not inflate, then the rest as sent. */
  drain(): Frame | null {
    const parts = [this.corrupt, this.inner.drain(), this.queue.length ? this.queue.take(this.queue.length) : null].filter((f): f is Frame => f !== null);
    this.corrupt = null;
    if (parts.length === 0) return null;
    return { bytes: Buffer.concat(parts.map((p) => p.bytes)), tUs: parts[0].tUs, tEndUs: parts[parts.length - 1].tEndUs };
  }

  /** bytes as sent still held: the compressed packet arriving, and those whose inner packets are not whole yet */
  get pending(): number {
    return this.queue.length + this.innerWire;
  }
}

/** The payload as the inner stream sees it, or why it cannot be had. */
function inflatePayload(payload: Buffer, inflatedLength: number): Buffer | string {
  if (inflatedLength === 0) return payload;
  let out: Buffer;
  try {
    out = inflateSync(payload, { maxOutputLength: inflatedLength + 1 });
  } catch (err) {
    return `a MySQL compressed packet whose payload does not inflate (${decodeProblem(err)})`;
  }
  if (out.length !== inflatedLength) return `a MySQL compressed packet that inflates to ${out.length} bytes, not the ${inflatedLength} its header declares`;
  return out;
}

/**
 * The first bytes of a payload as far as its first bytes inflate: a look at what a compressed packet begins with when
 * only part of it may be at hand (after a capture's gap); empty when they do not inflate.
 */
export function inflatePrefix(payload: Buffer, inflatedLength: number): Buffer {
  if (inflatedLength === 0) return payload;
  try {
    return inflateSync(payload.subarray(0, PREFIX_BYTES), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}
