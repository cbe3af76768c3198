// One PostgreSQL connection: messages in, requests and responses out. A request is a startup-phase message, a
// password/SASL message, a simple Query, or an extended-query run up to and including Sync; its response is every
// server message up to ReadyForQuery (or up to an auth request the client must answer, or a startup error). Server
// messages that arrive with nothing asked (notices, notifications, parameter changes) are unsolicited.
import type { Direction } from '../../transcript/format';
import { ByteQueue, joinFrames, unframable, type Frame } from '../bytequeue';
import { decodeProblem } from '../cursor';
import type { Decoded, WireMessage, WireSession } from '../types';
import { AnswerBuilder, authCode, describeLone } from './backend';
import { bareAnswered, beginsFrontend, CODE, isFrame, pendingHoldsNoSecret, startupSent, takeBackend, takeFrontend, type StartupState } from './framing';
import { decodeUntyped, describeRequest, parseFrontend, type Part } from './frontend';

/** bytes of one answer kept for display; a bigger answer is still followed to its end */
const MAX_HELD_ANSWER_BYTES = 16 * 1024 * 1024;
/** client messages that belong to an extended-query run and wait for its Sync */
const RUN = new Set(['P', 'B', 'D', 'E', 'C', 'H']);

interface Answer {
  builder: AnswerBuilder;
  frames: Buffer[];
  held: number;
  tUs: number;
}

export class PostgresSession implements WireSession {
  private readonly queues = { c2s: new ByteQueue(), s2c: new ByteQueue() };
  private readonly broken: Record<Direction, boolean> = { c2s: false, s2c: false };
  private readonly startupState: StartupState = { untyped: true, bareAnswers: 0 };
  private encrypted = false;
  /** requests (or runs begun) the server has not finished answering */
  private expected = 0;
  private inLogin = false;
  private lastAuth: number | null = null;
  private run: { frames: Frame[]; parts: Part[] } | null = null;
  private answer: Answer | null = null;

  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[] {
    if (this.encrypted) return bytes.length ? [opaque(dir, bytes, tUs)] : [];
    if (this.broken[dir]) return [];
    const q = this.queues[dir];
    q.push(bytes, tUs);
    const out: WireMessage[] = [];
    for (;;) {
      // a message past the cap is taken when its last skipped byte is in, so it is timed when it was whole
      const big = this.big[dir];
      if (big) {
        if (q.skipRemaining > 0) break;
        this.big[dir] = null;
        const m =
          dir === 'c2s'
            ? this.request({ ...big, tEndUs: Math.max(big.tEndUs, q.skippedUntilUs) })
            : this.response({ ...big, tEndUs: Math.max(big.tEndUs, q.skippedUntilUs) });
        if (m) out.push(m);
      }
      if (this.encrypted) {
        if (q.length) out.push(opaque(dir, q.take(q.length).bytes, tUs));
        break;
      }
      const t = dir === 'c2s' ? takeFrontend(q, this.startupState) : takeBackend(q, this.startupState);
      if (t === null) break;
      if (!isFrame(t)) {
        this.broken[dir] = true;
        out.push(unframable(dir, q.take(q.length), t.error));
        break;
      }
      if (t.declared !== undefined) {
        this.big[dir] = t;
        continue;
      }
      const m = dir === 'c2s' ? this.request(t) : this.response(t);
      if (m) out.push(m);
    }
    return out;
  }

  /** the head of a message past the cap, until the rest of it has been skipped */
  private readonly big: Record<Direction, Frame | null> = { c2s: null, s2c: null };

  pendingBytes(dir: Direction): number {
    return this.queues[dir].length;
  }

  pendingHoldsNoSecret(dir: Direction): boolean {
    return !this.encrypted && !this.broken[dir] && pendingHoldsNoSecret(this.queues[dir], dir, this.startupState);
  }

  /** Past the startup phase, a typed client message; an encrypted connection stays unreadable. */
  resume(dir: Direction, chunk: Buffer): WireSession | null {
    if (dir !== 'c2s' || this.encrypted || !beginsFrontend(chunk)) return null;
    const next = new PostgresSession();
    next.startupState.untyped = false;
    return next;
  }

