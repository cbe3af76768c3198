// MongoDB message framing: every message starts with a 16-byte header whose first field is the whole message's
// length (little-endian int32, header included), as the driver's SizedMessageTransform reads it.
import { ByteQueue, MAX_MESSAGE_BYTES, type Frame } from '../bytequeue';
import { OP } from './decode';

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

/** opcodes a client sends, with the least length each can have (OP_MSG: header, flag bits, a kind byte, an empty document) */
const REQUEST_MIN_LENGTH: Record<number, number> = {
  [OP.MSG]: HEADER_BYTES + 4 + 1 + 5,
  [OP.QUERY]: HEADER_BYTES + 4 + 1 + 8 + 5,
  [OP.COMPRESSED]: HEADER_BYTES + 9,
  [OP.GET_MORE]: HEADER_BYTES + 4 + 1 + 4 + 8,
  [OP.KILL_CURSORS]: HEADER_BYTES + 8,
  [OP.INSERT]: HEADER_BYTES + 4 + 1 + 5,
  [OP.UPDATE]: HEADER_BYTES + 4 + 1 + 4 + 10,
  [OP.DELETE]: HEADER_BYTES + 4 + 1 + 4 + 5,
};

/**
 * Whether a client chunk begins a request: after a capture's gap, where decoding can start again. A request answers
 * nothing, so its responseTo is 0.
 */
export function beginsRequest(chunk: Buffer): boolean {
  if (chunk.length < HEADER_BYTES) return false;
  const least = REQUEST_MIN_LENGTH[chunk.readInt32LE(12)];
  const len = chunk.readInt32LE(0);
  return least !== undefined && len >= least && len <= MAX_MESSAGE_BYTES && chunk.readInt32LE(8) === 0;
}
