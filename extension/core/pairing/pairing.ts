// Streaming pairing: events in, findings out. For each connection it frames the bytes into requests and responses,
// pairs them by server truth (FIFO order or ids), follows the client's view (from its own `client` events, or
// inferred for a sequential client), and reports mismatches, timeouts, late answers, unanswered requests and
// orphans. It holds only what is still open on each connection, so memory does not grow with the transcript.
import type { Protocol, WireMessage, WireSession } from '../protocols/types';
import type { ClientEvent, DataEvent, TranscriptEvent } from '../transcript/format';
import { eventBytes } from '../transcript/format';
import type { Finding, FindingKind, RequestRef, ResponseRef } from './findings';

interface Req {
  ref: RequestRef;
  givenUp: boolean;
  answeredBy: Resp | null;
}
interface Resp {
  ref: ResponseRef;
  answers: Req | null;
}

interface Conn {
  session: WireSession;
  reqSeq: number;
  respSeq: number;
  /** requests the server has not answered, in order (fifo) or by id */
  awaiting: Req[];
  awaitingById: Map<string | number, Req>;
  /** sequential client view: the request the client waits on */
  waiting: Req | null;
  /** responses delivered to the client and not yet read by it */
  unread: Resp[];
  instrumented: boolean;
  announced: ClientEvent[];
  /** client events about a request announced but not yet seen on the wire (a read served from the buffer) */
  early: ClientEvent[];
  byClientId: Map<string | number, Req>;
}

export interface PairingSummary {
  requests: number;
  responses: number;
  connections: number;
  firstUs: number | null;
  lastUs: number | null;
  findings: Record<FindingKind, number>;
  undecoded: number;
  /** server-truth pairs where both request and response show a key: how many, and how many disagree */
  keyed: { pairs: number; differ: number };
}

export interface PairingOptions {
  /** findings kept in full; counts go on past it */
  maxFindings?: number;
  onFinding?: (f: Finding) => void;
  onMessage?: (conn: number, msg: WireMessage, ref: RequestRef | ResponseRef, pairedWith: RequestRef | null) => void;
  /**
   * What a key looks like in your payloads: when given, it names the key of every request and response (the first
   * capture group, or the whole match) in place of the decoder's. With payloads that embed their own key, this is
   * the content evidence for any protocol.
   */
  keyPattern?: RegExp;
}

export class Pairing {
  private readonly conns = new Map<number, Conn>();
  readonly findings: Finding[] = [];
  readonly summary: PairingSummary = {
    requests: 0,
    responses: 0,
    connections: 0,
    firstUs: null,
    lastUs: null,
    findings: { mismatch: 0, timeout: 0, late: 0, unanswered: 0, orphan: 0 },
    undecoded: 0,
    keyed: { pairs: 0, differ: 0 },
  };

  constructor(private readonly protocol: Protocol, private readonly opts: PairingOptions = {}) {}

  push(ev: TranscriptEvent, line: number): void {
    if (this.summary.firstUs === null) this.summary.firstUs = ev.t;
    this.summary.lastUs = ev.t;
    switch (ev.k) {
      case 'c2s':
      case 's2c':
        this.data(ev as DataEvent, line);
        return;
      case 'client':
        this.client(ev as ClientEvent);
        return;
      case 'close':
      case 'reset':
        this.end(ev.c, ev.t, ev.by === 'client');
        return;
      case 'open':
        this.conn(ev.c);
        return;
      default:
        return; // faults and unknown kinds do not change pairing
    }
  }

  /** Closes every connection still open at the end of the transcript. */
  finish(): void {
    for (const c of [...this.conns.keys()]) this.end(c, this.summary.lastUs ?? 0, false);
  }

