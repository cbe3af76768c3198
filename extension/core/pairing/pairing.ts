// Streaming pairing: events in, findings out. For each connection it frames the bytes into requests and responses,
// pairs them by server truth (FIFO order or ids), follows the client's view (from its own `client` events, or
// inferred from its behaviour: client-view.ts), and reports mismatches, timeouts, late answers, unanswered requests
// and orphans. What it cannot judge (a protocol it cannot tell, TLS, capture gaps, refused connections) it counts in
// `unseen`, so the verdict never calls clean what was not seen. It holds only what is still open on each connection,
// so memory does not grow with the transcript.
import type { Decoded, Protocol, WireMessage } from '../protocols/types';
import { portOf } from '../address';
import type { ClientEvent, DataEvent, TranscriptEvent } from '../transcript/format';
import { ClientView, type ClientModel, type Req, type Resp } from './client-view';
import { ConnProtocol } from './conn-protocol';
import { keyEvidence } from './key-evidence';
import type { Finding, FindingKind, RequestRef, ResponseRef } from './findings';
import { noUnseen, type Unseen } from './unseen';

interface Conn {
  c: number;
  wire: ConnProtocol;
  reqSeq: number;
  respSeq: number;
  /** requests the server has not answered, in order (fifo) or by id */
  awaiting: Req[];
  awaitingById: Map<string | number, Req>;
  /** the inferred view of a FIFO connection whose client says nothing of itself */
  view: ClientView | null;
  /** instrumented view: responses delivered to the client and not yet read by it */
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
  /** connections by the protocol that decoded them */
  protocols: Record<string, number>;
  /** FIFO connections by the client's model as inferred (a connection may show both over its life) */
  clientModels: { sequential: number; pipelined: number; instrumented: number };
  unseen: Unseen;
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
  /** the client's model: inferred per connection (auto, the default), or taken as given for every connection */
  clientModel?: ClientModel;
  /** the server's port when a connection's `open` does not name it (the recording's target): for guessing protocols */
  serverPort?: number;
  /** the header promised a closing line: without one the recording was cut */
  closingLine?: boolean;
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
    protocols: {},
    clientModels: { sequential: 0, pipelined: 0, instrumented: 0 },
    unseen: noUnseen(),
  };

  /** `protocol` null: guessed per connection from its first bytes and its server's port */
  constructor(
    private readonly protocol: Protocol | null,
    private readonly opts: PairingOptions = {},
  ) {}

  push(ev: TranscriptEvent, line: number): void {
    if (this.summary.firstUs === null) this.summary.firstUs = ev.t;
    this.summary.lastUs = ev.t;
    switch (ev.k) {
      case 'c2s':
      case 's2c':
        this.conn(ev.c).wire.data(ev as DataEvent, line);
        return;
      case 'client':
        this.client(ev as ClientEvent);
        return;
      case 'close':
      case 'reset':
        if (typeof ev.error === 'string' && /refused/i.test(ev.error) && !this.conns.get(ev.c)?.wire.sawData) this.summary.unseen.refused++;
        // a clean close the server began (or one whose side is not known) ends a body that runs to the close
        this.end(ev.c, ev.t, ev.by === 'client', false, ev.k === 'close' && ev.by !== 'client' ? line : undefined);
        return;
      case 'open':
        this.conn(ev.c, ev.server);
        return;
      case 'gap':
        this.conn(ev.c).wire.gap(typeof ev.bytes === 'number' ? ev.bytes : 0);
        return;
      case 'cut':
        this.summary.unseen.cut = typeof ev.what === 'string' && ev.what ? ev.what : 'the capture was cut short';
        // on a connection (an import's window edge), not the whole capture: that connection is out of step there
        if (ev.c > 0) this.conns.get(ev.c)?.wire.cut();
        return;
      case 'end':
        this.ended = true;
        if (typeof ev.lost === 'number' && ev.lost > 0) this.summary.unseen.lostBytes += ev.lost;
        return;
      default:
        return; // faults and unknown kinds do not change pairing
    }
  }

  private ended = false;

  /** Closes every connection still open at the end of the transcript. */
  finish(): void {
    if (this.opts.closingLine && !this.ended) {
      this.summary.unseen.cut ??= 'the recording has no closing line: the recorder was killed or crashed, and what it relayed after its last line is not here';
    }
    for (const c of [...this.conns.keys()]) this.end(c, this.summary.lastUs ?? 0, false, this.summary.unseen.cut !== null);
  }

  private conn(c: number, server?: unknown): Conn {
    let conn = this.conns.get(c);
    if (!conn) {
      const port = portOf(server) ?? this.opts.serverPort;
      const created: Conn = {
        c,
        wire: new ConnProtocol(this.protocol, port, this.summary, {
          message: (msg, line) => this.message(created, msg, line),
          shown: (msg, line) => this.opts.onMessage?.(c, msg, { conn: c, seq: 0, tUs: msg.tEndUs, line, summary: clip(msg.decoded.summary) }, null),
          gap: () => this.lost(created),
        }),
        reqSeq: 0,
        respSeq: 0,
        awaiting: [],
        awaitingById: new Map(),
        view: null,
        unread: [],
        instrumented: false,
        announced: [],
        early: [],
        byClientId: new Map(),
      };
      conn = created;
      this.conns.set(c, conn);
      this.summary.connections++;
    }
    return conn;
  }

  private message(conn: Conn, msg: WireMessage, line: number): void {
    if (msg.decoded.error) this.summary.undecoded++;
    if (msg.dir === 'c2s') this.request(conn, msg, line);
    else this.response(conn, msg, line);
  }

  private request(conn: Conn, msg: WireMessage, line: number): void {
    const c = conn.c;
    const ref: RequestRef = new MessageRef(c, ++conn.reqSeq, msg.tEndUs, line, msg.decoded);
    if (this.opts.keyPattern) ref.key = this.keyIn(msg);
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
    const view = this.viewOf(conn);
    view?.move(msg.tUs);
    if (msg.expectsResponse === false) return;
    const owed = conn.awaiting.length;
    if (conn.wire.pairing === 'id' && msg.id !== undefined) conn.awaitingById.set(msg.id, req);
    else conn.awaiting.push(req);
    view?.request(req, msg.tUs, conn.wire.dataEvents, owed);
  }

  private viewOf(conn: Conn): ClientView | null {
    if (conn.instrumented || conn.wire.pairing !== 'fifo') return null;
    conn.view ??= new ClientView(this.opts.clientModel ?? 'auto', {
      find: (kind, tUs, rest) => this.find(kind, tUs, conn.c, rest),
      judge: (req, resp) => this.judge(req, resp),
      suspect: (n) => (this.summary.unseen.suspected += n),
    });
    return conn.view;
  }

  private response(conn: Conn, msg: WireMessage, line: number): void {
    const c = conn.c;
    const ref: ResponseRef = new MessageRef(c, ++conn.respSeq, msg.tEndUs, line, msg.decoded);
    if (this.opts.keyPattern) ref.key = this.keyIn(msg);
    if (msg.unsolicited) {
      // a push, greeting or notice answers no request: shown, never paired, never an orphan
      this.opts.onMessage?.(c, msg, ref, null);
      return;
    }
    this.summary.responses++;
    let req: Req | undefined;
    if (conn.wire.pairing === 'id' && msg.id !== undefined) {
      req = conn.awaitingById.get(msg.id);
      conn.awaitingById.delete(msg.id);
    } else {
      req = conn.awaiting.shift();
    }
    const resp: Resp = { ref, answers: req ?? null, bytes: msg.bytes };
    this.opts.onMessage?.(c, msg, ref, req?.ref ?? null);
    const view = this.viewOf(conn);
    if (!req) {
      // after a gap, an answer with no request may answer one the capture lost: unknown, already counted as the gap
      if (!conn.wire.afterGap) this.find('orphan', ref.tUs, c, { response: ref, basis: 'wire' });
    } else {
      req.answeredBy = resp;
      // the answer's key first: most answers name none, and then the request's need not be read (or made)
      if (ref.key !== undefined && req.ref.key !== undefined) {
        this.summary.keyed.pairs++;
        if (req.ref.key !== ref.key) this.summary.keyed.differ++;
      }
      if (req.givenUp) {
        if (view) view.late(req, resp);
        else this.find('late', ref.tUs, c, { request: req.ref, response: ref, basis: conn.instrumented ? 'client' : 'inferred' });
      }
    }
    if (conn.instrumented) conn.unread.push(resp);
    else view?.response(resp);
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
        if (!resp) return;
        const f = this.judge(req, resp);
        if (f) this.find('mismatch', ev.t, ev.c, { ...f, basis: 'client' });
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

  /** What the client taking `resp` for `req` means: nothing when it is the request's own answer, else a mismatch. */
  private judge(req: Req, resp: Resp): Partial<Finding> | null {
    const bytes = resp.bytes;
    resp.bytes = null;
    if (resp.answers === req) return null;
    const f: Partial<Finding> = { request: req.ref, response: resp.ref };
    if (resp.answers) f.answers = resp.answers.ref;
    const evidence = keyEvidence(req.ref.key, resp.ref.key ?? resp.answers?.ref.key, this.opts.keyPattern ? null : bytes);
    if (evidence) f.evidence = evidence;
    return f;
  }

  /** Bytes of a connection were lost: what was in flight there can no longer be paired. */
  private lost(conn: Conn): void {
    const inFlight = conn.awaiting.length + conn.awaitingById.size;
    this.summary.unseen.unknownRequests += inFlight;
    conn.awaiting = [];
    conn.awaitingById.clear();
    conn.unread = [];
    conn.view?.end();
    conn.view = null;
  }

  /** A connection ends; a client that closes it while waiting has given up (the safe client's timeout). */
  private end(c: number, tUs: number, byClient: boolean, cut = false, closedLine?: number): void {
    const conn = this.conns.get(c);
    if (!conn) return;
    conn.wire.end(closedLine === undefined ? undefined : { tUs, line: closedLine });
    if (byClient) conn.view?.clientClosed(tUs);
    conn.view?.end();
    for (const req of [...conn.awaiting, ...conn.awaitingById.values()]) {
      // a request in flight where the capture was cut may well have been answered after it: unknown, not unanswered
      if (cut) this.summary.unseen.unknownRequests++;
      else if (!req.givenUp) this.find('unanswered', tUs, c, { request: req.ref, basis: 'wire' });
    }
    const models = this.summary.clientModels;
    if (conn.instrumented) models.instrumented++;
    else if (conn.view) {
      if (conn.view.seen.sequential) models.sequential++;
      if (conn.view.seen.pipelined) models.pipelined++;
    }
    this.conns.delete(c);
  }

  private find(kind: FindingKind, tUs: number, conn: number, rest: Partial<Finding>): void {
    const f: Finding = { kind, tUs, conn, basis: 'wire', ...rest };
    // a finding keeps its messages' summaries, not the messages
    if (f.request) f.request = plainRef(f.request);
    if (f.response) f.response = plainRef(f.response);
    if (f.answers) f.answers = plainRef(f.answers);
    this.summary.findings[kind]++;
    if (this.findings.length < (this.opts.maxFindings ?? 10000)) this.findings.push(f);
    this.opts.onFinding?.(f);
  }
}

