// One Redis connection: commands (RESP arrays or inline lines) in, replies out, paired in order (FIFO) with many
// commands in flight. Some server messages answer no command, and are marked unsolicited so pairing skips them:
// RESP3 pushes (pub/sub messages, invalidations), RESP2 pub/sub messages once subscribed, the extra confirmations of
// a SUBSCRIBE to several channels (one reply per channel), and MONITOR's feed. CLIENT REPLY OFF/SKIP silence replies.
import type { Direction } from '../../transcript/format';
import { ByteQueue, HEAD_BYTES, unframable, type Frame } from '../bytequeue';
import { findBigValue, type BigValue } from './big-value';
import type { Decoded, WireMessage, WireSession } from '../types';
import { lazyCommand, lazyReply } from './describe';
import { namedWithoutPassword } from './redact';
import { MAX_LINE, parseResp, str, type Resp, type RespMessage } from './resp';

const SUBSCRIPTION = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']);
const PUBSUB_MESSAGES = new Set(['message', 'pmessage', 'smessage']);

interface Waiting {
  /** lower-case name of a (un)subscribe command, whose replies are one confirmation per channel */
  subscription: string | null;
  confirmations: number;
  answered: boolean;
  /** MONITOR: once answered, the server streams every command it runs as simple strings */
  monitor: boolean;
}

export class RedisSession implements WireSession {
  private readonly queues = { c2s: new ByteQueue(), s2c: new ByteQueue() };
  private readonly need = { c2s: 0, s2c: 0 };
  private readonly broken = { c2s: false, s2c: false };
  private readonly waiting: Waiting[] = [];
  private subscribed = 0;
  private monitoring = false;
  private replies: 'on' | 'off' | 'skip' = 'on';

  /** values after a skipped big one that still belong to its command: read and dropped */
  private readonly trailing = { c2s: 0, s2c: 0 };
  /** a command or reply with a big value, shown once its last byte is in (so its time is when it was whole) */
  private readonly bigPending: Record<Direction, { frame: Frame; value: RespMessage } | null> = { c2s: null, s2c: null };

  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[] {
    if (this.broken[dir]) return [];
    const q = this.queues[dir];
    q.push(bytes, tUs);
    const out: WireMessage[] = [];
    this.bigDone(dir, out);
    while (q.length > 0 && q.length >= this.need[dir]) {
      const r = dir === 'c2s' && q.byteAt(0) !== 0x2a && this.trailing[dir] === 0 ? this.inline(q) : parseResp(q.peek(q.length), 0);
      if (r === null) continue;
      if ('need' in r) {
        this.need[dir] = r.need;
        break;
      }
      if ('error' in r) {
        const big = findBigValue(q.peek(q.length));
        if (big && this.trailing[dir] === 0 && !this.bigPending[dir]) {
          this.big(dir, q, big);
          this.bigDone(dir, out);
          continue;
        }
        this.broken[dir] = true;
        out.push(unframable(dir, q.take(q.length), r.error));
        break;
      }
      if (this.trailing[dir] > 0) {
        // an argument after a skipped big one: part of that command
        this.need[dir] = 0;
        this.trailing[dir]--;
        const last = q.take(r.end);
        const pending = this.bigPending[dir];
        if (pending) {
          pending.frame.tEndUs = Math.max(pending.frame.tEndUs, last.tEndUs);
          // shown with the command, as its arguments before the big value are (SET big <…> NX)
          if (pending.value.t === '*' && pending.value.v) pending.value.v.push(r.value);
        }
        this.bigDone(dir, out);
        continue;
      }
      this.need[dir] = 0;
      const f = q.take(r.end);
      out.push(dir === 'c2s' ? this.command(f, r.value) : this.reply(f, r.value));
    }
    return out;
  }

  pendingBytes(dir: Direction): number {
    return this.queues[dir].length;
  }

  /**
   * A command array whose name is in and is none of those that carry a password (redact.ts): the rest of it holds no
   * secret. Replies are not judged (CONFIG GET and ACL answers repeat passwords).
   */
  pendingHoldsNoSecret(dir: Direction): boolean {
    const q = this.queues[dir];
    if (dir !== 'c2s' || this.broken[dir] || this.trailing[dir] > 0 || this.bigPending[dir] || q.length < 4 || q.byteAt(0) !== 0x2a) return false;
    return namedWithoutPassword(q.peek(Math.min(q.length, 64)));
  }

  /** A command or reply with a value past the cap: kept by its head, the value skipped by its declared length. */
  private big(dir: Direction, q: ByteQueue, v: BigValue): void {
    const head = q.take(Math.min(q.length, v.at + HEAD_BYTES));
    q.skip(v.at + v.len + 2 - head.bytes.length);
    this.need[dir] = 0;
    this.trailing[dir] = v.after;
    const shown = `<${v.len} bytes, past the decoding cap>`;
    const frame: Frame = { ...head, declared: v.at + v.len + 2 };
    const value: RespMessage =
      dir === 's2c'
        ? { t: '$', v: Buffer.from(shown) }
        : { t: '*', v: [...v.before, shown].map((a) => ({ t: '$' as const, v: Buffer.from(a) })), n: v.before.length + 1 + v.after };
    this.bigPending[dir] = { frame, value };
  }

  /** The big command or reply, once its value is skipped and its trailing arguments are read. */
  private bigDone(dir: Direction, out: WireMessage[]): void {
    const p = this.bigPending[dir];
    const q = this.queues[dir];
    if (!p || q.skipRemaining > 0 || this.trailing[dir] > 0) return;
    this.bigPending[dir] = null;
    p.frame.tEndUs = Math.max(p.frame.tEndUs, q.skippedUntilUs);
    out.push(dir === 'c2s' ? this.command(p.frame, p.value) : this.reply(p.frame, p.value));
  }

