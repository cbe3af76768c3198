// The client's view of one FIFO connection whose client says nothing of itself: which answer it took for which
// request, inferred from its behaviour on the wire. The model is not the protocol's but the connection's, and may
// change over its life (a pool lends it to another user), so it is decided per stretch: a stretch begins when the
// server owes nothing and the view holds no unread answer.
// - A client that sends several requests in one write, or back to back before any answer (within BURST_US), pipelines:
//   its view is the server's truth for the rest of the stretch.
// - A client that only ever sends after an answer is sequential. When it sends, after a pause, while the request it
//   waits on is unanswered, it gave that request up and kept the connection (an episode begins): from then on it
//   takes each arriving answer as its newest request's, as the 2008 tracker client did.
// What an episode concludes is held until the client's behaviour tells: a client that acts (sends, or closes) on a
// taken answer before its own answer arrives, sooner than its timeout (the shortest pause before a give-up on this
// connection) would have fired, took it (corroborated: the findings stand); a client that waits for its own answer
// before each move, REFUTE_AFTER takes in a row, matches answers to requests (refuted: its view is the server's truth,
// and the held findings go). When the connection ends first, an episode whose takes the client waited out, at least
// WAITED_AT_END of them, is refuted too; one with less to go on leaves its mismatches suspected, not found.
import type { Finding, FindingKind, RequestRef, ResponseRef } from './findings';

export type ClientModel = 'auto' | 'sequential' | 'pipelined';

/** requests written this close together, before any answer, are one burst: a pipelining client */
export const BURST_US = 1000;
/**
 * takes a client waited out (its own answer came before its next move) before the view is refuted: on loopback an
 * answer comes back sooner than a client thinks, so one such take proves nothing; a run of them does
 */
export const REFUTE_AFTER = 64;
/** takes waited out that refute an episode the connection's end cuts short */
export const WAITED_AT_END = 2;
/** a move this share of the client's timeout after a request, or later, may be the timeout firing */
const TIMEOUT_LIKE = 0.9;

export interface Req {
  ref: RequestRef;
  givenUp: boolean;
  answeredBy: Resp | null;
}
export interface Resp {
  ref: ResponseRef;
  answers: Req | null;
  /** the answer's bytes, held while the view may still take it (for the key it carries) */
  bytes: Buffer | null;
}

type Held = [FindingKind, number, Partial<Finding>];

interface Episode {
  held: Held[];
  corroborated: boolean;
  waited: number;
  /** the latest take of an answer that is not the taker's own, until the client's next move or its own answer */
  pending: Req | null;
  grounds: string;
}

export interface ViewSink {
  find(kind: FindingKind, tUs: number, rest: Partial<Finding>): void;
  /** the mismatch the view sees when `req` takes `resp`, or null when it is the request's own answer */
  judge(req: Req, resp: Resp): Partial<Finding> | null;
  suspect(n: number): void;
}

export class ClientView {
  stretch: 'unknown' | 'sequential' | 'pipelined';
  /** the models this connection showed over its life, for the summary */
  readonly seen = { sequential: false, pipelined: false };
  private waiting: Req | null = null;
  private unread: Resp[] = [];
  private lastReqEndUs = -Infinity;
  private lastReqEvent = -1;
  private answersSinceReq = 0;
  private episode: Episode | null = null;
  /** the shortest pause before a give-up seen here: the client's timeout, about */
  private timeoutUs = Infinity;

  constructor(
    private readonly model: ClientModel,
    private readonly sink: ViewSink,
  ) {
    this.stretch = model === 'auto' ? 'unknown' : model;
  }

  /** Any client message (a request, a quit, data) whose first byte was sent at `tUs`: the client moved. */
  move(tUs: number): void {
    const e = this.episode;
    if (!e?.pending) return;
    const taker = e.pending;
    e.pending = null;
    // a move as late as a timeout is the client giving up on the taker, which tells nothing of what it took
    if (taker.answeredBy === null && tUs - taker.ref.tUs < TIMEOUT_LIKE * this.timeoutUs) this.corroborate(e);
  }