  private conn(c: number): Conn {
    let conn = this.conns.get(c);
    if (!conn) {
      conn = {
        session: this.protocol.session(),
        reqSeq: 0,
        respSeq: 0,
        awaiting: [],
        awaitingById: new Map(),
        waiting: null,
        unread: [],
        instrumented: false,
        announced: [],
        early: [],
        byClientId: new Map(),
      };
      this.conns.set(c, conn);
      this.summary.connections++;
    }
    return conn;
  }

  private data(ev: DataEvent, line: number): void {
    const conn = this.conn(ev.c);
    for (const msg of conn.session.push(ev.k, eventBytes(ev), ev.t)) {
      if (msg.decoded.error) this.summary.undecoded++;
      if (msg.dir === 'c2s') this.request(ev.c, conn, msg, line);
      else this.response(ev.c, conn, msg, line);
    }
  }

  private request(c: number, conn: Conn, msg: WireMessage, line: number): void {
    const ref: RequestRef = { conn: c, seq: ++conn.reqSeq, tUs: msg.tEndUs, line, summary: clip(msg.decoded.summary) };
    const key = this.opts.keyPattern ? this.keyIn(msg) : msg.decoded.key;
    if (key !== undefined) ref.key = key;
    this.summary.requests++;
    const req: Req = { ref, givenUp: false, answeredBy: null };
    const announced = conn.announced.shift();
    if (announced) {
      conn.instrumented = true;
      if (announced.id !== undefined) {
        ref.clientId = announced.id;
        conn.byClientId.set(announced.id, req);
      }
      if (announced.key !== undefined && ref.key === undefined) ref.key = announced.key;
    }
    if (conn.early.length > 0 && ref.clientId !== undefined) {
      const mine = conn.early.filter((e) => e.id === ref.clientId);
      conn.early = conn.early.filter((e) => e.id !== ref.clientId);
      for (const e of mine) this.client(e);
    }
    this.opts.onMessage?.(c, msg, ref, null);
    if (msg.expectsResponse === false) return;
    if (this.protocol.pairing === 'id' && msg.id !== undefined) conn.awaitingById.set(msg.id, req);
    else conn.awaiting.push(req);
    if (conn.instrumented || this.protocol.clientModel !== 'sequential') return;
    // A sequential client that sends a new request while waiting has given up on the one it waited for.
    if (conn.waiting) {
      conn.waiting.givenUp = true;
      this.find('timeout', ref.tUs, c, { request: conn.waiting.ref, keptConnection: true, basis: 'inferred' });
    }
    conn.waiting = req;
    const next = conn.unread.shift();
    if (next) this.take(c, req, next, ref.tUs, 'inferred');
  }

  private response(c: number, conn: Conn, msg: WireMessage, line: number): void {
    const ref: ResponseRef = { conn: c, seq: ++conn.respSeq, tUs: msg.tEndUs, line, summary: clip(msg.decoded.summary) };
    const key = this.opts.keyPattern ? this.keyIn(msg) : msg.decoded.key;
    if (key !== undefined) ref.key = key;
    if (msg.unsolicited) {
      // a push, greeting or notice answers no request: shown, never paired, never an orphan
      this.opts.onMessage?.(c, msg, ref, null);
      return;
    }
    this.summary.responses++;
    let req: Req | undefined;
    if (this.protocol.pairing === 'id' && msg.id !== undefined) {
      req = conn.awaitingById.get(msg.id);
      conn.awaitingById.delete(msg.id);
    } else {
      req = conn.awaiting.shift();
    }
    const resp: Resp = { ref, answers: req ?? null };
    this.opts.onMessage?.(c, msg, ref, req?.ref ?? null);
    if (!req) {
      this.find('orphan', ref.tUs, c, { response: ref, basis: 'wire' });
    } else {
      req.answeredBy = resp;
      if (req.ref.key !== undefined && ref.key !== undefined) {
        this.summary.keyed.pairs++;
        if (req.ref.key !== ref.key) this.summary.keyed.differ++;
      }
      if (req.givenUp) this.find('late', ref.tUs, c, { request: req.ref, response: ref, basis: conn.instrumented ? 'client' : 'inferred' });
    }
    if (conn.instrumented) {
      conn.unread.push(resp);
    } else if (this.protocol.clientModel !== 'sequential') {
      // a pipelining client reads its answers in order: its view is the server's truth
    } else if (conn.waiting) {
      const waiter = conn.waiting;
      conn.unread.push(resp);
      this.take(c, waiter, conn.unread.shift() as Resp, ref.tUs, 'inferred');
    } else {
      conn.unread.push(resp);
    }
  }