/**
 * A request's or response's place and key; its summary is read from the decoded message only when something shows
 * it (most of a million messages are paired and never shown).
 */
class MessageRef implements RequestRef {
  clientId?: string | number;
  /** a key given by the user's pattern or the client's own event, in place of the message's */
  private givenKey: string | undefined;
  private keyGiven = false;

  constructor(
    readonly conn: number,
    readonly seq: number,
    readonly tUs: number,
    readonly line: number,
    private readonly decoded: Decoded,
  ) {}

  get summary(): string {
    return clip(this.decoded.summary);
  }

  /** the message's key (read from it only when asked: most are never compared), or the one given */
  get key(): string | undefined {
    return this.keyGiven ? this.givenKey : this.decoded.key;
  }

  set key(k: string | undefined) {
    this.keyGiven = true;
    this.givenKey = k;
  }

  toJSON(): RequestRef {
    return plainRef(this);
  }
}

function plainRef<T extends RequestRef | ResponseRef>(r: T): T {
  const out: RequestRef = { conn: r.conn, seq: r.seq, tUs: r.tUs, line: r.line, summary: r.summary };
  if (r.key !== undefined) out.key = r.key;
  if ('clientId' in r && r.clientId !== undefined) out.clientId = r.clientId;
  return out as T;
}

function clip(s: string): string {
  return s.length > 300 ? `${s.slice(0, 297)}…` : s;
}
