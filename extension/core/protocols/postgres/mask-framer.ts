// One PostgreSQL connection framed for masking only: where each message begins and ends, the startup phase and the
// upgrade to TLS, nothing decoded. The recorder's redactor runs on this rather than on PostgresSession, which builds
// every answer's rows and every statement's parameters: to find the 'p' messages, the boundaries are enough. Its
// framing is PostgresSession's (the same functions of framing.ts, the same startup and TLS rules), which the record
// tests hold it to with real logins (password, md5, SCRAM) and giant messages.
import type { Direction } from '../../transcript/format';
import { ByteQueue, unframable } from '../bytequeue';
import type { Decoded, WireMessage, WireSession } from '../types';
import { CODE, isFrame, looksUntyped, takeTyped, takeUntyped, type Take } from './framing';

/** what a framed message says of itself here: nothing (masking reads the bytes) */
const UNREAD: Decoded = { summary: '' };

export class PgMaskFramer implements WireSession {
  private readonly queues = { c2s: new ByteQueue(), s2c: new ByteQueue() };
  private readonly broken: Record<Direction, boolean> = { c2s: false, s2c: false };
  private untyped = true;
  private encrypted = false;
  /** SSLRequest/GSSENCRequest sent: the server answers with one bare byte */
  private bareAnswers = 0;

  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[] {
    if (this.encrypted) return bytes.length ? [opaque(dir, bytes, tUs)] : [];
    if (this.broken[dir]) return [];
    const q = this.queues[dir];
    q.push(bytes, tUs);
    const out: WireMessage[] = [];
    for (;;) {
      if (this.encrypted) {
        if (q.length) out.push(opaque(dir, q.take(q.length).bytes, tUs));
        break;
      }
      // a message past the cap was taken by its head; the rest of it is skipped as it comes
      if (q.skipRemaining > 0) break;
      const t = dir === 'c2s' ? this.takeC2s(q) : this.takeS2c(q);
      if (t === null) break;
      if (!isFrame(t)) {
        this.broken[dir] = true;
        out.push(unframable(dir, q.take(q.length), t.error));
        break;
      }
      if (dir === 'c2s' && this.untyped) this.startup(t.bytes);
      else if (dir === 's2c' && t.bytes.length === 1) this.bare(t.bytes[0]);
      out.push({ dir, tUs: t.tUs, tEndUs: t.tEndUs, bytes: t.bytes, decoded: UNREAD });
    }
    return out;
  }

  pendingBytes(dir: Direction): number {
    return this.queues[dir].length;
  }

  /** As PostgresSession: a typed client message holds a secret only as a 'p'; the server's never do. */
  pendingHoldsNoSecret(dir: Direction): boolean {
    const q = this.queues[dir];
    if (this.encrypted || this.broken[dir] || q.length < 5) return false;
    if (dir === 's2c') return this.bareAnswers === 0;
    return !this.untyped && q.byteAt(0) !== 0x70;
  }

  private takeC2s(q: ByteQueue): Take {
    if (this.untyped) {
      if (q.length === 0) return null;
      const u = looksUntyped(q);
      if (u) return takeUntyped(q);
      if (u === null && q.byteAt(0) === 0) return null;
      this.untyped = false;
    }
    return takeTyped(q);
  }

  private takeS2c(q: ByteQueue): Take {
    if (this.bareAnswers > 0 && q.length > 0 && q.byteAt(0) !== 0x45) return q.take(1);
    return takeTyped(q);
  }

  private startup(bytes: Buffer): void {
    const code = bytes.readInt32BE(4);
    if (code === CODE.SSL_REQUEST || code === CODE.GSSENC_REQUEST) this.bareAnswers++;
    else if (code !== CODE.CANCEL_REQUEST) this.untyped = false;
  }

  private bare(b: number): void {
    this.bareAnswers--;
    if (b === 0x53 || b === 0x47) this.encrypted = true;
  }
}

function opaque(dir: Direction, bytes: Buffer, tUs: number): WireMessage {
  return { dir, tUs, tEndUs: tUs, bytes, decoded: UNREAD, encrypted: true };
}