  private client(ev: ClientEvent): void {
    const conn = this.conn(ev.c);
    conn.instrumented = true;
    const req = ev.id !== undefined ? conn.byClientId.get(ev.id) : undefined;
    if (!req && ev.op !== 'request' && ev.id !== undefined && conn.announced.some((a) => a.id === ev.id)) {
      conn.early.push(ev);
      return;
    }
    switch (ev.op) {
      case 'request':
        conn.announced.push(ev);
        return;
      case 'timeout':
        if (req && !req.givenUp) {
          req.givenUp = true;
          this.find('timeout', ev.t, ev.c, { request: req.ref, keptConnection: ev.kept !== false, basis: 'client' });
        }
        return;
      case 'result': {
        if (ev.id !== undefined) conn.byClientId.delete(ev.id);
        if (!req || ev.got === null || ev.got === undefined) return; // an answer the client made up, not one it read
        const resp = conn.unread.shift();
        if (resp) this.take(ev.c, req, resp, ev.t, 'client');
        return;
      }
      default:
        return;
    }
  }

  /** The key by the user's pattern: in the raw bytes, else in the decoded summary (URL-encoded tracker args). */
  private keyIn(msg: WireMessage): string | undefined {
    const p = this.opts.keyPattern as RegExp;
    const m = p.exec(msg.bytes.toString('latin1')) ?? p.exec(msg.decoded.summary);
    return m ? (m[1] ?? m[0]) : undefined;
  }

  private take(c: number, req: Req, resp: Resp, tUs: number, basis: Finding['basis']): void {
    const conn = this.conns.get(c);
    if (conn && conn.waiting === req) conn.waiting = null;
    if (resp.answers === req) return;
    const f: Partial<Finding> = { request: req.ref, response: resp.ref, basis };
    if (resp.answers) f.answers = resp.answers.ref;
    const askedKey = req.ref.key;
    const ownerKey = resp.ref.key ?? resp.answers?.ref.key;
    if (askedKey !== undefined && ownerKey !== undefined && askedKey !== ownerKey) {
      f.evidence = `asked for key "${askedKey}", got the answer for key "${ownerKey}"`;
    }
    this.find('mismatch', tUs, c, f);
  }

  /** A connection ends; a client that closes it while waiting has given up (the safe client's timeout). */
  private end(c: number, tUs: number, byClient: boolean): void {
    const conn = this.conns.get(c);
    if (!conn) return;
    if (byClient && conn.waiting && !conn.instrumented && conn.waiting.answeredBy === null) {
      conn.waiting.givenUp = true;
      this.find('timeout', tUs, c, { request: conn.waiting.ref, keptConnection: false, basis: 'inferred' });
    }
    for (const req of [...conn.awaiting, ...conn.awaitingById.values()]) {
      if (!req.givenUp) this.find('unanswered', tUs, c, { request: req.ref, basis: 'wire' });
    }
    this.conns.delete(c);
  }

  private find(kind: FindingKind, tUs: number, conn: number, rest: Partial<Finding>): void {
    const f: Finding = { kind, tUs, conn, basis: 'wire', ...rest };
    this.summary.findings[kind]++;
    if (this.findings.length < (this.opts.maxFindings ?? 10000)) this.findings.push(f);
    this.opts.onFinding?.(f);
  }
}

function clip(s: string): string {
  return s.length > 300 ? `${s.slice(0, 297)}…` : s;
}
