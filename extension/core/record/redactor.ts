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
    const msgs = this.session.push(dir, chunk, 0);
    if (msgs.some((m) => m.dir === dir && m.lostFraming)) {
      this.blind[dir] = true;
      const all = Buffer.concat(this.held[dir]);
      this.held[dir] = [];
      return masked(all);
    }
    if (this.session.pendingBytes(dir) > 0) return null;
    const whole = Buffer.concat(this.held[dir]);
    this.held[dir] = [];
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

  /** What is still held at the end of the connection: recorded as it is (a partial message). */
  flush(dir: Direction): Buffer | null {
    if (this.held[dir].length === 0) return null;
    const rest = Buffer.concat(this.held[dir]);
    this.held[dir] = [];
    return rest;
  }
}

/** The bytes' length, none of their content. */
export function masked(chunk: Buffer): Buffer {
  return Buffer.alloc(chunk.length, MASK_BYTE);
}
