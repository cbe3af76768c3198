// How Redis commands and replies read on the timeline, close to redis-cli: `GET user:1`, `"value"`, `(integer) 3`,
// `(error) ERR unknown command`. The key a command names is its first argument unless the command takes no key.
import { isUtf8 } from 'node:buffer';
import { clipText } from '../cursor';
import { LazyDecoded, type Decoded } from '../types';
import { str, type Resp, type RespMessage } from './resp';

/** commands whose first argument is not a key */
const NO_KEY = new Set([
  'AUTH', 'HELLO', 'PING', 'ECHO', 'SELECT', 'QUIT', 'RESET', 'INFO', 'CONFIG', 'CLIENT', 'CLUSTER', 'COMMAND', 'DBSIZE',
  'FLUSHALL', 'FLUSHDB', 'SCAN', 'SCRIPT', 'FUNCTION', 'EVAL', 'EVALSHA', 'EVAL_RO', 'EVALSHA_RO', 'FCALL', 'FCALL_RO',
  'MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PSUBSCRIBE', 'PUNSUBSCRIBE',
  'SSUBSCRIBE', 'SUNSUBSCRIBE', 'PUBLISH', 'SPUBLISH', 'PUBSUB', 'MONITOR', 'SLOWLOG', 'LATENCY', 'MEMORY', 'TIME',
  'LASTSAVE', 'SAVE', 'BGSAVE', 'BGREWRITEAOF', 'SHUTDOWN', 'REPLICAOF', 'SLAVEOF', 'ROLE', 'ACL', 'WAIT', 'READONLY',
  'READWRITE', 'SWAPDB', 'DEBUG', 'OBJECT', 'XREAD', 'XREADGROUP', 'MIGRATE', 'SORT_RO',
]);

export function quoteArg(a: string): string {
  return a === '' || /[\s"'\\]|[^\x20-\x7e]/.test(a) ? JSON.stringify(a) : a;
}

export function describeCommand(args: string[], inline: boolean): Decoded {
  if (args.length === 0) return { summary: '(empty command)', error: 'a command with no arguments' };
  const name = args[0].toUpperCase();
  const shown = [name, ...args.slice(1, 12).map((a) => quoteArg(a.length > 60 ? `${a.slice(0, 59)}…` : a))];
  if (args.length > 12) shown.push(`… (${args.length - 1} args)`);
  const d: Decoded = { summary: clipText(shown.join(' '), 200), fields: { command: name, args: args.slice(1, 101), argc: args.length - 1, ...(inline ? { inline: true } : {}) } };
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
      const items = r.v.slice(0, 8).map((x, i) => `${i + 1}) ${show(x, depth + 1)}`).join(' ');
      const head = r.t === '~' ? '(set) ' : r.t === '>' ? '(push) ' : '';
      return `${head}${items}${r.n > 8 ? ` … (${r.n} items)` : ''}`;
    }
    case '%': {
      if (depth > 2) return `{${r.n} pairs}`;
      return `{${r.v.slice(0, 8).map(([k, v]) => `${show(k, depth + 1)}: ${show(v, depth + 1)}`).join(', ')}${r.n > 8 ? ', …' : ''}}`;
    }
  }
}

function bulk(b: Buffer): string {
  const s = isUtf8(b) ? JSON.stringify(b.length > 100 ? `${b.toString('utf8', 0, 100)}…` : b.toString('utf8')) : `0x${b.subarray(0, 50).toString('hex')}${b.length > 50 ? '…' : ''}`;
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
export function lazyCommand(args: string[], inline: boolean, argc?: number): Decoded {
  if (args.length === 0) return describeCommand(args, inline);
  const make = () => {
    const d = describeCommand(args, inline);
    if (argc !== undefined) d.fields = { ...d.fields, argc };
    return d;
  };
  return new LazyDecoded(make, args.length > 1 && !NO_KEY.has(args[0].toUpperCase()) ? { key: args[1] } : {});
}

/** describeReply on demand: whether it failed at once, the summary and fields when shown. */
export function lazyReply(r: RespMessage): Decoded {
  return new LazyDecoded(() => describeReply(r), r.t === '-' || r.t === '!' ? { failed: true } : {});
}

export function describeReply(r: RespMessage): Decoded {
  const d: Decoded = { summary: clipText(show(r), 200), fields: { type: r.t, value: plain(r), ...(r.attrs ? { attributes: r.attrs.map(([k, v]) => [plain(k), plain(v)]) } : {}) } };
  if (r.t === '-' || r.t === '!') d.failed = true;
  return d;
}
