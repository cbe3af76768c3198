// Masks authentication secrets before bytes reach the transcript (unless --keep-auth). The protocol's redact()
// works on whole messages, so a direction's bytes are held while a message is incomplete and recorded, masked, as
// soon as every held byte belongs to whole messages. Masking keeps lengths, so framing still decodes.
import type { Protocol, WireSession } from '../protocols/types';
import type { Direction } from '../transcript/format';

export class Redactor {
  private readonly session: WireSession;
  private readonly held: Record<Direction, Buffer[]> = { c2s: [], s2c: [] };

  constructor(private readonly protocol: Protocol & { redact: NonNullable<Protocol['redact']> }) {
    this.session = protocol.session();
  }

  static for(protocol: Protocol | undefined): Redactor | null {
    return protocol?.redact ? new Redactor(protocol as Protocol & { redact: NonNullable<Protocol['redact']> }) : null;
  }

  /** Bytes delivered in a direction; returns what to record now (masked), or null while a message is incomplete. */
  take(dir: Direction, chunk: Buffer): Buffer | null {
    this.held[dir].push(chunk);
    const msgs = this.session.push(dir, chunk, 0);
    if (this.session.pendingBytes(dir) > 0) return null;
    const whole = Buffer.concat(this.held[dir]);
    this.held[dir] = [];
    let at = 0;
    for (const m of msgs) {
      if (m.dir !== dir) continue;
      const masked = this.protocol.redact(dir, m.bytes);
      const start = whole.indexOf(m.bytes, at);
      if (start < 0) continue;
      if (masked && masked.length === m.bytes.length) masked.copy(whole, start);
      at = start + m.bytes.length;
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