  private request(f: Frame): WireMessage | null {
    if (this.startupState.untyped) return this.startupPhase(f);
    const type = String.fromCharCode(f.bytes[0]);
    let part: Part;
    if (f.declared !== undefined) {
      // too big to decode: its type still says what it is in the exchange, so pairing goes on
      const note = `${f.declared} bytes, past the decoding cap: shown by its first ${f.bytes.length}`;
      part = type === 'Q' ? { type: 'Query', query: `(${note}) ${f.bytes.toString('utf8', 5)}…` } : { type: `'${type}'`, note };
    } else {
      try {
        part = parseFrontend(f.bytes, this.lastAuth);
      } catch (err) {
        part = { type: `'${type}'`, problem: decodeProblem(err) };
      }
    }
    const bad = part.problem ? { error: String(part.problem) } : {};
    if (RUN.has(type) || type === 'S') {
      if (!this.run) {
        this.run = { frames: [], parts: [] };
        this.expected++;
      }
      this.run.frames.push(f);
      this.run.parts.push(part);
      if (type !== 'S') return null;
      const run = this.run;
      this.run = null;
      const decoded = describeRequest(run.parts);
      const frame: Frame = { bytes: Buffer.concat(run.frames.map((x) => x.bytes)), tUs: run.frames[0].tUs, tEndUs: f.tEndUs };
      const problem = run.parts.find((p) => p.problem);
      if (problem) decoded.error = String(problem.problem);
      return msg('c2s', frame, decoded);
    }
    if (type === 'Q' || type === 'F' || type === 'p') {
      this.expected++;
      return msg('c2s', f, { ...describeRequest([part]), ...bad });
    }
    // Terminate, and COPY data the client streams inside a query's exchange: the query's answer covers them
    return msg('c2s', f, { summary: String(part.type), fields: { ...part }, ...bad }, { expectsResponse: false });
  }

  private startupPhase(f: Frame): WireMessage {
    const code = startupSent(this.startupState, f.bytes);
    const decoded = decodeUntyped(f.bytes);
    if (code === CODE.CANCEL_REQUEST) return msg('c2s', f, decoded, { expectsResponse: false });
    if (!this.startupState.untyped) this.inLogin = true;
    this.expected++;
    return msg('c2s', f, decoded);
  }

  private response(f: Frame): WireMessage | null {
    if (f.bytes.length === 1) return this.bare(f);
    if (!this.answer && this.expected === 0) return msg('s2c', f, describeLone(f.bytes), { unsolicited: true });
    const a = (this.answer ??= { builder: new AnswerBuilder(), frames: [], held: 0, tUs: f.tUs });
    a.builder.push(f.bytes);
    if (a.held + f.bytes.length <= MAX_HELD_ANSWER_BYTES) {
      a.frames.push(f.bytes);
      a.held += f.bytes.length;
    }
    const type = f.bytes[0];
    const auth = authCode(f.bytes);
    if (auth !== null) this.lastAuth = auth;
    const ends = type === 0x5a || (auth !== null && auth !== 0 && auth !== 12) || (type === 0x45 && this.inLogin);
    if (!ends) return null;
    if (type === 0x5a) this.inLogin = false;
    this.answer = null;
    this.expected = Math.max(0, this.expected - 1);
    const decoded: Decoded = a.builder.build();
    return msg('s2c', { bytes: joinFrames(a.frames), tUs: a.tUs, tEndUs: f.tEndUs }, decoded);
  }

  private bare(f: Frame): WireMessage {
    if (bareAnswered(this.startupState, f.bytes[0])) this.encrypted = true;
    this.expected = Math.max(0, this.expected - 1);
    const b = new AnswerBuilder();
    b.bare(f.bytes[0]);
    return msg('s2c', f, b.build());
  }
}

function msg(dir: Direction, f: Frame, decoded: Decoded, extra: Partial<WireMessage> = {}): WireMessage {
  return { dir, tUs: f.tUs, tEndUs: f.tEndUs, bytes: f.bytes, decoded, ...extra };
}

/** Bytes after SSL/GSS encryption was accepted: shown, never paired. */
function opaque(dir: Direction, bytes: Buffer, tUs: number): WireMessage {
  const extra = dir === 'c2s' ? { expectsResponse: false } : { unsolicited: true };
  return { dir, tUs, tEndUs: tUs, bytes, decoded: { summary: `encrypted (${bytes.length} bytes)`, fields: { encrypted: true } }, encrypted: true, ...extra };
}
