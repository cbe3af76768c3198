// Where each message of a connection begins and ends in its byte stream, as the bytes are read, so that a fault can
// act on exactly the n-th answer (`nth=3`). The connection's protocol session frames them; the protocol is the one
// named, or told from the connection's first bytes (then its server's port), as the masking tells it. Until it is
// told, bytes are counted as part of the next message; unsolicited messages (a greeting, a push) are no answer.
import { protocolByName, tellConnection, type WireSession } from '../protocols';
import type { Direction } from '../transcript/format';

/** A piece of a chunk and the number of the message it belongs to (1-based; 0: no numbered message, unframed). */
export interface Piece {
  bytes: Buffer;
  nth: number;
}

const LOOK = 64;
const HOLD_LIMIT = 64 * 1024;

export class AnswerFramer {
  private session: WireSession | null = null;
  /** chunks read before the protocol was told, replayed into the session once it is */
  private held: Array<[Direction, Buffer]> | null = [];
  private heldBytes = 0;
  private readonly first: Record<Direction, Buffer> = { c2s: Buffer.alloc(0), s2c: Buffer.alloc(0) };
  /** messages of each direction whole so far (unsolicited ones not counted) */
  private readonly done: Record<Direction, number> = { c2s: 0, s2c: 0 };
  private readonly lost: Record<Direction, boolean> = { c2s: false, s2c: false };

  constructor(
    protocol: string | undefined,
    private readonly port: number,
  ) {
    const named = protocol && protocol !== 'auto' ? protocolByName(protocol) : undefined;
    if (named) {
      this.session = named.session();
      this.held = null;
    }
  }

  /** Cuts a chunk read in `dir` where its messages end. */
  split(dir: Direction, chunk: Buffer): Piece[] {
    if (this.held) {
      this.held.push([dir, chunk]);
      this.heldBytes += chunk.length;
      if (this.first[dir].length < LOOK) this.first[dir] = Buffer.concat([this.first[dir], chunk.subarray(0, LOOK)]);
      // the server spoke: what it said, with what the client said, is all the bytes will tell
      if (!this.tell(dir === 's2c' || this.heldBytes >= HOLD_LIMIT)) return [{ bytes: chunk, nth: this.done[dir] + 1 }];
      return this.replay(dir, chunk);
    }
    return this.session ? this.frame(dir, chunk) : [{ bytes: chunk, nth: 0 }];
  }

  private tell(settled: boolean): boolean {
    const c2s = this.first.c2s.length ? this.first.c2s : undefined;
    const s2c = this.first.s2c.length ? this.first.s2c : undefined;
    const name = tellConnection({ firstC2S: c2s, firstS2C: s2c, port: this.port }, settled || (c2s !== undefined && c2s.length >= 16));
    if (name === undefined) return false;
    const p = name ? protocolByName(name) : undefined;
    this.session = p ? p.session() : null;
    return true;
  }

  /** Frames what was held; the pieces of the last chunk (the one at hand) are its result. */
  private replay(dir: Direction, chunk: Buffer): Piece[] {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    let pieces: Piece[] = [{ bytes: chunk, nth: 0 }];
    for (const [d, bytes] of held) {
      const p = this.session ? this.frame(d, bytes) : [{ bytes, nth: 0 }];
      if (d === dir && bytes === chunk) pieces = p;
    }
    return pieces;
  }

  private frame(dir: Direction, chunk: Buffer): Piece[] {
    const session = this.session as WireSession;
    if (this.lost[dir]) return [{ bytes: chunk, nth: 0 }];
    const msgs = session.push(dir, chunk, 0).filter((m) => m.dir === dir);
    // the last whole message ends where the bytes still held by the session begin; those before it, before that
    let end = chunk.length - Math.min(chunk.length, session.pendingBytes(dir));
    const cuts: Array<{ at: number; counted: boolean }> = [];
    for (let i = msgs.length - 1; i >= 0 && end > 0; i--) {
      cuts.unshift({ at: end, counted: !msgs[i].unsolicited && !msgs[i].encrypted });
      end = Math.max(0, end - msgs[i].bytes.length);
    }
    // messages whole only now whose bytes all came before this chunk (a session that held a big value) count first
    this.done[dir] += msgs.slice(0, msgs.length - cuts.length).filter((m) => !m.unsolicited && !m.encrypted).length;
    const pieces: Piece[] = [];
    let from = 0;
    for (const cut of cuts) {
      if (cut.at > from) pieces.push({ bytes: chunk.subarray(from, cut.at), nth: cut.counted ? this.done[dir] + 1 : 0 });
      if (cut.counted) this.done[dir]++;
      from = cut.at;
    }
    if (msgs.some((m) => m.lostFraming || m.encrypted)) this.lost[dir] = true;
    if (from < chunk.length) pieces.push({ bytes: chunk.subarray(from), nth: this.lost[dir] ? 0 : this.done[dir] + 1 });
    return pieces;
  }
}
