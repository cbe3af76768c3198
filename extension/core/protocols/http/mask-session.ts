// One HTTP/1.x connection framed for masking only: the same framing as HttpSession (the Conversation of both), but
// what it hands the recorder is each head's secrets by their place in the stream, nothing decoded. Bodies go out as
// they arrive, never held (they carry no header), so a download or an upload through the recorder streams; only a
// head, or a chunk-size line, still arriving is held. `redactSent` masks the bytes the recorder releases, in order,
// by those places, so a body that repeats a head's bytes can never be mistaken for it.
import type { Direction } from '../../transcript/format';
import { MASK_BYTE } from '../mask';
import { unframable } from '../bytequeue';
import type { WireMessage, WireSession } from '../types';
import { Conversation } from './conversation';
import { secretRanges } from './redact';

export class HttpMaskSession implements WireSession {
  private readonly conversation: Conversation;
  private out: WireMessage[] = [];
  /** secrets not yet released, as [start, end) offsets in each direction's stream */
  private readonly secrets: Record<Direction, Array<[number, number]>> = { c2s: [], s2c: [] };
  /** bytes of each direction released so far (through `redactSent`) */
  private readonly sent: Record<Direction, number> = { c2s: 0, s2c: 0 };

  constructor() {
    this.conversation = new Conversation({
      head: (dir, head, f) => {
        const at = this.conversation.framers[dir].offset - f.bytes.length;
        for (const [s, e] of secretRanges(head, f.bytes)) this.secrets[dir].push([at + s, at + e]);
      },
      body: () => undefined,
      end: () => undefined,
      lost: (dir, f, why) => this.out.push(unframable(dir, f, why)),
    });
  }

  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[] {
    this.conversation.push(dir, bytes, tUs);
    const out = this.out;
    this.out = [];
    return out;
  }

  pendingBytes(dir: Direction): number {
    return this.conversation.framers[dir].held;
  }

  /** The next `bytes` of this direction as released (every byte not pending, in order), secrets masked in a copy. */
  redactSent(dir: Direction, bytes: Buffer): Buffer {
    const from = this.sent[dir];
    const to = from + bytes.length;
    this.sent[dir] = to;
    const list = this.secrets[dir];
    let out: Buffer | null = null;
    let done = 0;
    for (const [s, e] of list) {
      if (s >= to) break;
      if (e > from) {
        out ??= Buffer.from(bytes);
        out.fill(MASK_BYTE, Math.max(s, from) - from, Math.min(e, to) - from);
      }
      if (e <= to) done++;
      else break;
    }
    list.splice(0, done);
    return out ?? bytes;
  }
}
