// Masks authentication secrets before bytes reach the transcript (unless --keep-auth). The protocol's redact()
// works on whole messages, so a direction's bytes are held while a message is incomplete and recorded, masked, as
// soon as every held byte belongs to whole messages; a big message that the session can tell from its head holds no
// secret (a 60 MB query or SET) is recorded as it arrives instead (STREAM_AFTER). Masking keeps lengths, so framing still decodes. Encrypted
// bytes (after a TLS upgrade) hold no readable secret and are kept as they are. Where a direction's framing is lost
// (a declared length past any real message), its secrets can no longer be found: the rest of it is masked whole.
import { MASK_BYTE } from '../protocols/mask';
import type { Protocol, WireMessage, WireSession } from '../protocols/types';
import type { Direction } from '../transcript/format';

/** a message still arriving is held whole up to this; past it, one known to hold no secret goes out as it arrives */
export const STREAM_AFTER = 64 * 1024;
/** bytes of a message that went out ahead kept to know it again when the session hands it over */
const AHEAD_HEAD = 64;

export class Redactor {
  private readonly session: WireSession;
  private readonly held: Record<Direction, Buffer[]> = { c2s: [], s2c: [] };
  private readonly heldBytes: Record<Direction, number> = { c2s: 0, s2c: 0 };
  /** the first bytes of the message that went out ahead as it arrived, until the session hands it over whole */
  private readonly aheadHead: Record<Direction, Buffer | null> = { c2s: null, s2c: null };
  /** directions whose framing is lost: every byte from there on is masked */
  private readonly blind: Record<Direction, boolean> = { c2s: false, s2c: false };
  /** bytes of each direction released so far: where the next held byte is in the direction's bytes */
  private readonly released: Record<Direction, number> = { c2s: 0, s2c: 0 };

  constructor(private readonly protocol: Protocol & { redact: NonNullable<Protocol['redact']> }) {
    // boundaries are all masking needs: a framing-only session where the protocol has one
    this.session = protocol.maskSession?.() ?? protocol.session();
  }

  static for(protocol: Protocol | undefined): Redactor | null {
    return protocol?.redact ? new Redactor(protocol as Protocol & { redact: NonNullable<Protocol['redact']> }) : null;
  }

  /** Bytes delivered in a direction; returns what to record now (masked), or null while a message is incomplete. */
  take(dir: Direction, chunk: Buffer): Buffer | null {
    if (this.blind[dir]) return masked(chunk);
    this.held[dir].push(chunk);
    this.heldBytes[dir] += chunk.length;
    const msgs = this.session.push(dir, chunk, 0);
    if (msgs.some((m) => m.dir === dir && m.lostFraming)) {
      this.blind[dir] = true;
      return masked(this.takeHeld(dir, this.heldBytes[dir]));
    }
    const parts: Buffer[] = [];
    // whole messages go out now, masked; the tail of a message still arriving is held. Negative when part of the
    // message still arriving already went out ahead (below).
    const pending = this.session.pendingBytes(dir);
    const done = this.heldBytes[dir] - pending;
    if (done > 0) {
      const from = this.released[dir];
      const whole = this.takeHeld(dir, done);
      parts.push(this.session.redactSent?.(dir, whole) ?? this.redactWhole(dir, whole, from, msgs));
    }
    // a big message still arriving that holds no secret goes out as it arrives, so the relay never runs far ahead of
    // the file (a 60 MB query is not held whole); what cannot be told to be secret-free is held until it is whole
    const rest = this.heldBytes[dir];
    const ahead = pending > rest;
    if (rest > 0 && (ahead || rest >= STREAM_AFTER) && this.session.pendingHoldsNoSecret?.(dir)) {
      const bytes = this.takeHeld(dir, rest);
      if (!ahead) this.aheadHead[dir] = Buffer.from(bytes.subarray(0, AHEAD_HEAD));
      parts.push(bytes);
    }
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** The first n held bytes, taken out (joined only when some go out, so a message in many chunks is copied once). */
  private takeHeld(dir: Direction, n: number): Buffer {
    const all = this.held[dir].length === 1 ? this.held[dir][0] : Buffer.concat(this.held[dir]);
    this.held[dir] = n < all.length ? [all.subarray(n)] : [];
    this.heldBytes[dir] = all.length - n;
    this.released[dir] += n;
    // a view, not a copy: what was relayed is never changed in place (redactWhole copies before it masks)
    return all.subarray(0, n);
  }

  /** Whole messages' bytes (`from`: where they begin in the direction's bytes), each message in them masked by the protocol. */
  private redactWhole(dir: Direction, whole: Buffer, from: number, msgs: WireMessage[]): Buffer {
    // the bytes may still be on their way to the other side (a socket write holds them): masked in a copy
    let out = whole;
    let at = 0;
    for (const m of msgs) {
      if (m.dir !== dir) continue;
      const head = this.aheadHead[dir];
      if (head && m.bytes.length >= head.length && m.bytes.subarray(0, head.length).equals(head)) {
        // the message that went out ahead as it arrived: only its last bytes are here, and it holds no secret
        this.aheadHead[dir] = null;
        continue;
      }
      // where the session says the message is, else found by its bytes after the one before
      const start = m.streamOffset !== undefined ? m.streamOffset - from : whole.indexOf(m.bytes, at);
      if (start < 0 || start + m.bytes.length > whole.length) continue;
      at = start + m.bytes.length;
      if (m.encrypted) continue;
      const redacted = this.protocol.redact(dir, m.bytes);
      if (redacted && redacted.length === m.bytes.length) {
        if (out === whole) out = Buffer.from(whole);
        redacted.copy(out, start);
      }
    }
    return out;
  }

  /**
   * What is still held at the end of the connection: the start of a message that never came whole. Whether it holds
   * a secret cannot be told (an AUTH cut after its password's first bytes), so it is recorded masked, its length kept.
   */
  flush(dir: Direction): Buffer | null {
    if (this.held[dir].length === 0) return null;
    return masked(this.takeHeld(dir, this.heldBytes[dir]));
  }
}

/** The bytes' length, none of their content. */
export function masked(chunk: Buffer): Buffer {
  return Buffer.alloc(chunk.length, MASK_BYTE);
}
