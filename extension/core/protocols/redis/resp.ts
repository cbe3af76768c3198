// RESP2 and RESP3 values: one parse that finds where a value ends in the held bytes (or that more bytes are needed,
// and at least how many) and builds it for display. Hostile input is bounded: nesting depth, declared lengths and
// counts, and line lengths are capped, and aggregates keep only their first elements (the rest are counted).
import { MAX_MESSAGE_BYTES } from '../bytequeue';

export type Resp =
  | { t: '+' | '-' | '(' | ','; v: string }
  | { t: ':'; v: number | string }
  | { t: '$' | '!' | '='; v: Buffer | null }
  | { t: '*' | '~' | '>'; v: Resp[] | null; n: number }
  | { t: '%'; v: Array<[Resp, Resp]>; n: number }
  | { t: '_' }
  | { t: '#'; v: boolean };

/** A value with the attributes (RESP3 `|`) that came before it, if any. */
export type RespMessage = Resp & { attrs?: Array<[Resp, Resp]> };

export const MAX_DEPTH = 64;
export const MAX_LINE = 64 * 1024;
/** elements of one aggregate kept for display */
export const ELEMENTS_KEPT = 100;

export type Parse = { value: RespMessage; end: number } | { need: number } | { error: string };

class Need {
  constructor(readonly need: number) {}
}
class Bad {
  constructor(readonly error: string) {}
}

/** Parses the one value starting at `pos`. */
export function parseResp(b: Buffer, pos: number): Parse {
  try {
    const [value, end] = any(b, pos, 0);
    return { value, end };
  } catch (e) {
    if (e instanceof Need) return { need: e.need };
    if (e instanceof Bad) return { error: e.error };
    throw e;
  }
}

/** Where the line from `pos` ends: the index of its CR (the next line begins 2 bytes on). */
function lineEnd(b: Buffer, pos: number): number {
  const cr = b.indexOf(13, pos);
  if (cr < 0 || cr + 1 >= b.length) {
    if (b.length - pos > MAX_LINE) throw new Bad(`a line longer than ${MAX_LINE} bytes`);
    throw new Need(Math.max(b.length + 1, cr + 2));
  }
  if (b[cr + 1] !== 10) throw new Bad('a CR not followed by LF');
  if (cr - pos > MAX_LINE) throw new Bad(`a line longer than ${MAX_LINE} bytes`);
  return cr;
}

/**
 * A length or count, `-?\d{1,10}`, read off the bytes of b[from, to) (every bulk string and aggregate has one: no
 * string is made for it); past the cap, or not such a number, is an error naming it.
 */
function count(b: Buffer, from: number, to: number, what: string): number {
  const n = lengthAt(b, from, to);
  if (n === null) throw new Bad(`${what} "${b.toString('utf8', from, to).slice(0, 20)}" is not a number`);
  if (n > MAX_MESSAGE_BYTES) throw new Bad(`${what} ${n} is past the ${MAX_MESSAGE_BYTES}-byte cap`);
  return n;
}

/** A RESP length or count, `-?\d{1,10}`, in b[from, to); null when it is not one (the cap is the caller's). */
export function lengthAt(b: Buffer, from: number, to: number): number | null {
  const n = decimalAt(b, from, to, false);
  return n === null || to - from > (b[from] === 0x2d ? 11 : 10) ? null : n;
}

/** The decimal integer in b[from, to): an optional sign ('+' only when `plus`), then digits; null otherwise. */
export function decimalAt(b: Buffer, from: number, to: number, plus: boolean): number | null {
  let i = from;
  const sign = b[i] === 0x2d ? -1 : 1;
  if (b[i] === 0x2d || (plus && b[i] === 0x2b)) i++;
  if (i >= to) return null;
  let n = 0;
  for (; i < to; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return sign * n;
}

function any(b: Buffer, pos: number, depth: number): [RespMessage, number] {
  if (depth > MAX_DEPTH) throw new Bad(`values nested deeper than ${MAX_DEPTH}`);
  if (pos >= b.length) throw new Need(pos + 1);
  const type = String.fromCharCode(b[pos]);
  const cr = lineEnd(b, pos + 1);
  const next = cr + 2;
  // the line as text only for the types whose value it is
  const text =
    type === '$' || type === '!' || type === '=' || type === '*' || type === '~' || type === '>' || type === '%' || type === '|'
      ? ''
      : b.toString('utf8', pos + 1, cr);
  switch (type) {
    case '+':
    case '-':
    case '(':
    case ',':
      return [{ t: type, v: text }, next];
    case ':': {
      if (!/^[-+]?\d+$/.test(text)) throw new Bad(`an integer "${text.slice(0, 20)}"`);
      const n = Number(text);
      return [{ t: ':', v: Number.isSafeInteger(n) ? n : text }, next];
    }
    case '_':
      return [{ t: '_' }, next];
    case '#':
      if (text !== 't' && text !== 'f') throw new Bad(`a boolean "${text.slice(0, 20)}"`);
      return [{ t: '#', v: text === 't' }, next];
    case '$':
    case '!':
    case '=': {
      const n = count(b, pos + 1, cr, 'a bulk length');
      if (n < 0) return [{ t: type, v: null }, next];
      if (b.length < next + n + 2) throw new Need(next + n + 2);
      if (b[next + n] !== 13 || b[next + n + 1] !== 10) throw new Bad('a bulk string not ended by CRLF');
      return [{ t: type, v: b.subarray(next, next + n) }, next + n + 2];
    }
    case '*':
    case '~':
    case '>': {
      const n = count(b, pos + 1, cr, 'an aggregate length');
      if (n < 0) return [{ t: type, v: null, n: 0 }, next];
      const items: Resp[] = [];
      let at = next;
      for (let i = 0; i < n; i++) {
        const [v, end] = any(b, at, depth + 1);
        if (items.length < ELEMENTS_KEPT) items.push(v);
        at = end;
      }
      return [{ t: type, v: items, n }, at];
    }
    case '%':
    case '|': {
      const n = count(b, pos + 1, cr, 'a map length');
      const pairs: Array<[Resp, Resp]> = [];
      let at = next;
      for (let i = 0; i < n; i++) {
        const [k, e1] = any(b, at, depth + 1);
        const [v, e2] = any(b, e1, depth + 1);
        if (pairs.length < ELEMENTS_KEPT) pairs.push([k, v]);
        at = e2;
      }
      if (type === '%') return [{ t: '%', v: pairs, n }, at];
      // attributes describe the value that follows; together they are one message
      const [value, end] = any(b, at, depth + 1);
      return [{ ...value, attrs: pairs }, end];
    }
    default:
      throw new Bad(`a value of unknown type 0x${b[pos].toString(16)}`);
  }
}

/** Text of a string-like value, or null. */
export function str(r: Resp | undefined): string | null {
  if (!r) return null;
  if (r.t === '$' || r.t === '!' || r.t === '=') return r.v ? r.v.toString('utf8') : null;
  if (r.t === '+' || r.t === '-' || r.t === '(' || r.t === ',') return r.v;
  if (r.t === ':') return String(r.v);
  return null;
}
