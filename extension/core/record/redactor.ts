// Masks authentication secrets before bytes reach the transcript (unless --keep-auth). The protocol's redact()
// works on whole messages, so a direction's bytes are held while a message is incomplete and recorded, masked, as
// soon as every held byte belongs to whole messages. Masking keeps lengths, so framing still decodes. Encrypted
// bytes (after a TLS upgrade) hold no readable secret and are kept as they are. Where a direction's framing is lost
// (a declared length past any real message), its secrets can no longer be found: the rest of it is masked whole.
import { MASK_BYTE } from '../protocols/mask';
import type { Protocol, WireSession } from '../protocols/types';
import type { Direction } from '../transcript/format';

export class Redactor {
  private readonly session: WireSession;
  private readonly held: Record<Direction, Buffer[]> = { c2s: [], s2c: [] };
  private readonly heldBytes: Record<Direction, number> = { c2s: 0, s2c: 0 };
  /** directions whose framing is lost: every byte from there on is masked */
  private readonly blind: Record<Direction, boolean> = { c2s: false, s2c: false };

  constructor(private readonly protocol: Protocol & { redact: NonNullable<Protocol['redact']> }) {
    this.session = protocol.session();
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
      const all = Buffer.concat(this.held[dir]);
      this.held[dir] = [];
      this.heldBytes[dir] = 0;
      return masked(all);
    }
    // whole messages go out now; only the tail of a message still arriving is held (joined only when some goes out,
    // so a big message arriving in many chunks is not copied once per chunk)
    const done = this.heldBytes[dir] - this.session.pendingBytes(dir);
    if (done <= 0) return null;
    const all = this.held[dir].length === 1 ? this.held[dir][0] : Buffer.concat(this.held[dir]);
    this.held[dir] = done < all.length ? [all.subarray(done)] : [];
    this.heldBytes[dir] = all.length - done;
    const whole = Buffer.from(all.subarray(0, done));
    let at = 0;
    for (const m of msgs) {
      if (m.dir !== dir) continue;
      const start = whole.indexOf(m.bytes, at);
      if (start < 0) continue;
      at = start + m.bytes.length;
      if (m.encrypted) continue;
      const redacted = this.protocol.redact(dir, m.bytes);
      if (redacted && redacted.length === m.bytes.length) redacted.copy(whole, start);
    }
    return whole;
  }

  /**
   * What is still held at the end of the connection: the start of a message that never came whole. Whether it holds
   * a secret cannot be told (an AUTH cut after its password's first bytes), so it is recorded masked, its length kept.
   */
  flush(dir: Direction): Buffer | null {
    if (this.held[dir].length === 0) return null;
    const rest = Buffer.concat(this.held[dir]);
    this.held[dir] = [];
    this.heldBytes[dir] = 0;
    return masked(rest);
  }
}

/** The bytes' length, none of their content. */
export function masked(chunk: Buffer): Buffer {
  return Buffer.alloc(chunk.length, MASK_BYTE);
}
