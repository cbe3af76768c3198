// MongoDB message framing: every message starts with a 16-byte header whose first field is the whole message's
// length (little-endian int32, header included), as the driver's SizedMessageTransform reads it.
import { ByteQueue, MAX_MESSAGE_BYTES, type Frame } from '../bytequeue';

export const HEADER_BYTES = 16;

export class MessageFramer {
  private readonly queue = new ByteQueue();
  broken: string | null = null;

  push(chunk: Buffer, tUs: number): Frame[] {
    if (this.broken) return [];
    this.queue.push(chunk, tUs);
    const out: Frame[] = [];
    while (this.queue.length >= 4) {
      const len = this.queue.peek(4).readInt32LE(0);
      if (len < HEADER_BYTES || len > MAX_MESSAGE_BYTES) {
        this.broken = `a message declares length ${len}, not ${HEADER_BYTES}..${MAX_MESSAGE_BYTES}`;
        break;
      }
      if (this.queue.length < len) break;
      out.push(this.queue.take(len));
    }
    return out;
  }

  drain(): Frame | null {
    return this.queue.length ? this.queue.take(this.queue.length) : null;
  }

  get pending(): number {
    return this.queue.length;
  }
}
