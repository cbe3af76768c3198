// One HTTP/1.x connection decoded: requests in, responses out, paired in order (FIFO); keep-alive and pipelining
// are many messages in order. A message is handed on when its last byte is in, keeping its head and the first
// KEEP_BYTES of it (a 1 GB download is counted, not held). Interim responses (100 Continue) answer no request and
// are marked unsolicited; so is a 408 sent when no request is waiting (a server closing an idle connection). A final
// response whose request is not whole yet (a server that answers an upload early, 417 or 413) is held until that
// request is whole, so pairing sees every answer after its request. A body delimited by the connection's close is
// handed on at `end`.
import type { Direction } from '../../transcript/format';
import { joinFrames, unframable, type Frame } from '../bytequeue';
import type { WireMessage, WireSession } from '../types';
import { Conversation, type HeadRole } from './conversation';
import { lazyMessage } from './describe';
import type { Head } from './head';

/** bytes of a message kept to show (the details pane shows 64 KiB at most): its head and its body's first bytes */
export const KEEP_BYTES = 64 * 1024;

interface Building {
  head: Head;
  role: HeadRole;
  parts: Buffer[];
  kept: number;
  total: number;
  payload: number;
  tUs: number;
  tEndUs: number;
}

export class HttpSession implements WireSession {
  private readonly conversation: Conversation;
  private readonly building: Record<Direction, Building | null> = { c2s: null, s2c: null };
  private out: WireMessage[] = [];
  private requestsStarted = 0;
  private requestsDone = 0;
  private finals = 0;
  /** final responses that came before their request was whole, with their number among the final responses */
  private readonly early: Array<[number, WireMessage]> = [];

  constructor() {
    this.conversation = new Conversation({
      head: (dir, head, f, role) => this.onHead(dir, head, f, role),
      body: (dir, f, payload) => this.onBody(dir, f, payload),
      end: (dir, tEndUs) => this.onEnd(dir, tEndUs),
      lost: (dir, f, why) => this.onLost(dir, f, why),
    });
  }

  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[] {
    this.conversation.push(dir, bytes, tUs);
    return this.drain();
  }

  /** The server closed the connection: a body delimited by the close is whole, and an answer held for its request goes out. */
  close(tUs: number): WireMessage[] {
    this.conversation.end(tUs);
    const partial = this.building.c2s;
    if (this.early.length > 0 && partial) {
      // the request never came whole (the server answered early and closed): shown as far as it came
      this.building.c2s = null;
      this.out.push(this.message('c2s', partial, 'the connection closed before this request was whole'));
      this.requestDone();
    }
    for (const [, m] of this.early.splice(0)) this.out.push(m);
    return this.drain();
  }

  pendingBytes(dir: Direction): number {
    const framer = this.conversation.framers[dir];
    return framer.messageBytes + framer.held;
  }

  private drain(): WireMessage[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private onHead(dir: Direction, head: Head, f: Frame, role: HeadRole): void {
    if (dir === 'c2s') this.requestsStarted++;
    this.building[dir] = { head, role, parts: [f.bytes], kept: f.bytes.length, total: f.bytes.length, payload: 0, tUs: f.tUs, tEndUs: f.tEndUs };
  }

  private onBody(dir: Direction, f: Frame, payload: number): void {
    const b = this.building[dir];
    if (!b) return;
    b.total += f.bytes.length;
    b.payload += payload;
    b.tEndUs = f.tEndUs;
    if (b.kept < KEEP_BYTES) {
      const part = f.bytes.subarray(0, KEEP_BYTES - b.kept);
      b.parts.push(part);
      b.kept += part.length;
    }
  }

  private onEnd(dir: Direction, tEndUs: number): void {
    const b = this.building[dir];
    if (!b) return;
    this.building[dir] = null;
    b.tEndUs = Math.max(b.tEndUs, tEndUs);
    const m = this.message(dir, b, undefined);
    if (dir === 'c2s') {
      this.out.push(m);
      this.requestDone();
      return;
    }
    const final = !b.role.interim && !b.role.unasked;
    const n = final ? ++this.finals : 0;
    if (final && n > this.requestsDone && n <= this.requestsStarted) this.early.push([n, m]);
    else this.out.push(m);
  }

  /** Bytes that cannot be framed: the message they cut short is shown as far as it came, then the bytes. */
  private onLost(dir: Direction, f: Frame, why: string): void {
    const b = this.building[dir];
    if (b) {
      this.building[dir] = null;
      this.out.push(this.message(dir, b, `${why}; the message ends there`));
      if (dir === 'c2s') this.requestDone();
    }
    this.out.push(unframable(dir, f, why));
  }

  /** A request is whole: the answers that came early for it go out after it. */
  private requestDone(): void {
    this.requestsDone++;
    while (this.early.length > 0 && this.early[0][0] <= this.requestsDone) this.out.push((this.early.shift() as [number, WireMessage])[1]);
  }

  private message(dir: Direction, b: Building, error: string | undefined): WireMessage {
    const bytes = joinFrames(b.parts);
    const decoded = lazyMessage(b.head, bytes, b.kept === b.total && error === undefined, { payload: b.payload });
    if (error !== undefined) decoded.error = error;
    const m: WireMessage = { dir, tUs: b.tUs, tEndUs: b.tEndUs, bytes, decoded };
    const status = b.head.start.kind === 'response' ? b.head.start.status : 0;
    if (b.role.interim || (b.role.unasked && status === 408)) m.unsolicited = true;
    return m;
  }
}
