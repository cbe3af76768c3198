// The reader's fast path for the writer's own data lines, `{"t":N,"c":N,"k":"c2s","d":"…"}` with an optional
// `,"e":"base64"` (or `"utf8"`) last: read straight from the file's bytes, the payload unescaped byte to byte into
// the wire bytes it stands for, without making a string of the line, parsing it as JSON, and encoding the payload
// back to bytes. Anything else (another kind, another field, another order, whitespace, a number that is not a plain
// non-negative integer) returns null and goes through `JSON.parse`, which stays the definition of the format; the
// test runs both over every recorded fixture and compares. JSON.parse has no byte-level entry point, hence this.
import { isUtf8 } from 'node:buffer';
import { isBase64, type DataEvent } from './format';

/** A data event read by the fast path: its bytes are at hand; `d` is made from them only when asked for. */
export class ReadDataEvent implements DataEvent {
  [extra: string]: unknown;
  constructor(
    readonly t: number,
    readonly c: number,
    readonly k: 'c2s' | 's2c',
    readonly bytes: Buffer,
    readonly e?: 'utf8' | 'base64',
  ) {}

  get d(): string {
    return this.e === 'base64' ? this.bytes.toString('base64') : this.bytes.toString('utf8');
  }

  toJSON(): Record<string, unknown> {
    return this.e === undefined ? { t: this.t, c: this.c, k: this.k, d: this.d } : { t: this.t, c: this.c, k: this.k, d: this.d, e: this.e };
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const T = Buffer.from('{"t":');
const C = Buffer.from(',"c":');
const K_C2S = Buffer.from(',"k":"c2s","d":"');
const K_S2C = Buffer.from(',"k":"s2c","d":"');
const E_BASE64 = Buffer.from(',"e":"base64"}');
const E_UTF8 = Buffer.from(',"e":"utf8"}');

/** The data event on line [start, end) of `buf`, or null when the line is not in the writer's own shape. */
export function fastDataEvent(buf: Buffer, start: number, end: number): ReadDataEvent | null {
  if (!startsWith(buf, start, end, T)) return null;
  let at = start + T.length;
  const t = integer(buf, at, end);
  if (t === null) return null;
  at = t.end;
  if (!startsWith(buf, at, end, C)) return null;
  const c = integer(buf, at + C.length, end);
  if (c === null) return null;
  at = c.end;
  let k: 'c2s' | 's2c';
  if (startsWith(buf, at, end, K_C2S)) k = 'c2s';
  else if (startsWith(buf, at, end, K_S2C)) k = 's2c';
  else return null;
  at += K_C2S.length;
  const d = jsonString(buf, at, end);
  if (d === null) return null;
  at = d.end;
  // bytes that are not UTF-8 would reach JSON.parse as U+FFFD: that path says what they mean
  if (at === end - 1 && buf[at] === 0x7d) return isUtf8(d.bytes) ? new ReadDataEvent(t.value, c.value, k, d.bytes) : null;
  if (at + E_BASE64.length === end && startsWith(buf, at, end, E_BASE64)) {
    const text = d.bytes.toString('latin1');
    if (!isBase64(text)) return null; // JSON.parse's path names the problem
    return new ReadDataEvent(t.value, c.value, k, Buffer.from(text, 'base64'), 'base64');
  }
  if (at + E_UTF8.length === end && startsWith(buf, at, end, E_UTF8)) return isUtf8(d.bytes) ? new ReadDataEvent(t.value, c.value, k, d.bytes, 'utf8') : null;
  return null;
}

function startsWith(buf: Buffer, at: number, end: number, what: Buffer): boolean {
  if (end - at < what.length) return false;
  for (let i = 0; i < what.length; i++) if (buf[at + i] !== what[i]) return false;
  return true;
}

/** A plain non-negative integer (no sign, fraction, exponent or leading zero) that a double holds exactly. */
function integer(buf: Buffer, at: number, end: number): { value: number; end: number } | null {
  let v = 0;
  let i = at;
  while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) {
    v = v * 10 + (buf[i] - 0x30);
    i++;
  }
  const n = i - at;
  if (n === 0 || n > 15 || (n > 1 && buf[at] === 0x30)) return null;
  return { value: v, end: i };
}

/**
 * A JSON string's content from `at` (after its opening quote) as the UTF-8 bytes it denotes, and where its closing
 * quote ends; null for anything JSON.parse would reject or read differently (a raw control character, a bad escape,
 * an escaped lone surrogate, which the writer never produces).
 */
function jsonString(buf: Buffer, at: number, end: number): { bytes: Buffer; end: number } | null {
  let out: Buffer | null = null;
  let o = 0;
  let i = at;
  for (;;) {
    const j = nextSpecial(buf, i, end);
    if (j < 0) return null;
    const b = buf[j];
    if (b < 0x20) return null;
    if (b === QUOTE) {
      // a copy either way: a view would keep the whole read chunk alive as long as a session holds the message
      if (out === null) {
        const bytes = Buffer.allocUnsafe(j - at);
        buf.copy(bytes, 0, at, j);
        return { bytes, end: j + 1 };
      }
      o = copyRun(buf, out, o, i, j);
      return { bytes: out.subarray(0, o), end: j + 1 };
    }
    out ??= Buffer.allocUnsafe(end - at);
    o = copyRun(buf, out, o, i, j);
    const x = buf[j + 1];
    i = j + 2;
    switch (x) {
      case 0x22:
        out[o++] = 0x22;
        break;
      case 0x5c:
        out[o++] = 0x5c;
        break;
      case 0x2f:
        out[o++] = 0x2f;
        break;
      case 0x62:
        out[o++] = 0x08;
        break;
      case 0x66:
        out[o++] = 0x0c;
        break;
      case 0x6e:
        out[o++] = 0x0a;
        break;
      case 0x72:
        out[o++] = 0x0d;
        break;
      case 0x74:
        out[o++] = 0x09;
        break;
      case 0x75: {
        const u = hex4(buf, i, end);
        if (u === null) return null;
        i += 4;
        if (u >= 0xd800 && u <= 0xdfff) {
          // a pair stands for one code point past U+FFFF; a lone half is not UTF-8 at all
          if (u > 0xdbff || buf[i] !== BACKSLASH || buf[i + 1] !== 0x75) return null;
          const lo = hex4(buf, i + 2, end);
          if (lo === null || lo < 0xdc00 || lo > 0xdfff) return null;
          i += 6;
          o += out.write(String.fromCharCode(u, lo), o, 'utf8');
        } else if (u < 0x80) out[o++] = u;
        else o += out.write(String.fromCharCode(u), o, 'utf8');
        break;
      }
      default:
        return null;
    }
  }
}

/**
 * Copies buf[from, to) into out at o and returns the new end. The runs between escapes are short in text protocols
 * (a RESP command has one every few bytes): a loop for those costs less than a native copy's call.
 */
function copyRun(buf: Buffer, out: Buffer, o: number, from: number, to: number): number {
  if (to - from > 32) return o + buf.copy(out, o, from, to);
  for (let k = from; k < to; k++) out[o++] = buf[k];
  return o;
}

/** the 32-bit view of the last read chunk's memory, for nextSpecial */
let wordsOf: ArrayBufferLike | null = null;
let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/**
 * The first byte in [from, end) that a JSON string reader must look at (a quote, a backslash, a control character),
 * or -1. Four bytes at a time where they are aligned: a word is looked at byte by byte only when the bit test says
 * one of its bytes may be one of those (the test has no misses; a false hit only costs the byte loop).
 */
function nextSpecial(buf: Buffer, from: number, end: number): number {
  if (buf.buffer !== wordsOf) {
    wordsOf = buf.buffer;
    words = new Uint32Array(buf.buffer, 0, buf.buffer.byteLength >>> 2);
  }
  const base = buf.byteOffset;
  let i = from;
  while (i < end && ((base + i) & 3) !== 0) {
    const b = buf[i];
    if (b < 0x20 || b === QUOTE || b === BACKSLASH) return i;
    i++;
  }
  for (; i + 4 <= end; i += 4) {
    const x = words[(base + i) >>> 2];
    const q = x ^ 0x22222222;
    const s = x ^ 0x5c5c5c5c;
    // a byte below 0x20, or one equal to '"' or '\\' (a zero byte after the xor)
    if ((((x - 0x20202020) & ~x) | ((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s)) & 0x80808080) {
      for (let k = i; k < i + 4; k++) {
        const b = buf[k];
        if (b < 0x20 || b === QUOTE || b === BACKSLASH) return k;
      }
    }
  }
  for (; i < end; i++) {
    const b = buf[i];
    if (b < 0x20 || b === QUOTE || b === BACKSLASH) return i;
  }
  return -1;
}

function hex4(buf: Buffer, at: number, end: number): number | null {
  if (at + 4 > end) return null;
  let v = 0;
  for (let i = at; i < at + 4; i++) {
    const b = buf[i];
    const d = b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : b >= 0x41 && b <= 0x46 ? b - 0x37 : -1;
    if (d < 0) return null;
    v = v * 16 + d;
  }
  return v;
}
