// Masks Redis passwords for recording: AUTH's password, HELLO … AUTH user password, MIGRATE … AUTH password /
// AUTH2 user password, CONFIG SET requirepass/masterauth values, and ACL SETUSER's password rules (`>pass`, `<pass`,
// `#hash`, `!hash`: the rule's first character kept), in RESP arrays and inline commands alike; and in the server's
// replies, what repeats them: an error that quotes an ACL SETUSER rule, CONFIG GET's requirepass/masterauth values,
// and the password hashes ACL LIST and ACL GETUSER show. Only
// the argument's bytes change, so every length prefix stays right. Pure: it reads the one command it is given.
import type { Direction } from '../../transcript/format';
import { maskRanges } from '../mask';

type Arg = { text: string; start: number; end: number };

export function redactRedis(dir: Direction, bytes: Buffer): Buffer | null {
  if (bytes.length === 0) return null;
  if (dir === 's2c') return mayRepeatSecret(bytes) ? redactReply(bytes) : null;
  // most commands carry no password: known from the name alone, without reading every argument (a big SET)
  if (namedWithoutPassword(bytes)) return null;
  const args = bytes[0] === 0x2a ? respArgs(bytes) : inlineArgs(bytes);
  if (!args || args.length < 2) return null;
  const lower = args.map((a) => a.text.toLowerCase());
  const ranges: Array<[number, number]> = secretArgs(lower).map((i) => [args[i].start, args[i].end]);
  if (lower[0] === 'acl' && lower[1] === 'setuser') {
    for (const a of args.slice(3)) if (/^[<>#!]/.test(a.text)) ranges.push([a.start + 1, a.end]);
  }
  return maskRanges(bytes, ranges);
}

/** the commands that may carry a password (`secretArgs`, and ACL SETUSER's rules): any other holds none */
const PASSWORD_COMMANDS = new Set(['auth', 'hello', 'migrate', 'config', 'acl']);

/** Indexes of the arguments that are passwords. */
export function secretArgs(a: string[]): number[] {
  const out: number[] = [];
  switch (a[0]) {
    case 'auth':
      out.push(a.length - 1);
      break;
    case 'hello':
    case 'migrate':
      for (let i = 1; i < a.length; i++) {
        if (a[i] === 'auth' && a[0] === 'hello') out.push(i + 2);
        else if (a[i] === 'auth') out.push(i + 1);
        else if (a[i] === 'auth2') out.push(i + 2);
      }
      break;
    case 'config':
      if (a[1] === 'set') for (let i = 2; i + 1 < a.length; i += 2) if (a[i] === 'requirepass' || a[i] === 'masterauth') out.push(i + 1);
      break;
    default:
      break;
  }
  return out.filter((i) => i > 0 && i < a.length);
}

function respArgs(b: Buffer): Arg[] | null {
  let at = b.indexOf(10);
  if (at < 0) return null;
  const n = Number(b.toString('latin1', 1, at - 1));
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) return null;
  at++;
  const args: Arg[] = [];
  for (let i = 0; i < n; i++) {
    if (b[at] !== 0x24) return args;
    const nl = b.indexOf(10, at);
    if (nl < 0) return args;
    const len = Number(b.toString('latin1', at + 1, nl - 1));
    if (!Number.isInteger(len) || len < 0 || nl + 1 + len > b.length) return args;
    args.push({ text: b.toString('utf8', nl + 1, nl + 1 + len), start: nl + 1, end: nl + 1 + len });
    at = nl + 1 + len + 2;
  }
  return args;
}

function inlineArgs(b: Buffer): Arg[] {
  const args: Arg[] = [];
  const re = /[^\s]+/g;
  const text = b.toString('latin1');
  for (let m = re.exec(text); m; m = re.exec(text)) args.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return args;
}

/**
 * Whether a command's first bytes name it, and it is none of those that carry a password: then nothing in it is
 * masked. False when the name does not show (yet).
 */
export function namedWithoutPassword(b: Buffer): boolean {
  return b[0] === 0x2a ? arrayNamedWithoutPassword(b, 0, b.length) : inlineNamedWithoutPassword(b);
}

/**
 * The same for a RESP array command in b[from, to), read off its bytes (the recorder asks this of every command it
 * relays): its header `*<count>\r\n$<1-2 digits>\r\n` within its first 32 bytes, then a name that is not, in any
 * case, one of PASSWORD_COMMANDS. False when the name cannot be read so (then the command is looked at whole).
 */
export function arrayNamedWithoutPassword(b: Uint8Array, from: number, to: number): boolean {
  const head = Math.min(to, from + 32);
  let i = from + 1;
  while (i < head && b[i] >= 0x30 && b[i] <= 0x39) i++;
  if (i === from + 1 || i + 3 >= head || b[i] !== 13 || b[i + 1] !== 10 || b[i + 2] !== 0x24) return false;
  i += 3;
  let len = 0;
  const digits = i;
  while (i < head && i < digits + 2 && b[i] >= 0x30 && b[i] <= 0x39) len = len * 10 + b[i++] - 0x30;
  if (i === digits || i + 1 >= head || b[i] !== 13 || b[i + 1] !== 10) return false;
  i += 2;
  if (i + len > to) return false;
  for (const name of PASSWORD_NAMES) if (name.length === len && sameLetters(b, i, name)) return false;
  return true;
}

/** the password commands' names as bytes, for the comparison above */
const PASSWORD_NAMES = [...PASSWORD_COMMANDS].map((n) => Buffer.from(n));

/** Whether b at `at` holds `lower` (lower-case ASCII) in any case. */
function sameLetters(b: Uint8Array, at: number, lower: Uint8Array): boolean {
  for (let k = 0; k < lower.length; k++) {
    const c = b[at + k];
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower[k]) return false;
  }
  return true;
}

