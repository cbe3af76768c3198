// One MongoDB connection: whole messages in both directions, each paired by id. A request's id is its requestID; a
// reply's id is its responseTo, so replies may come in any order. An OP_MSG with moreToCome from the client gets no
// reply; from the server it announces another reply to the same request (exhaust cursors, streaming hello), and those
// further replies name the previous reply, not the request: they are shown as continuations, never paired.
import type { Direction } from '../../transcript/format';
import { unframable } from '../bytequeue';
import type { WireMessage, WireSession } from '../types';
import { describe, FLAG, OP, parseMessage } from './decode';
import { beginsRequest, MessageFramer } from './framing';

/** ids of server replies that announced more to come, kept only while their follow-up is awaited */
const MAX_STREAMS = 10000;
const NO_REPLY = new Set<number>([OP.INSERT, OP.UPDATE, OP.DELETE, OP.KILL_CURSORS]);

export class MongoSession implements WireSession {
  private readonly framers = { c2s: new MessageFramer(), s2c: new MessageFramer() };
  private readonly streaming = new Set<number>();

  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[] {
    const framer = this.framers[dir];
    const out: WireMessage[] = framer.push(bytes, tUs).map((f) => this.message(dir, f.bytes, f.tUs, f.tEndUs));
    if (framer.broken) {
      const rest = framer.drain();
      if (rest) out.push(unframable(dir, rest, framer.broken));
    }
    return out;
  }

  pendingBytes(dir: Direction): number {
    return this.framers[dir].pending;
  }

  /** Every message carries its own ids, so a fresh session picks the connection up at any request header. */
  resume(dir: Direction, chunk: Buffer): WireSession | null {
    return dir === 'c2s' && beginsRequest(chunk) ? new MongoSession() : null;
  }

  private message(dir: Direction, bytes: Buffer, tUs: number, tEndUs: number): WireMessage {
    const m = parseMessage(bytes);
    const decoded = describe(m, dir);
    const moreToCome = m.header.opCode === OP.MSG && (m.flags & FLAG.MORE_TO_COME) !== 0;
    if (dir === 'c2s') {
      const quiet = moreToCome || NO_REPLY.has(m.header.opCode);
      return { dir, tUs, tEndUs, bytes, decoded, id: m.header.requestID, ...(quiet ? { expectsResponse: false } : {}) };
    }
    const continuation = this.streaming.delete(m.header.responseTo);
    if (moreToCome && this.streaming.size < MAX_STREAMS) this.streaming.add(m.header.requestID);
    if (continuation) decoded.summary = `(more) ${decoded.summary}`;
    return { dir, tUs, tEndUs, bytes, decoded, id: m.header.responseTo, ...(continuation ? { unsolicited: true } : {}) };
  }
}
