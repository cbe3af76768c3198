// Decoding of tracker requests (`command a=1&b=2`) and responses (`OK a=1`, `ERR code description`, admin blocks).
// Command names are matched case-insensitively; arguments are URL-decoded and kept in the order sent.
import { LazyDecoded, type Decoded } from '../types';
import { lineText } from './framing';

export interface TrackerRequest {
  command: string;
  args: Record<string, string>;
}

/** Parses `a=1&b=x%20y`; a malformed escape keeps the raw text rather than failing the whole message. */
export function parseArgs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  parseInto(s, out);
  return out;
}

/**
 * Adds the arguments of `a=1&b=x%20y` to `out` and returns them as `a=1 b=x y` for a summary: one pass, as this
 * runs for every message of a transcript.
 */
function parseInto(s: string, out: Record<string, string>): string {
  const text = s.trim();
  let summary = '';
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const eq = text.indexOf('=', start);
      const hasValue = eq >= 0 && eq < end;
      const k = decodePart(text.slice(start, hasValue ? eq : end));
      const v = hasValue ? decodePart(text.slice(eq + 1, end)) : '';
      out[k] = v;
      summary = summary === '' ? `${k}=${v}` : `${summary} ${k}=${v}`;
    }
    start = end + 1;
  }
  return summary;
}

function decodePart(s: string): string {
  const escaped = s.indexOf('%') >= 0;
  const plus = s.indexOf('+') >= 0 ? s.replace(/\+/g, ' ') : s;
  if (!escaped) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

export function encodeArgs(args: Record<string, string | number>): string {
  return Object.entries(args)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

export function parseRequest(line: string): TrackerRequest {
  const trimmed = line.replace(/^\s+/, '');
  const sp = trimmed.search(/\s/);
  const command = (sp < 0 ? trimmed : trimmed.slice(0, sp)).toLowerCase();
  return { command, args: parseArgs(sp < 0 ? '' : trimmed.slice(sp + 1)) };
}

export function decodeRequest(bytes: Buffer): Decoded {
  const text = lineText(bytes);
  const trimmed = text.trimStart();
  const sp = trimmed.search(/\s/);
  const command = (sp < 0 ? trimmed : trimmed.slice(0, sp)).toLowerCase();
  if (command === '') return { summary: text, error: 'empty request line' };
  const fields: Record<string, string> = { command };
  const tail = sp < 0 ? '' : parseInto(trimmed.slice(sp + 1), fields);
  const key = fields.key ?? fields.from_key;
  const d: Decoded = { summary: tail ? `${command} ${tail}` : command, fields };
  if (key !== undefined) d.key = key;
  return d;
}

/**
 * What pairing reads of a request at once (its key, whether it decodes), the rest made when shown: the same values
 * `decodeRequest` gives, found by decoding only the arguments named key or from_key.
 */
export function lazyRequest(bytes: Buffer): Decoded {
  // whether it decodes is known at once (an empty line does not); its key when something reads it (a finding's
  // evidence), since pairing a tracker's answers, which name no key, never compares one
  const v = firstVisibleByte(bytes);
  if (v < 0 || (bytes[v] >= 0x80 && lineText(bytes).trimStart() === '')) return decodeRequest(bytes);
  return new LazyRequest(bytes);
}

const ALONE = { alone: 'mogilefs' } as const;
const KEY_LATER_ALONE = { keyLater: true, alone: 'mogilefs' } as const;

/** A request decoded when shown, its key found when read (a class, not closures per message: see LazyDecoded). */
class LazyRequest extends LazyDecoded {
  constructor(private readonly bytes: Buffer) {
    super(null, KEY_LATER_ALONE);
  }

  protected override findKey(): string | undefined {
    return keyOf(this.bytes);
  }

  protected override decode(): Decoded {
    return decodeRequest(this.bytes);
  }
}

class LazyResponse extends LazyDecoded {
  constructor(private readonly bytes: Buffer) {
    super(null, ALONE);
  }

  protected override decode(): Decoded {
    return decodeResponse(this.bytes);
  }
}

/** decodeRequest's key: from the bytes for a plain ASCII line, else by the string path, which trims as it does. */
function keyOf(bytes: Buffer): string | undefined {
  const quick = quickKey(bytes);
  if (quick !== null) return quick.key;
  const trimmed = lineText(bytes).trimStart();
  const sp = trimmed.search(/\s/);
  return sp < 0 ? undefined : keyArg(trimmed.slice(sp + 1));
}

/** The first byte that is not whitespace as trimStart sees it in a line of ASCII; -1 for a blank line. */
function firstVisibleByte(b: Buffer): number {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c >= 0x80) return i; // not ASCII: the caller asks trimStart (a line of only U+00A0 is blank to it)
    if (c !== 0x20 && (c < 0x09 || c > 0x0d)) return i;
  }
  return -1;
}

