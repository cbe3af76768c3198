// Framing of one direction of an HTTP/1.x connection: bytes in any chunks, out as each message's head, its body in
// pieces as they arrive (by Content-Length, chunked with trailers, or up to the connection's close), and its end.
// Bodies are handed on as they come, never held whole, so a 1 GB download costs no memory here; only a head or a
// chunk-size line still arriving is held. How a body is delimited depends on the other direction (a HEAD request's
// answer has none), so the owner says it when the head is whole.
//
// Not Node's parser: llhttp is reachable only through Node internals (`_http_common`, `process.binding`), not a
// public API, and the public `http` module reads sockets and hides where each message begins and ends in the bytes,
// which framing for replay and same-length masking need exactly. So a small framer, by RFC 9112 §6.
import { ByteQueue, type Frame } from '../bytequeue';
import { MAX_HEAD_BYTES, parseHead, type Head } from './head';

export type BodyMode = { t: 'none' } | { t: 'length'; n: number } | { t: 'chunked' } | { t: 'close' };

export interface FramerSink {
  /** a head is whole: how its body is delimited, or why it cannot be told (the framing is then lost) */
  head(head: Head, frame: Frame): BodyMode | string;
  /** body bytes as sent (chunk-size lines and trailers too), of which `payload` are the body's own */
  body(frame: Frame, payload: number): void;
  end(tEndUs: number): void;
  /** bytes that cannot be framed (and, the framing lost, none of this direction's later bytes are) */
  lost(frame: Frame, why: string): void;
}

/** a chunk-size line (with its extensions) or a trailer line longer than this is no HTTP */
const MAX_LINE_BYTES = 8 * 1024;

type State = 'idle' | 'head' | 'body' | 'switched' | 'lost';
type ChunkPart = 'size' | 'data' | 'crlf' | 'trailer';

export class MessageFramer {
  private readonly q = new ByteQueue();
  private state: State = 'idle';
  /** head: where to look on for the next line end */
  private scan = 0;
  private mode: BodyMode = { t: 'none' };
  /** bytes still to come of a Content-Length body or of the current chunk's data */
  private left = 0;
  private part: ChunkPart = 'size';
  private trailerBytes = 0;
  /** bytes of the message in progress framed so far (its head, its body up to now) */
  messageBytes = 0;
  /** the connection leaves HTTP after the message in progress (101 Switching Protocols, a CONNECT tunnel) */
  private switchWhy: string | null = null;

  constructor(
    private readonly dir: 'c2s' | 's2c',
    private readonly sink: FramerSink,
  ) {}

  private pushed = 0;

  push(bytes: Buffer, tUs: number): void {
    if (this.state === 'lost') return;
    this.pushed += bytes.length;
    this.q.push(bytes, tUs);
    this.run();
  }

  /** bytes of this direction framed so far: where in its stream the next byte held lies */
  get offset(): number {
    return this.pushed - this.q.length;
  }

  /** bytes held that are not framed yet: a head or a chunk-size line still arriving */
  get held(): number {
    return this.state === 'lost' ? 0 : this.q.length;
  }

  /** whether a message is under way (its first byte is in) */
  get busy(): boolean {
    return this.state === 'head' || this.state === 'body';
  }

  /**
   * The connection stops speaking HTTP: at once when no body is under way (what is held, a head not yet whole, is
   * the new protocol's), else after the message in progress. The rest of this direction is handed on as lost.
   */
  switchProtocols(why: string): void {
    this.switchWhy = why;
    if (this.state === 'idle' || this.state === 'head') {
      this.state = 'switched';
      this.messageBytes = 0;
    }
  }

  /** The connection closed: a body delimited by the close is whole; bytes after a switch are handed on. */
  end(tEndUs: number): void {
    if (this.state === 'body' && this.mode.t === 'close') this.finish(tEndUs);
    if (this.state === 'switched' && this.q.length > 0) this.run();
  }

  private run(): void {
    const q = this.q;
    for (;;) {
      switch (this.state) {
        case 'lost':
          return;
        case 'switched':
          if (q.length > 0) this.lose(q.take(q.length), this.switchWhy ?? 'the connection left HTTP');
          return;
        case 'idle':
          // empty lines between messages are ignored (RFC 9112 §2.2)
          while (q.length > 0 && (q.byteAt(0) === 13 || q.byteAt(0) === 10)) q.take(1);
          if (q.length === 0) return;
          this.state = 'head';
          this.scan = 0;
          break;
        case 'head':
          if (!this.head()) return;
          break;
        case 'body':
          if (!this.body()) return;
          break;
      }
    }
  }

