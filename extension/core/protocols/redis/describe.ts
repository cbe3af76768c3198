// How Redis commands and replies read on the timeline, close to redis-cli: `GET user:1`, `"value"`, `(integer) 3`,
// `(error) ERR unknown command`. The key a command names is its first argument unless the command takes no key.
import { isUtf8 } from 'node:buffer';
import { clipText } from '../cursor';
import { LazyDecoded, type Decoded } from '../types';
import type { Direction } from '../../transcript/format';
import { parseResp, str, type Resp, type RespMessage } from './resp';

/** commands whose first argument is not a key */
const NO_KEY = new Set([
  'AUTH',
  'HELLO',
  'PING',
  'ECHO',
  'SELECT',
  'QUIT',
  'RESET',
  'INFO',
  'CONFIG',
  'CLIENT',
  'CLUSTER',
  'COMMAND',
  'DBSIZE',
  'FLUSHALL',
  'FLUSHDB',
  'SCAN',
  'SCRIPT',
  'FUNCTION',
  'EVAL',
  'EVALSHA',
  'EVAL_RO',
  'EVALSHA_RO',
  'FCALL',
  'FCALL_RO',
  'MULTI',
  'EXEC',
  'DISCARD',
  'WATCH',
  'UNWATCH',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'PSUBSCRIBE',
  'PUNSUBSCRIBE',
  'SSUBSCRIBE',
  'SUNSUBSCRIBE',
  'PUBLISH',
  'SPUBLISH',
  'PUBSUB',
  'MONITOR',
  'SLOWLOG',
  'LATENCY',
  'MEMORY',
  'TIME',
  'LASTSAVE',
  'SAVE',
  'BGSAVE',
  'BGREWRITEAOF',
  'SHUTDOWN',
  'REPLICAOF',
  'SLAVEOF',
  'ROLE',
  'ACL',
  'WAIT',
  'READONLY',
  'READWRITE',
  'SWAPDB',
  'DEBUG',
  'OBJECT',
  'XREAD',
  'XREADGROUP',
  'MIGRATE',
  'SORT_RO',
]);