  /** A request that expects an answer; `owed` is how many earlier requests the server has not answered. */
  request(req: Req, startUs: number, event: number, owed: number): void {
    if (this.model === 'auto' && owed === 0 && this.unread.length === 0 && this.waiting === null && !this.episode) {
      // sent after the answer it waited for: what a sequential client does
      if (this.answersSinceReq > 0) this.seen.sequential = true;
      this.stretch = 'unknown';
    }
    if (this.stretch === 'pipelined') {
      this.note(req, event);
      this.seen.pipelined = true;
      return;
    }
    if (this.waiting && owed > 0) {
      const burst = event === this.lastReqEvent || (this.answersSinceReq === 0 && startUs - this.lastReqEndUs <= BURST_US);
      if (burst && this.stretch === 'unknown') {
        this.pipelined();
        this.note(req, event);
        return;
      }
      this.timeoutUs = Math.min(this.timeoutUs, startUs - this.waiting.ref.tUs);
      this.giveUp(this.waiting, req.ref.tUs);
    }
    this.waiting = req;
    this.note(req, event);
    const next = this.unread.shift();
    if (next) this.take(req, next);
  }

  response(resp: Resp): void {
    this.answersSinceReq++;
    const e = this.episode;
    if (e?.pending && resp.answers === e.pending) {
      e.pending = null;
      if (!e.corroborated && ++e.waited >= REFUTE_AFTER) {
        this.refute();
        return;
      }
    }
    if (this.stretch === 'pipelined') return;
    if (this.waiting) {
      const waiter = this.waiting;
      if (this.unread.length === 0) this.take(waiter, resp);
      else {
        this.unread.push(resp);
        this.take(waiter, this.unread.shift() as Resp);
      }
    } else {
      this.unread.push(resp);
    }
  }

  /** The client closed the connection: a client that closes while waiting gave its request up. */
  clientClosed(tUs: number): void {
    this.move(tUs);
    const w = this.waiting;
    if (w && w.answeredBy === null && this.stretch !== 'pipelined') {
      w.givenUp = true;
      this.emit('timeout', tUs, { request: w.ref, keptConnection: false, basis: 'inferred' });
    }
  }

  /** The connection ended (or lost bytes): an episode still undecided leaves its mismatches suspected. */
  end(): void {
    const e = this.episode;
    if (e && !e.corroborated && e.waited < WAITED_AT_END) {
      const suspected = e.held.filter(([k]) => k === 'mismatch').length;
      for (const h of e.held) if (h[0] !== 'mismatch') this.sink.find(...h);
      if (suspected) this.sink.suspect(suspected);
    }
    this.episode = null;
    this.waiting = null;
    this.unread = [];
  }

  private note(req: Req, event: number): void {
    this.lastReqEndUs = req.ref.tUs;
    this.lastReqEvent = event;
    this.answersSinceReq = 0;
  }

  private giveUp(req: Req, tUs: number): void {
    req.givenUp = true;
    this.stretch = 'sequential';
    this.seen.sequential = true;
    this.episode ??= {
      held: [],
      corroborated: this.model === 'sequential',
      waited: 0,
      pending: null,
      grounds:
        this.model === 'sequential'
          ? 'the client taken as sequential (--client-model sequential)'
          : `inferred from behaviour: request #${req.ref.seq} was still unanswered when the client sent its next request after a pause`,
    };
    this.emit('timeout', tUs, { request: req.ref, keptConnection: true, basis: 'inferred' });
  }

  private take(req: Req, resp: Resp): void {
    if (this.waiting === req) this.waiting = null;
    const f = this.sink.judge(req, resp);
    if (!f) {
      if (this.episode && this.unread.length === 0 && this.episode.corroborated) this.episode = null;
      return;
    }
    const e = this.episode;
    if (e && !e.corroborated) e.pending = req;
    this.emit('mismatch', Math.max(resp.ref.tUs, req.ref.tUs), { ...f, basis: 'inferred', grounds: e?.grounds ?? 'inferred from behaviour' });
  }

  /** a late answer to a request the view gave up */
  late(req: Req, resp: Resp): void {
    this.emit('late', resp.ref.tUs, { request: req.ref, response: resp.ref, basis: 'inferred' });
  }

  private emit(kind: FindingKind, tUs: number, rest: Partial<Finding>): void {
    const e = this.episode;
    if (e && !e.corroborated) e.held.push([kind, tUs, rest]);
    else this.sink.find(kind, tUs, rest);
  }

  private corroborate(e: Episode): void {
    if (e.corroborated) return;
    e.corroborated = true;
    e.grounds += ', and it acted on an answer before its own answer arrived';
    for (const h of e.held) {
      if (h[0] === 'mismatch') h[2] = { ...h[2], grounds: e.grounds };
      this.sink.find(...h);
    }
    e.held = [];
  }

  /** The client waited for its own answers: it matches answers to requests. Its view is the server's truth. */
  private refute(): void {
    this.episode = null;
    this.pipelined();
  }

  private pipelined(): void {
    this.stretch = 'pipelined';
    this.seen.pipelined = true;
    this.waiting = null;
    this.unread = [];
  }
}
