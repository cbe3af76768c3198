// One MySQL connection: packets in, requests and responses out. A request is one client command (or one packet of
// the login exchange); its response is every server packet up to the end of the answer, which is known only from the
// command it answers, so the session keeps the commands still waiting for their answers in order (FIFO). When both
// sides asked for compression, the packets after the login's OK travel inside compressed packets (compressed.ts).
import type { Direction } from '../../transcript/format';
import { joinFrames, unframable, type Frame } from '../bytequeue';
import { decodeProblem } from '../cursor';
import type { Decoded, WireMessage, WireSession } from '../types';
import { answerShape, COM, decodeCommand, type CommandContext, type Statement } from './command';
import { beginsCommand } from './command-start';
import { CompressedFramer } from './compressed';
import { CompressedRedactor } from './redact-compressed';
import { PacketFramer, type Packet } from './framing';
import { CAP, MARIADB, decodeAuthServer, decodeGreeting, decodeHandshakeResponse, parseGreeting, parseHandshakeResponse } from './handshake';
import { describeResults, parseErr, parseOk, ResultCollector, type Shape } from './result';

/** bytes of one response kept for display; a bigger result set is still followed to its end, its rows counted */
const MAX_HELD_RESPONSE_BYTES = 16 * 1024 * 1024;
const MAX_STATEMENTS = 10000;

interface Waiting {
  shape: Shape | 'auth';
  collector: ResultCollector | null;
  sql?: string;
  frames: Buffer[];
  held: number;
  total: number;
  tUs: number;
  last: Buffer | null;
}

export class MysqlSession implements WireSession {
  private framers: Record<Direction, PacketFramer | CompressedFramer> = { c2s: new PacketFramer(), s2c: new PacketFramer() };
  private compressed = false;
  /** the packet being handled is the login's OK and compression was negotiated: what follows it is compressed */
  private compressAfterThis = false;
  private phase: 'start' | 'login' | 'command' | 'tls' = 'start';
  private serverCaps = 0xffffffff;
  private serverMariadbCaps = 0;
  private mariadbCaps = 0;
  private ctx: CommandContext = { capabilities: CAP.PROTOCOL_41, statements: new Map<number, Statement>(), lastPrepared: null };
  private readonly waiting: Waiting[] = [];
  private loginSeen = false;
  /** the server asked for more auth data: the client's next packet continues the login */
  private authContinues = false;

  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[] {
    if (this.phase === 'tls') return bytes.length ? [tlsMessage(dir, bytes, tUs)] : [];
    const out: WireMessage[] = [];
    this.frame(dir, bytes, tUs, out);
    return out;
  }