  /** Nothing a Redis connection negotiates changes how commands are framed: a fresh session picks it up. */
  resume(dir: Direction, chunk: Buffer): WireSession | null {
    return dir === 'c2s' && beginsCommand(chunk) ? new RedisSession() : null;
  }

  /** An inline command line; null when it was an empty line (skipped, as the server does). */
  private inline(q: ByteQueue): { value: RespMessage; end: number } | { need: number } | { error: string } | null {
    const nl = q.indexOf(10);
    if (nl < 0) return q.length > MAX_LINE ? { error: `an inline command longer than ${MAX_LINE} bytes` } : { need: q.length + 1 };
    const text = q
      .peek(nl + 1)
      .toString('utf8')
      .trim();
    if (text === '') {
      q.take(nl + 1);
      return null;
    }
    const args = text.split(/\s+/).map((a) => ({ t: '$' as const, v: Buffer.from(a) }));
    return { value: { t: '*', v: args, n: args.length, inline: true } as RespMessage, end: nl + 1 };
  }

  private command(f: Frame, v: RespMessage): WireMessage {
    const inline = (v as { inline?: boolean }).inline === true;
    let decoded: Decoded;
    let items: Resp[] = [];
    if (v.t === '*' && v.v && v.v.every((a) => a.t === '$' && a.v !== null)) {
      items = v.v;
      // a command whose bytes are all here (not one past the cap, shown by its head) decodes from them alone
      decoded = lazyCommand(items, inline, v.n > v.v.length ? v.n - 1 : undefined, f.declared === undefined);
    } else {
      decoded = { summary: 'command', error: 'a command that is not an array of bulk strings' };
    }
    // the arguments as text only where the connection's state needs them (a SET's value is never made a string here)
    const name = lowerArg(items, 0);
    if (name === 'client' && lowerArg(items, 1) === 'reply') {
      const mode = lowerArg(items, 2);
      if (mode === 'on') this.replies = 'on';
      else if (mode === 'off' || mode === 'skip') {
        this.replies = mode;
        return message('c2s', f, decoded, { expectsResponse: false });
      }
    } else if (this.replies !== 'on') {
      if (this.replies === 'skip') this.replies = 'on';
      return message('c2s', f, decoded, { expectsResponse: false });
    }
    if (name === 'reset') {
      this.monitoring = false;
      this.subscribed = 0;
    }
    const subscription = SUBSCRIPTION.has(name) ? name : null;
    this.waiting.push({ subscription, confirmations: Math.max(1, items.length - 1), answered: false, monitor: name === 'monitor' });
    return message('c2s', f, decoded);
  }

  private reply(f: Frame, v: RespMessage): WireMessage {
    const decoded = lazyReply(v, f.declared === undefined);
    const items = (v.t === '*' || v.t === '>') && v.v ? v.v : null;
    const kind = items ? (str(items[0]) ?? '').toLowerCase() : '';
    const head = this.waiting[0];
    if (items && SUBSCRIPTION.has(kind)) {
      const count = items[2]?.t === ':' ? Number(items[2].v) : this.subscribed;
      this.subscribed = count;
      if (head && head.subscription === kind) {
        // one confirmation per channel: the first answers the command, the others are its echoes
        const echo = head.answered;
        head.answered = true;
        if (--head.confirmations <= 0 || ((kind.startsWith('un') || kind.startsWith('pun') || kind.startsWith('sun')) && count === 0)) this.waiting.shift();
        return message('s2c', f, decoded, echo ? { unsolicited: true } : {});
      }
      return message('s2c', f, decoded, { unsolicited: true });
    }
    if (v.t === '>') return message('s2c', f, decoded, { unsolicited: true });
    if (items && this.subscribed > 0 && PUBSUB_MESSAGES.has(kind)) return message('s2c', f, decoded, { unsolicited: true });
    if (this.monitoring && v.t === '+' && !head) return message('s2c', f, decoded, { unsolicited: true });
    if (head?.answered) this.waiting.shift(); // a subscription command whose channels were confirmed in fewer replies
    if (this.waiting.shift()?.monitor && v.t === '+') this.monitoring = true;
    return message('s2c', f, decoded);
  }
}

/**
 * A chunk that begins a command: a RESP array whose first element is a bulk string (`*3\r\n$3\r\nSET…`), or a
 * whole inline line of printable text that starts with a command name (`PING\r\n`). A chunk from the middle of a
 * bulk value can look like either: nothing in the bytes tells them apart.
 */
function beginsCommand(chunk: Buffer): boolean {
  const head = chunk.toString('latin1', 0, Math.min(chunk.length, MAX_LINE));
  if (head[0] === '*') return /^\*[1-9][0-9]{0,6}\r\n\$/.test(head);
  const nl = head.indexOf('\n');
  // module commands have a dot (JSON.GET); arguments may be any text but control characters
  return nl > 0 && /^[A-Za-z][A-Za-z._-]{0,31}([ \t][^\x00-\x08\x0a-\x1f\x7f]*)?\r?$/.test(head.slice(0, nl));
}

/** A command's i-th argument in lower case ('' past its end). A function of the module, not a closure per command. */
function lowerArg(items: Resp[], i: number): string {
  return i < items.length ? (str(items[i]) ?? '').toLowerCase() : '';
}

function message(dir: Direction, f: Frame, decoded: Decoded, extra: Partial<WireMessage> = {}): WireMessage {
  return { dir, tUs: f.tUs, tEndUs: f.tEndUs, bytes: f.bytes, decoded, ...extra };
}