/** An inline command's name in lower case, read from its first 64 bytes: not a password command. */
function inlineNamedWithoutPassword(b: Buffer): boolean {
  const m = /^\s*([^\s]+)/.exec(b.toString('latin1', 0, Math.min(b.length, 64)));
  return m !== null && m[1].length < 64 && !PASSWORD_COMMANDS.has(m[1].toLowerCase());
}

/**
 * Whether a reply can hold what redactReply masks, by bytes that each of its patterns needs: an ACL error quotes a
 * `modifier '`; CONFIG GET names the setting (Redis writes setting names in lower case); an ACL password hash follows
 * a '#' (ACL LIST) or is a 64-byte bulk string (ACL GETUSER). Most replies have none of them and are not scanned.
 */
export function mayRepeatSecret(b: Buffer): boolean {
  return b.indexOf("modifier '") >= 0 || b.indexOf('requirepass') >= 0 || b.indexOf('masterauth') >= 0 || b.indexOf(0x23) >= 0 || b.indexOf('$64\r\n') >= 0;
}

/** A quoted ACL rule in an error, a CONFIG GET value of a password setting, an ACL password hash: masked. */
function redactReply(b: Buffer): Buffer | null {
  const text = b.toString('latin1');
  const ranges: Array<[number, number]> = [];
  // -ERR Error in ACL SETUSER modifier '<secret': … (the rule's first character kept, as in the command)
  for (const m of text.matchAll(/modifier '([<>#!])([^'\r\n]*)'/g)) ranges.push([(m.index as number) + 11, (m.index as number) + 11 + m[2].length]);
  // CONFIG GET: …$11\r\nrequirepass\r\n$N\r\n<value>\r\n
  for (const m of text.matchAll(/\r\n(?:requirepass|masterauth)\r\n\$(\d+)\r\n/gi)) {
    const start = (m.index as number) + m[0].length;
    ranges.push([start, start + Number(m[1])]);
  }
  // ACL LIST / GETUSER: a password's SHA-256, after '#' or as a bare 64-hex-digit string
  for (const m of text.matchAll(/(?<=[#\s$\n])[0-9a-f]{64}(?=[\s\r])/g)) ranges.push([m.index as number, (m.index as number) + 64]);
  return ranges.length ? maskRanges(b, ranges) : null;
}
