// One Redis connection framed for masking only. RedisSession decodes every command and reply (their arguments as
// strings, which command each reply answers); the recorder needs none of that to mask: only where each message ends,
// and which few messages may hold a password. This scans RESP over the bytes, allocating nothing per message, and
// hands the redactor only those messages: a command whose name is not plainly one without a password (redact.ts), a
// reply holding a byte pattern that a repeated secret needs (`mayRepeatSecret`), and a big command that went out
// ahead as it arrived. Each carries where it begins in its direction's bytes (`streamOffset`), so the redactor masks
// it there rather than searching for its bytes.
//
// Anything the scan does not take plainly (an inline command, a value past the decoding cap, bytes that are not
// RESP) hands that direction, from the message where it happened, to a RedisSession for the rest of the connection:
// Redis framing depends on nothing the connection negotiated, so a fresh session frames it from there exactly as the
// decoding session would. The record tests hold this to RedisSession's masking on every recorded Redis connection
// and on password commands and replies cut at every byte.
import type { Direction } from '../../transcript/format';
import { MAX_MESSAGE_BYTES } from '../bytequeue';
import type { Decoded, WireMessage, WireSession } from '../types';
import { arrayNamedWithoutPassword, mayRepeatSecret } from './redact';
import { decimalAt, lengthAt, MAX_DEPTH, MAX_LINE } from './resp';
import { RedisSession } from './session';

/** what a framed message says of itself here: nothing (masking reads the bytes) */
const UNREAD: Decoded = { summary: '' };

/** scan results below 0: more bytes are needed (`needAt` says how many), or the scan gives this direction up */
const NEED = -1;
const BAIL = -2;

class Side {
  /** bytes not yet framed, from a message boundary (joined only when a scan needs them: a 60 MB SET is copied once) */
  pieces: Buffer[] = [];
  /** how many bytes `pieces` hold */
  held = 0;
  /** where `pieces` begin in this direction's bytes */
  offset = 0;
  /** no scan until `held` reaches this */
  need = 0;
  /** the message being held went out ahead (pendingHoldsNoSecret said so): hand it over when whole */
  ahead = false;
  /** the session that frames this direction once the scan gave it up */
  session: RedisSession | null = null;
}

export class RedisMaskFramer implements WireSession {
  private readonly sides: Record<Direction, Side> = { c2s: new Side(), s2c: new Side() };
  /** set by a scan that ran out of bytes: the length that would let it go on */
  private needAt = 0;

  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[] {
    const side = this.sides[dir];
    if (side.session) return side.session.push(dir, bytes, tUs);
    side.pieces.push(bytes);
    side.held += bytes.length;
    if (side.held < side.need) return [];
    const b = side.pieces.length === 1 ? side.pieces[0] : Buffer.concat(side.pieces, side.held);
    const out: WireMessage[] = [];
    let at = 0;
    let suspect = -1; // s2c: whether the framed replies may repeat a secret, checked once for all of them
    while (at < b.length) {
      const end = dir === 'c2s' && b[at] !== 0x2a ? BAIL : this.value(b, at, 0);
      if (end === NEED) {
        side.need = this.needAt - at;
        break;
      }
      if (end === BAIL) {
        // from this message on, the decoding session frames this direction. Its messages carry no offset: the redactor
        // finds them by their bytes, from the place marked here (an empty message where the session takes over)
        side.session = new RedisSession();
        out.push({ dir, tUs, tEndUs: tUs, bytes: b.subarray(at, at), decoded: UNREAD, streamOffset: side.offset + at });
        out.push(...side.session.push(dir, b.subarray(at), tUs));
        side.pieces = [];
        side.held = 0;
        return out;
      }
      // read off the bytes in place: a message gets a buffer of its own only when it is handed over
      let hand = side.ahead;
      side.ahead = false;
      if (dir === 'c2s') hand ||= !arrayNamedWithoutPassword(b, at, end);
      else {
        if (suspect < 0) suspect = mayRepeatSecret(b.subarray(at)) ? 1 : 0;
        hand ||= suspect === 1 && mayRepeatSecret(b.subarray(at, end));
      }
      if (hand) out.push({ dir, tUs, tEndUs: tUs, bytes: b.subarray(at, end), decoded: UNREAD, streamOffset: side.offset + at });
      at = end;
      side.need = 0;
    }
    side.pieces = at === b.length ? [] : [b.subarray(at)];
    side.held = b.length - at;
    side.offset += at;
    return out;
  }

  pendingBytes(dir: Direction): number {
    const side = this.sides[dir];
    return side.session ? side.session.pendingBytes(dir) : side.held;
  }

  /** The decoding session's rule (a command array named without a password), on the bytes held; replies are not judged. */
  pendingHoldsNoSecret(dir: Direction): boolean {
    const side = this.sides[dir];
    if (side.session) return side.session.pendingHoldsNoSecret(dir);
    if (dir !== 'c2s' || side.held < 4) return false;
    // the name is in the first 64 bytes, which may have come in several pieces
    if (side.pieces[0].length < 64 && side.pieces.length > 1) side.pieces = [Buffer.concat(side.pieces, side.held)];
    const head = side.pieces[0];
    const no = head[0] === 0x2a && arrayNamedWithoutPassword(head, 0, Math.min(head.length, 64));
    if (no) side.ahead = true;
    return no;
  }

  /** The end of the RESP value at `pos`, as RedisSession's parser would frame it; NEED or BAIL. */
  private value(b: Buffer, pos: number, depth: number): number {
    if (depth > MAX_DEPTH) return BAIL;
    if (pos >= b.length) return this.short(pos + 1);
    const type = b[pos];
    const cr = b.indexOf(13, pos + 1);
    if (cr < 0 || cr + 1 >= b.length) return b.length - pos - 1 > MAX_LINE ? BAIL : this.short(Math.max(b.length + 1, cr + 2));
    if (b[cr + 1] !== 10 || cr - pos - 1 > MAX_LINE) return BAIL;
    const next = cr + 2;
    switch (type) {
      case 0x2b: // + - ( , _
      case 0x2d:
      case 0x28:
      case 0x2c:
      case 0x5f:
        return next;
      case 0x3a: // :
        return decimalAt(b, pos + 1, cr, true) === null ? BAIL : next;
      case 0x23: // #
        return cr === pos + 2 && (b[pos + 1] === 0x74 || b[pos + 1] === 0x66) ? next : BAIL;
      case 0x24: // $ ! =
      case 0x21:
      case 0x3d: {
        const n = length(b, pos + 1, cr);
        if (n === null) return BAIL;
        if (n < 0) return next;
        if (b.length < next + n + 2) return this.short(next + n + 2);
        return b[next + n] === 13 && b[next + n + 1] === 10 ? next + n + 2 : BAIL;
      }
      case 0x2a: // * ~ >
      case 0x7e:
      case 0x3e:
      case 0x25: // % |
      case 0x7c: {
        const n = length(b, pos + 1, cr);
        if (n === null) return BAIL;
        const items = type === 0x25 || type === 0x7c ? 2 * n + (type === 0x7c ? 1 : 0) : n;
        let at = next;
        for (let i = 0; i < items; i++) {
          at = this.value(b, at, depth + 1);
          if (at < 0) return at;
        }
        return at;
      }
      default:
        return BAIL;
    }
  }

  private short(need: number): number {
    this.needAt = need;
    return NEED;
  }
}

/** A length or count as RedisSession reads it, within the cap; null otherwise (the session then says why). */
function length(b: Buffer, from: number, to: number): number | null {
  const n = lengthAt(b, from, to);
  return n === null || n > MAX_MESSAGE_BYTES ? null : n;
}