  /** Takes a whole head and learns how its body is delimited; false while it is not whole. */
  private head(): boolean {
    const q = this.q;
    const end = this.headEnd();
    if (end < 0) {
      if (q.length > MAX_HEAD_BYTES) this.lose(q.take(q.length), `a head longer than ${MAX_HEAD_BYTES} bytes without its end`);
      return false;
    }
    const f = q.take(end);
    this.messageBytes = end;
    const head = parseHead(f.bytes, this.dir);
    const mode = typeof head === 'string' ? head : this.sink.head(head, f);
    if (typeof mode === 'string') {
      this.lose(this.withRest(f), mode);
      return false;
    }
    this.mode = mode;
    if (mode.t === 'none' || (mode.t === 'length' && mode.n === 0)) {
      this.finish(f.tEndUs);
      return true;
    }
    this.state = 'body';
    this.left = mode.t === 'length' ? mode.n : 0;
    this.part = 'size';
    this.trailerBytes = 0;
    return true;
  }

  /** Where the held head ends (just past its empty line), or -1 while it is not all here. */
  private headEnd(): number {
    const q = this.q;
    for (;;) {
      const lf = q.indexOf(10, this.scan);
      if (lf < 0) {
        this.scan = q.length;
        return -1;
      }
      this.scan = lf;
      if (lf + 1 >= q.length) return -1;
      const a = q.byteAt(lf + 1);
      if (a === 10) return lf + 2;
      if (a === 13) {
        if (lf + 2 >= q.length) return -1;
        if (q.byteAt(lf + 2) === 10) return lf + 3;
      }
      this.scan = lf + 1;
    }
  }

  /** Takes what there is of the body; true when the message ended and framing goes on. */
  private body(): boolean {
    const q = this.q;
    if (q.length === 0) return false;
    switch (this.mode.t) {
      case 'close': {
        const f = q.take(q.length);
        this.piece(f, f.bytes.length);
        return false;
      }
      case 'length': {
        const f = q.take(Math.min(this.left, q.length));
        this.left -= f.bytes.length;
        this.piece(f, f.bytes.length);
        if (this.left > 0) return false;
        this.finish(f.tEndUs);
        return true;
      }
      default:
        return this.chunked();
    }
  }

  /** One step of a chunked body (RFC 9112 §7.1); true when it made progress. */
  private chunked(): boolean {
    const q = this.q;
    switch (this.part) {
      case 'size': {
        const line = this.line();
        if (!line) return false;
        const m = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?\r?\n$/s.exec(line.bytes.toString('latin1'));
        if (!m) {
          this.lose(this.withRest(line), `a chunk-size line that is not hex: ${JSON.stringify(line.bytes.toString('latin1', 0, 40))}`);
          return false;
        }
        this.piece(line, 0);
        this.left = parseInt(m[1], 16);
        this.part = this.left === 0 ? 'trailer' : 'data';
        return true;
      }
      case 'data': {
        const f = q.take(Math.min(this.left, q.length));
        this.left -= f.bytes.length;
        this.piece(f, f.bytes.length);
        if (this.left === 0) this.part = 'crlf';
        return true;
      }
      case 'crlf': {
        const n = q.byteAt(0) === 10 ? 1 : q.byteAt(0) === 13 ? 2 : 0;
        if (n === 2 && q.length < 2) return false;
        if (n === 0 || (n === 2 && q.byteAt(1) !== 10)) {
          this.lose(q.take(q.length), 'a chunk not ended by CRLF');
          return false;
        }
        this.piece(q.take(n), 0);
        this.part = 'size';
        return true;
      }
      case 'trailer': {
        const line = this.line();
        if (!line) return false;
        this.trailerBytes += line.bytes.length;
        if (this.trailerBytes > MAX_HEAD_BYTES) {
          this.lose(this.withRest(line), `trailers longer than ${MAX_HEAD_BYTES} bytes`);
          return false;
        }
        this.piece(line, 0);
        const empty = line.bytes.length <= 2 && (line.bytes[0] === 10 || line.bytes[0] === 13);
        if (empty) this.finish(line.tEndUs);
        return true;
      }
    }
  }

  /** A whole line (through its LF), or null while it is still arriving. */
  private line(): Frame | null {
    const lf = this.q.indexOf(10);
    if (lf >= 0) return this.q.take(lf + 1);
    if (this.q.length > MAX_LINE_BYTES) this.lose(this.q.take(this.q.length), `a chunked-body line longer than ${MAX_LINE_BYTES} bytes`);
    return null;
  }

  /** `f` and every byte held after it, as one frame */
  private withRest(f: Frame): Frame {
    if (this.q.length === 0) return f;
    const rest = this.q.take(this.q.length);
    return { bytes: Buffer.concat([f.bytes, rest.bytes]), tUs: f.tUs, tEndUs: rest.tEndUs };
  }

  private piece(f: Frame, payload: number): void {
    this.messageBytes += f.bytes.length;
    this.sink.body(f, payload);
  }

  private finish(tEndUs: number): void {
    this.messageBytes = 0;
    this.state = this.switchWhy !== null ? 'switched' : 'idle';
    this.sink.end(tEndUs);
  }

  private lose(f: Frame, why: string): void {
    this.state = 'lost';
    this.messageBytes = 0;
    this.sink.lost(f, why);
  }
}
