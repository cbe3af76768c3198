// One PostgreSQL connection framed for masking only: where each message begins and ends, the startup phase and the
// upgrade to TLS, nothing decoded; only password messages are handed to the redactor, each at its offset. The
// recorder's redactor runs on this rather than on PostgresSession, which builds every answer's rows and every
// statement's parameters: to find the 'p' messages, the boundaries are enough. Its
// framing is PostgresSession's (the same functions of framing.ts, the same startup and TLS rules), which the record
// tests hold it to with real logins (password, md5, SCRAM) and giant messages.
import type { Direction } from '../../transcript/format';
import { ByteQueue, MAX_MESSAGE_BYTES, unframable } from '../bytequeue';
import type { Decoded, WireMessage, WireSession } from '../types';
import { bareAnswered, isFrame, pendingHoldsNoSecret, startupSent, takeBackend, takeFrontend, type StartupState } from './framing';

/** what a framed message says of itself here: nothing (masking reads the bytes) */
const UNREAD: Decoded = { summary: '' };

export class PgMaskFramer implements WireSession {
  private readonly queues = { c2s: new ByteQueue(), s2c: new ByteQueue() };
  private readonly broken: Record<Direction, boolean> = { c2s: false, s2c: false };
  private readonly startupState: StartupState = { untyped: true, bareAnswers: 0 };
  private encrypted = false;
  /** bytes pushed per direction: where the queue's first byte is in the direction's bytes */
  private readonly pushed: Record<Direction, number> = { c2s: 0, s2c: 0 };
  /** the message being held went out ahead (pendingHoldsNoSecret said so): hand it over when whole */
  private readonly ahead: Record<Direction, boolean> = { c2s: false, s2c: false };

  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[] {
    if (this.encrypted) return bytes.length ? [opaque(dir, bytes, tUs)] : [];
    if (this.broken[dir]) return [];
    const q = this.queues[dir];
    const out: WireMessage[] = [];
    // past the startup, with nothing held: the chunk's whole messages are framed where they lie, and only what is
    // left (a message still arriving, or one the rules below must see) goes through the queue
    const typed = dir === 'c2s' ? !this.startupState.untyped : this.startupState.bareAnswers === 0;
    const from = typed && q.length === 0 && q.skipRemaining === 0 && !this.ahead[dir] ? this.wholeMessages(dir, bytes, tUs, out) : 0;
    this.pushed[dir] += bytes.length;
    if (from === bytes.length) return out;
    q.push(from === 0 ? bytes : bytes.subarray(from), tUs);
    for (;;) {
      if (this.encrypted) {
        if (q.length) out.push(opaque(dir, q.take(q.length).bytes, tUs));
        break;
      }
      // a message past the cap was taken by its head; the rest of it is skipped as it comes
      if (q.skipRemaining > 0) break;
      const streamOffset = this.pushed[dir] - q.length;
      const t = dir === 'c2s' ? takeFrontend(q, this.startupState) : takeBackend(q, this.startupState);
      if (t === null) break;
      if (!isFrame(t)) {
        this.broken[dir] = true;
        out.push(unframable(dir, q.take(q.length), t.error));
        break;
      }
      if (dir === 'c2s' && this.startupState.untyped) startupSent(this.startupState, t.bytes);
      else if (dir === 's2c' && t.bytes.length === 1 && bareAnswered(this.startupState, t.bytes[0])) this.encrypted = true;
      // only a password message ('p') can hold a secret: the rest are framed and not handed over, save the one that
      // went out ahead (the redactor knows it by its head)
      const hand = (dir === 'c2s' && t.bytes[0] === 0x70) || this.ahead[dir];
      this.ahead[dir] = false;
      if (hand) out.push({ dir, tUs: t.tUs, tEndUs: t.tEndUs, bytes: t.bytes, decoded: UNREAD, streamOffset });
    }
    return out;
  }

  /**
   * The typed messages that lie whole at the start of `b` (the first byte of the direction's bytes not yet framed),
   * framed as takeTyped frames them; a password message among them is handed over. Returns where they end.
   */
  private wholeMessages(dir: Direction, b: Buffer, tUs: number, out: WireMessage[]): number {
    let at = 0;
    while (at + 5 <= b.length) {
      const len = ((b[at + 1] << 24) | (b[at + 2] << 16) | (b[at + 3] << 8) | b[at + 4]) >>> 0;
      // a length takeTyped would refuse or take by its head, or a message not all here: left to the queue
      if (len < 4 || len + 1 > MAX_MESSAGE_BYTES || at + 1 + len > b.length) break;
      if (dir === 'c2s' && b[at] === 0x70)
        out.push({ dir, tUs, tEndUs: tUs, bytes: b.subarray(at, at + 1 + len), decoded: UNREAD, streamOffset: this.pushed[dir] + at });
      at += 1 + len;
    }
    return at;
  }

  pendingBytes(dir: Direction): number {
    return this.queues[dir].length;
  }

  pendingHoldsNoSecret(dir: Direction): boolean {
    const no = !this.encrypted && !this.broken[dir] && pendingHoldsNoSecret(this.queues[dir], dir, this.startupState);
    if (no) this.ahead[dir] = true;
    return no;
  }
}

function opaque(dir: Direction, bytes: Buffer, tUs: number): WireMessage {
  return { dir, tUs, tEndUs: tUs, bytes, decoded: UNREAD, encrypted: true };
}