export function quoteArg(a: string): string {
  return a === '' || /[\s"'\\]|[^\x20-\x7e]/.test(a) ? JSON.stringify(a) : a;
}

export function describeCommand(args: string[], inline: boolean): Decoded {
  if (args.length === 0) return { summary: '(empty command)', error: 'a command with no arguments' };
  const name = args[0].toUpperCase();
  const shown = [name, ...args.slice(1, 12).map((a) => quoteArg(a.length > 60 ? `${a.slice(0, 59)}…` : a))];
  if (args.length > 12) shown.push(`… (${args.length - 1} args)`);
  const d: Decoded = {
    summary: clipText(shown.join(' '), 200),
    fields: { command: name, args: args.slice(1, 101), argc: args.length - 1, ...(inline ? { inline: true } : {}) },
  };
  if (args.length > 1 && !NO_KEY.has(name)) d.key = args[1];
  return d;
}

/** A reply as redis-cli would print it, on one line. */
export function show(r: Resp, depth = 0): string {
  switch (r.t) {
    case '+':
      return r.v;
    case '-':
    case '!':
      return `(error) ${str(r) ?? ''}`;
    case ':':
      return `(integer) ${r.v}`;
    case ',':
      return `(double) ${r.v}`;
    case '(':
      return `(big number) ${r.v}`;
    case '#':
      return `(${r.v})`;
    case '_':
      return '(nil)';
    case '$':
    case '=':
      return r.v === null ? '(nil)' : bulk(r.t === '=' ? r.v.subarray(4) : r.v);
    case '*':
    case '~':
    case '>': {
      if (r.v === null) return '(nil)';
      if (r.v.length === 0) return '(empty array)';
      if (depth > 2) return `[${r.n} items]`;
      const items = r.v
        .slice(0, 8)
        .map((x, i) => `${i + 1}) ${show(x, depth + 1)}`)
        .join(' ');
      const head = r.t === '~' ? '(set) ' : r.t === '>' ? '(push) ' : '';
      return `${head}${items}${r.n > 8 ? ` … (${r.n} items)` : ''}`;
    }
    case '%': {
      if (depth > 2) return `{${r.n} pairs}`;
      return `{${r.v
        .slice(0, 8)
        .map(([k, v]) => `${show(k, depth + 1)}: ${show(v, depth + 1)}`)
        .join(', ')}${r.n > 8 ? ', …' : ''}}`;
    }
  }
}

function bulk(b: Buffer): string {
  const s = isUtf8(b)
    ? JSON.stringify(b.length > 100 ? `${b.toString('utf8', 0, 100)}…` : b.toString('utf8'))
    : `0x${b.subarray(0, 50).toString('hex')}${b.length > 50 ? '…' : ''}`;
  return s;
}

/** A JSON value for the details pane. */
export function plain(r: Resp, depth = 0): unknown {
  if (depth > 16) return '…';
  switch (r.t) {
    case '$':
    case '!':
    case '=':
      return r.v === null ? null : isUtf8(r.v) ? r.v.toString('utf8') : { hex: r.v.subarray(0, 1024).toString('hex'), bytes: r.v.length };
    case '*':
    case '~':
    case '>':
      return r.v === null ? null : r.v.map((x) => plain(x, depth + 1));
    case '%':
      return r.v.map(([k, v]) => [plain(k, depth + 1), plain(v, depth + 1)]);
    case '_':
      return null;
    default:
      return r.v;
  }
}

/**
 * describeCommand on demand: the key (what pairing reads of every command) at once, the summary and fields when
 * shown. `argc`: the command's argument count when some of its arguments were not kept (a value past the cap).
 */
export function lazyCommand(items: Resp[], inline: boolean, argc?: number, alone = false): Decoded {
  if (items.length === 0) return describeCommand([], inline);
  return new LazyCommand(items, inline, argc, alone);
}

const KEY_LATER = { keyLater: true } as const;
const KEY_LATER_ALONE = { keyLater: true, alone: 'redis' } as const;

/** A command whose arguments are made text when something reads it (its key, its summary), not as it is framed. */
class LazyCommand extends LazyDecoded {
  constructor(
    private readonly items: Resp[],
    private readonly inline: boolean,
    private readonly argc: number | undefined,
    alone: boolean,
  ) {
    super(null, alone ? KEY_LATER_ALONE : KEY_LATER);
  }

  protected override findKey(): string | undefined {
    const items = this.items;
    return items.length > 1 && !NO_KEY.has(argText(items[0]).toUpperCase()) ? argText(items[1]) : undefined;
  }

  protected override decode(): Decoded {
    return commandDecoded(this.items.map(argText), this.inline, this.argc);
  }
}

function argText(r: Resp): string {
  return str(r) ?? '';
}

function commandDecoded(args: string[], inline: boolean, argc?: number): Decoded {
  const d = describeCommand(args, inline);
  if (argc !== undefined) d.fields = { ...d.fields, argc };
  return d;
}

/** describeReply on demand: whether it failed at once, the summary and fields when shown. */
export function lazyReply(r: RespMessage, alone = false): Decoded {
  return new LazyReply(r, r.t === '-' || r.t === '!', alone);
}

const FAILED = { failed: true } as const;
const FAILED_ALONE = { failed: true, alone: 'redis' } as const;
const ALONE = { alone: 'redis' } as const;

class LazyReply extends LazyDecoded {
  constructor(
    private readonly reply: RespMessage,
    failed: boolean,
    alone: boolean,
  ) {
    super(null, failed ? (alone ? FAILED_ALONE : FAILED) : alone ? ALONE : {});
  }

  protected override decode(): Decoded {
    return describeReply(this.reply);
  }
}

/**
 * A whole command or reply decoded from its bytes alone, as the session decodes it (`Protocol.describe`): for the
 * timeline, which keeps a message's bytes and decodes it when shown.
 */
export function describeAlone(dir: Direction, bytes: Buffer): Decoded {
  if (dir === 'c2s' && bytes[0] !== 0x2a) {
    const text = bytes.toString('utf8', 0, bytes.indexOf(10) + 1 || bytes.length).trim();
    return text === '' ? { summary: '(empty command)', error: 'a command with no arguments' } : describeCommand(text.split(/\s+/), true);
  }
  const r = parseResp(bytes, 0);
  if (!('value' in r)) return { summary: dir === 'c2s' ? 'command' : 'reply', error: 'not a whole RESP message' };
  const v = r.value;
  if (dir === 's2c') return describeReply(v);
  if (v.t === '*' && v.v && v.v.every((a) => a.t === '$' && a.v !== null)) {
    return commandDecoded(
      v.v.map((a) => str(a) ?? ''),
      false,
      v.n > v.v.length ? v.n - 1 : undefined,
    );
  }
  return { summary: 'command', error: 'a command that is not an array of bulk strings' };
}

export function describeReply(r: RespMessage): Decoded {
  const d: Decoded = {
    summary: clipText(show(r), 200),
    fields: { type: r.t, value: plain(r), ...(r.attrs ? { attributes: r.attrs.map(([k, v]) => [plain(k), plain(v)]) } : {}) },
  };
  if (r.t === '-' || r.t === '!') d.failed = true;
  return d;
}