  private frame(dir: Direction, bytes: Buffer, tUs: number, out: WireMessage[]): void {
    const framer = this.framers[dir];
    const packets = framer.push(bytes, tUs);
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i];
      if (this.encrypted()) {
        out.push(tlsMessage(dir, p.bytes, p.tUs));
        continue;
      }
      const msg = dir === 'c2s' ? this.request(p) : this.response(p);
      if (msg) out.push(msg);
      if (this.compressAfterThis) {
        this.startCompression(dir, packets.slice(i + 1), out);
        return;
      }
    }
    if (framer.broken) {
      const rest = framer.drain();
      if (rest) out.push(unframable(dir, rest, framer.broken));
    }
  }

  /**
   * Right after the login's OK. The bytes already framed after it in this chunk, and any the other direction holds,
   * were read as plain packets but are compressed: they go through the compressed framers, in order.
   */
  private startCompression(dir: Direction, after: Packet[], out: WireMessage[]): void {
    this.compressAfterThis = false;
    this.compressed = true;
    const other: Direction = dir === 'c2s' ? 's2c' : 'c2s';
    const rest = [...after, this.framers[dir].drain()];
    const otherRest = this.framers[other].drain();
    this.framers = { c2s: new CompressedFramer(), s2c: new CompressedFramer() };
    for (const f of rest) if (f) this.frame(dir, f.bytes, f.tUs, out);
    if (otherRest) this.frame(other, otherRest.bytes, otherRest.tUs, out);
  }

  resume(dir: Direction, chunk: Buffer): WireSession | null {
    // compression starts at the login's OK, which the gap may have swallowed: what both sides asked for decides
    const compressed = this.compressed || (this.ctx.capabilities & CAP.COMPRESS) !== 0;
    if (dir !== 'c2s' || this.phase === 'tls' || !beginsCommand(chunk, compressed)) return null;
    const next = new MysqlSession();
    next.phase = 'command';
    next.loginSeen = true;
    next.serverCaps = this.serverCaps;
    next.serverMariadbCaps = this.serverMariadbCaps;
    next.mariadbCaps = this.mariadbCaps;
    // prepared statements belong to the connection: an execute after the gap still names one prepared before it
    next.ctx = { capabilities: this.ctx.capabilities, statements: new Map(this.ctx.statements), lastPrepared: this.ctx.lastPrepared };
    if (compressed) {
      next.compressed = true;
      next.framers = { c2s: new CompressedFramer(), s2c: new CompressedFramer() };
    }
    return next;
  }

  /** after an SSLRequest, possibly in the middle of a chunk */
  private encrypted(): boolean {
    return this.phase === 'tls';
  }

  pendingBytes(dir: Direction): number {
    return this.framers[dir].pending;
  }

  /**
   * The server's packets hold no secret (`redactMysql` masks client packets only); a client packet does not past the
   * login when it is a command other than COM_CHANGE_USER (sequence id 0). Compressed packets are not judged.
   */
  pendingHoldsNoSecret(dir: Direction): boolean {
    const framer = this.framers[dir];
    if (this.compressed || this.phase === 'tls' || !(framer instanceof PacketFramer) || framer.skipping || framer.pending < 5) return false;
    if (dir === 's2c') return true;
    if (!this.loginSeen || this.authContinues) return false;
    const head = framer.head(5);
    return head[3] === 0 && head[4] !== COM.CHANGE_USER;
  }

  /** The client's compressed packets, secrets inside masked (redact-compressed.ts); null before compression. */
  redactSent(dir: Direction, bytes: Buffer): Buffer | null {
    if (!this.compressed || dir !== 'c2s') return null;
    this.compressedRedactor ??= new CompressedRedactor();
    return this.compressedRedactor.redact(bytes);
  }

  private compressedRedactor: CompressedRedactor | null = null;

  private request(p: Packet): WireMessage {
    if (p.seq !== 0 && !this.loginSeen && this.phase !== 'command') return this.login(p);
    if (p.seq !== 0 && this.authContinues) {
      this.authContinues = false;
      return this.expect(p, { summary: `auth data (${p.payload.length} bytes)`, fields: { type: 'AuthData', bytes: p.payload.length } }, 'auth');
    }
    if (p.seq !== 0) {
      // LOCAL INFILE contents: part of the query's exchange, answered by the query's final OK
      return msg('c2s', p, { summary: `data (${p.payload.length} bytes)`, fields: { type: 'Data', bytes: p.payload.length } }, { expectsResponse: false });
    }
    this.phase = 'command';
    const decoded = decodeCommand(p.payload, this.ctx);
    const shape = answerShape(p.payload[0] ?? -1);
    if (p.payload[0] === COM.STMT_CLOSE && decoded.fields) this.ctx.statements.delete(decoded.fields.statementId as number);
    if (shape === 'none') return msg('c2s', p, decoded, { expectsResponse: false });
    const sql = p.payload[0] === COM.STMT_PREPARE ? p.payload.toString('utf8', 1) : undefined;
    return this.expect(p, decoded, shape, sql);
  }

  private login(p: Packet): WireMessage {
    this.loginSeen = true;
    let decoded: Decoded;
    try {
      const r = parseHandshakeResponse(p.payload);
      this.ctx.capabilities = (r.capabilities & this.serverCaps) >>> 0;
      this.mariadbCaps = r.mariadbCapabilities & this.serverMariadbCaps;
      decoded = decodeHandshakeResponse(p.payload);
      if (r.ssl) {
        this.phase = 'tls';
        return msg('c2s', p, decoded, { expectsResponse: false });
      }
    } catch (err) {
      decoded = { summary: 'login', error: decodeProblem(err) };
    }
    this.phase = 'login';
    return this.expect(p, decoded, 'auth');
  }

  private expect(p: Packet, decoded: Decoded, shape: Shape | 'auth', sql?: string): WireMessage {
    const opts = {
      deprecateEof: (this.ctx.capabilities & CAP.DEPRECATE_EOF) !== 0,
      extendedTypeInfo: (this.mariadbCaps & MARIADB.EXTENDED_TYPE_INFO) !== 0,
      cacheMetadata: (this.mariadbCaps & MARIADB.CACHE_METADATA) !== 0,
    };
    // a cursor fetch answers with rows of the columns sent with its execute, which we do not keep: its rows show raw
    const collector = shape === 'auth' ? null : new ResultCollector(shape, opts);
    this.waiting.push({ shape, collector, ...(sql !== undefined ? { sql } : {}), frames: [], held: 0, total: 0, tUs: 0, last: null });
    return msg('c2s', p, decoded);
  }

  private response(p: Packet): WireMessage | null {
    if (this.phase === 'start' && this.waiting.length === 0) return this.greeting(p);
    const w = this.waiting[0];
    if (!w) return msg('s2c', p, this.loneAnswer(p.payload));
    if (w.frames.length === 0) w.tUs = p.tUs;
    w.total += p.bytes.length;
    if (w.held + p.bytes.length <= MAX_HELD_RESPONSE_BYTES) {
      w.frames.push(p.bytes);
      w.held += p.bytes.length;
    }
    w.last = p.payload;
    let done: boolean;
    if (w.collector) {
      w.collector.push(p.payload);
      done = w.collector.done;
    } else {
      done = this.authStep(p.payload);
    }
    if (!done) return null;
    this.waiting.shift();
    const decoded = w.collector ? describeResults(w.collector.results) : this.authAnswer(w.last);
    if (w.collector?.prepared && w.sql !== undefined) this.remember(w.collector.prepared.statementId, { sql: w.sql, params: w.collector.prepared.params });
    if (w.total > w.held) decoded.fields = { ...decoded.fields, bytes: w.total, bytesShown: w.held };
    const frame: Frame = { bytes: joinFrames(w.frames), tUs: w.tUs, tEndUs: p.tEndUs };
    return msg('s2c', frame, decoded);
  }

  /** The server speaks first: its greeting, or an ERR (too many connections) instead of one. Neither answers a request. */
  private greeting(p: Packet): WireMessage {
    this.phase = 'login';
    if (p.payload[0] === 0xff) return msg('s2c', p, this.loneAnswer(p.payload), { unsolicited: true });
    try {
      const g = parseGreeting(p.payload);
      this.serverCaps = g.capabilities;
      this.serverMariadbCaps = g.mariadbCapabilities;
      return msg('s2c', p, decodeGreeting(p.payload), { unsolicited: true });
    } catch (err) {
      return msg('s2c', p, { summary: 'greeting', error: decodeProblem(err) }, { unsolicited: true });
    }
  }

  /** Login answers end at OK or ERR, or at a packet the client must answer (auth switch, more data). */
  private authStep(p: Buffer): boolean {
    if (p[0] === 0x00) {
      this.phase = 'command';
      if (!this.compressed && this.ctx.capabilities & CAP.COMPRESS) this.compressAfterThis = true;
      return true;
    }
    if (p[0] === 0xff) return true;
    if (p[0] === 0x01 && p.length === 2 && p[1] === 0x03) return false; // fast auth ok: the OK follows
    this.authContinues = true;
    return true;
  }

  private authAnswer(p: Buffer | null): Decoded {
    if (!p) return { summary: '(no answer)', error: 'an answer with no packets' };
    if (p[0] === 0x00 || p[0] === 0xff) return this.loneAnswer(p);
    try {
      return decodeAuthServer(p);
    } catch (err) {
      return { summary: 'auth', error: decodeProblem(err) };
    }
  }

  private loneAnswer(p: Buffer): Decoded {
    try {
      if (p[0] === 0xff) {
        const e = parseErr(p);
        return { summary: `ERR ${e.code}${e.sqlState ? ` (${e.sqlState})` : ''}: ${e.message}`, failed: true, fields: { type: 'ERR', ...e } };
      }
      if (p[0] === 0x00) return { summary: `OK affected=${parseOk(p).affectedRows}`, fields: { type: 'OK', ...parseOk(p) } };
    } catch (err) {
      return { summary: 'packet', error: decodeProblem(err) };
    }
    return { summary: `packet 0x${(p[0] ?? 0).toString(16)} (${p.length} bytes)`, error: 'a server packet with no command waiting for it' };
  }

  private remember(id: number, stmt: Statement): void {
    if (this.ctx.statements.size >= MAX_STATEMENTS) {
      const oldest = this.ctx.statements.keys().next().value;
      if (oldest !== undefined) this.ctx.statements.delete(oldest);
    }
    this.ctx.statements.set(id, stmt);
    this.ctx.lastPrepared = id;
  }
}

function msg(dir: Direction, f: Frame, decoded: Decoded, extra: Partial<WireMessage> = {}): WireMessage {
  return { dir, tUs: f.tUs, tEndUs: f.tEndUs, bytes: f.bytes, decoded, ...extra };
}

/** After an SSLRequest the bytes are TLS records: shown, never paired. */
function tlsMessage(dir: Direction, bytes: Buffer, tUs: number): WireMessage {
  const extra = dir === 'c2s' ? { expectsResponse: false } : { unsolicited: true };
  return { dir, tUs, tEndUs: tUs, bytes, decoded: { summary: `TLS (${bytes.length} bytes)`, fields: { encrypted: true } }, encrypted: true, ...extra };
}