const KEY = Buffer.from('key');
const FROM_KEY = Buffer.from('from_key');

/**
 * The key of a request line read from its bytes, for the common line: printable ASCII with spaces, a command, and
 * arguments whose names hold no escape. Null for anything else (the string path then gives the same answer as
 * decodeRequest). Only the values of key and from_key are made strings.
 */
function quickKey(b: Buffer): { key?: string } | null {
  let end = b.length;
  if (end > 0 && b[end - 1] === 10) end--;
  if (end > 0 && b[end - 1] === 13) end--;
  let i = 0;
  while (i < end && b[i] === 0x20) i++;
  if (i === end) return null;
  // the command: up to the first space
  while (i < end && b[i] > 0x20 && b[i] < 0x7f) i++;
  if (i === end) return {};
  if (b[i] !== 0x20) return null;
  while (i < end && b[i] === 0x20) i++;
  while (end > i && b[end - 1] === 0x20) end--;
  let key: string | undefined;
  let fromKey: string | undefined;
  for (let start = i; start <= end;) {
    let amp = b.indexOf(0x26, start);
    if (amp < 0 || amp > end) amp = end;
    if (amp > start) {
      let eq = start;
      while (eq < amp && b[eq] !== 0x3d) {
        const c = b[eq];
        // a name with an escape, a plus, a control or a non-ASCII byte: the string path
        if (c === 0x25 || c === 0x2b || c <= 0x20 || c >= 0x7f) return null;
        eq++;
      }
      const isKey = eq - start === 3 && b.compare(KEY, 0, 3, start, eq) === 0;
      const isFromKey = !isKey && eq - start === 8 && b.compare(FROM_KEY, 0, 8, start, eq) === 0;
      if (isKey || isFromKey) {
        for (let j = eq; j < amp; j++) if (b[j] < 0x20 || b[j] >= 0x7f) return null;
        const v = eq < amp ? decodePart(b.toString('latin1', eq + 1, amp)) : '';
        if (isKey) key = v;
        else fromKey = v;
      } else {
        for (let j = eq; j < amp; j++) if (b[j] < 0x20 || b[j] >= 0x7f) return null;
      }
    }
    start = amp + 1;
  }
  const k = key ?? fromKey;
  return k === undefined ? {} : { key: k };
}

/** fields.key ?? fields.from_key as decodeRequest sets them, for lines the byte path declines (rare) */
function keyArg(s: string): string | undefined {
  const fields: Record<string, string> = {};
  parseInto(s, fields);
  return fields.key ?? fields.from_key;
}

/** What pairing reads of a response at once (whether it failed or decodes), the rest made when shown. */
export function lazyResponse(bytes: Buffer): Decoded {
  const c = bytes[0];
  // OK… (the common answer): no key, not failed, decodes; anything else is decoded now
  if ((c === 0x4f || c === 0x6f) && (bytes[1] === 0x4b || bytes[1] === 0x6b) && (bytes.length === 2 || isSpace(bytes[2]))) return new LazyResponse(bytes);
  return decodeResponse(bytes);
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a || b === 0x0b || b === 0x0c;
}

export function decodeResponse(bytes: Buffer): Decoded {
  const text = bytes.toString('utf8');
  const first = lineText(bytes);
  const ok = /^OK(\s|$)/i.exec(first);
  if (ok) {
    const fields: Record<string, string> = { status: 'OK' };
    const tail = parseInto(first.slice(2), fields);
    return { summary: tail ? `OK ${tail}` : 'OK', fields };
  }
  const err = /^ERR\s+(\S+)\s*(.*)$/i.exec(first);
  if (err) {
    const description = decodePart(err[2]);
    return { summary: `ERR ${err[1]}${description ? ` ${description}` : ''}`, failed: true, fields: { status: 'ERR', code: err[1], description } };
  }
  if (/^ERR\s*$/i.test(first)) return { summary: 'ERR', failed: true, fields: { status: 'ERR' } };
  const lines = text.split(/\r?\n/).filter((l, i, all) => !(l === '' && i === all.length - 1));
  if (lines[lines.length - 1] === '.') {
    const body = lines.slice(0, -1);
    return { summary: body.length === 1 ? body[0] : `${body.length} lines`, fields: { lines: body } };
  }
  return { summary: first, error: 'not an OK or ERR response' };
}
