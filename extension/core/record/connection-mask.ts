// What of one connection's bytes reaches the transcript when secrets must stay out of it. With --protocol the
// protocol's redactor masks its secrets; without it, the protocol is told from the connection's own first bytes
// (the server's greeting, the client's startup message, a RESP array, a TLS hello), as `analyze` tells it, holding at
// most those first bytes until it knows, and only then from the target's port: a MySQL server on port 4406 is masked
// as MySQL. A connection whose protocol cannot be told is recorded with every byte masked (its lengths and timing
// kept), and the caller is told once, so the user can say --protocol or --keep-auth.
import { protocolByName, tellConnection, type Protocol } from '../protocols';
import type { Direction } from '../transcript/format';
import { masked, Redactor } from './redactor';

/** What to record now, in order: a take may release bytes held in both directions. */
export type Recordable = Array<[Direction, Buffer]>;

export interface ConnectionMask {
  take(dir: Direction, chunk: Buffer): Recordable;
  /** the end of the connection: whatever is still held */
  flush(): Recordable;
}

/** first bytes looked at per direction; held bytes past HOLD_LIMIT decide without more */
const LOOK = 64;
const HOLD_LIMIT = 64 * 1024;

export interface MaskOptions {
  /** the protocol the user named (--protocol); none or "auto": told per connection */
  protocol?: string;
  /** the target's port, the last hint */
  port?: number;
  /** told once per connection whose protocol could not be told (its bytes are then masked) */
  onUnknown?: () => void;
}

/** The mask for one new connection, or null when nothing needs masking (a protocol with no secrets). */
export function connectionMask(opts: MaskOptions): ConnectionMask | null {
  const named = opts.protocol && opts.protocol !== 'auto' ? protocolByName(opts.protocol) : undefined;
  if (opts.protocol && opts.protocol !== 'auto' && !named) return new Detecting(opts);
  if (named) return redacting(named);
  return new Detecting(opts);
}

function redacting(p: Protocol): ConnectionMask | null {
  const r = Redactor.for(p);
  if (!r) return null;
  return {
    take: (dir, chunk) => {
      const out = r.take(dir, chunk);
      return out ? [[dir, out]] : [];
    },
    flush: () =>
      (['c2s', 's2c'] as const).flatMap((d): Recordable => {
        const rest = r.flush(d);
        return rest ? [[d, rest]] : [];
      }),
  };
}

const KEEP: ConnectionMask = { take: (dir, chunk) => [[dir, chunk]], flush: () => [] };
const MASK_ALL: ConnectionMask = { take: (dir, chunk) => [[dir, masked(chunk)]], flush: () => [] };

class Detecting implements ConnectionMask {
  private decided: ConnectionMask | null = null;
  private held: Recordable = [];
  private heldBytes = 0;
  private readonly first: Record<Direction, Buffer> = { c2s: Buffer.alloc(0), s2c: Buffer.alloc(0) };

  constructor(private readonly opts: MaskOptions) {}

  take(dir: Direction, chunk: Buffer): Recordable {
    if (this.decided) return this.decided.take(dir, chunk);
    this.held.push([dir, chunk]);
    this.heldBytes += chunk.length;
    if (this.first[dir].length < LOOK) this.first[dir] = Buffer.concat([this.first[dir], chunk.subarray(0, LOOK)]);
    return this.decide(false) ? this.release() : [];
  }

  flush(): Recordable {
    if (!this.decided) {
      if (this.held.length === 0) return [];
      this.decide(true);
      return [...this.release(), ...(this.decided as unknown as ConnectionMask).flush()];
    }
    return this.decided.flush();
  }

  private decide(final: boolean): boolean {
    const c2s = this.first.c2s.length ? this.first.c2s : undefined;
    const s2c = this.first.s2c.length ? this.first.s2c : undefined;
    // the client spoke and its bytes say nothing; or enough is held: the port is the last hint
    const enough = final || this.heldBytes >= HOLD_LIMIT || (c2s !== undefined && c2s.length >= 16) || (c2s !== undefined && s2c !== undefined);
    const name = tellConnection({ firstC2S: c2s, firstS2C: s2c, port: this.opts.port }, enough);
    if (name === undefined) return false;
    const p = name ? protocolByName(name) : undefined;
    if (name === 'tls')
      this.decided = KEEP; // TLS from the first byte: nothing readable to mask
    else if (p) this.decided = redacting(p) ?? KEEP;
    else {
      this.decided = MASK_ALL;
      this.opts.onUnknown?.();
    }
    return true;
  }

  private release(): Recordable {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    return held.flatMap(([dir, chunk]) => (this.decided as ConnectionMask).take(dir, chunk));
  }
}
