// Both directions of one HTTP/1.x connection, framed: requests and responses in order, and how each body is
// delimited (RFC 9112 §6.3), which for a response depends on the request it answers: none for HEAD, 1xx, 204 and
// 304; a tunnel after a CONNECT's 2xx; a new protocol after 101 Switching Protocols. Interim (1xx) responses answer
// no request. Shared by the decoding session and the masking session, so both frame alike.
import type { Frame } from '../bytequeue';
import type { Direction } from '../../transcript/format';
import { MessageFramer, type BodyMode } from './framer';
import { contentLength, fieldList, type Head } from './head';

/** what a head is in the exchange */
export interface HeadRole {
  /** a 1xx other than 101: an interim response, before the final one */
  interim: boolean;
  /** a response that comes when no request is waiting */
  unasked: boolean;
}

export interface ConversationSink {
  head(dir: Direction, head: Head, frame: Frame, role: HeadRole): void;
  body(dir: Direction, frame: Frame, payload: number): void;
  end(dir: Direction, tEndUs: number): void;
  lost(dir: Direction, frame: Frame, why: string): void;
}

export class Conversation {
  readonly framers: Record<Direction, MessageFramer>;
  /** the methods of the requests whose head is in and whose final response has not begun, in order */
  private readonly asked: string[] = [];

  constructor(private readonly sink: ConversationSink) {
    this.framers = { c2s: this.framer('c2s'), s2c: this.framer('s2c') };
  }

  push(dir: Direction, bytes: Buffer, tUs: number): void {
    this.framers[dir].push(bytes, tUs);
  }

  end(tEndUs: number): void {
    this.framers.s2c.end(tEndUs);
    this.framers.c2s.end(tEndUs);
  }

  private framer(dir: Direction): MessageFramer {
    return new MessageFramer(dir, {
      head: (head, frame) => {
        const role: HeadRole = { interim: false, unasked: false };
        const mode = dir === 'c2s' ? this.request(head) : this.response(head, role);
        if (typeof mode !== 'string') this.sink.head(dir, head, frame, role);
        return mode;
      },
      body: (frame, payload) => this.sink.body(dir, frame, payload),
      end: (tEndUs) => this.sink.end(dir, tEndUs),
      lost: (frame, why) => this.sink.lost(dir, frame, why),
    });
  }

  private request(head: Head): BodyMode | string {
    if (head.start.kind !== 'request') return 'not a request';
    const te = fieldList(head, 'transfer-encoding');
    const mode: BodyMode | string =
      te.length > 0
        ? te[te.length - 1] === 'chunked'
          ? { t: 'chunked' }
          : `a request body whose Transfer-Encoding (${te.join(', ')}) does not end in chunked has no length`
        : byLength(head, { t: 'none' });
    if (typeof mode !== 'string') this.asked.push(head.start.method.toUpperCase());
    return mode;
  }

  private response(head: Head, role: HeadRole): BodyMode | string {
    if (head.start.kind !== 'response') return 'not a response';
    const status = head.start.status;
    if (status >= 100 && status < 200 && status !== 101) {
      role.interim = true;
      return { t: 'none' };
    }
    role.unasked = this.asked.length === 0;
    const method = this.asked.shift() ?? 'GET';
    if (status === 101) {
      const to = fieldList(head, 'upgrade').join(', ') || 'another protocol';
      this.leave(`after 101 Switching Protocols the connection speaks ${to}, which is not decoded`);
      return { t: 'none' };
    }
    if (method === 'CONNECT' && status >= 200 && status < 300) {
      this.leave('after the CONNECT was accepted the connection is a tunnel, whose bytes are not decoded');
      return { t: 'none' };
    }
    if (method === 'HEAD' || status === 204 || status === 304) return { t: 'none' };
    const te = fieldList(head, 'transfer-encoding');
    if (te.length > 0) return te[te.length - 1] === 'chunked' ? { t: 'chunked' } : { t: 'close' };
    return byLength(head, { t: 'close' });
  }

  private leave(why: string): void {
    this.framers.c2s.switchProtocols(why);
    this.framers.s2c.switchProtocols(why);
  }
}

function byLength(head: Head, without: BodyMode): BodyMode | string {
  const n = contentLength(head);
  if (typeof n === 'string') return n;
  return n === null ? without : { t: 'length', n };
}
