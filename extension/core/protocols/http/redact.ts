// Masks HTTP credentials for recording: the values of Authorization and Proxy-Authorization (their scheme, `Bearer`
// or `Basic`, kept: it says how the client logged in and is no secret), and of Cookie and Set-Cookie (each cookie's
// name kept, its value masked; Set-Cookie's attributes after the first `;` kept). Only value bytes change, never a
// line end, so the head frames as before. Pure: it reads the one head it is given.
import type { Direction } from '../../transcript/format';
import { maskRanges } from '../mask';
import { headLength } from './describe';
import { parseHead, type Head } from './head';

const CREDENTIALS = new Set(['authorization', 'proxy-authorization']);
const COOKIES = new Set(['cookie', 'set-cookie']);

/** A whole message (head first, as the session frames it), its credentials masked; null when it has none. */
export function redactHttp(dir: Direction, bytes: Buffer): Buffer | null {
  const end = headLength(bytes);
  if (end < 0) return null;
  const head = parseHead(bytes.subarray(0, end), dir);
  return typeof head === 'string' ? null : maskRanges(bytes, secretRanges(head, bytes));
}

/** Where the secrets of a head lie, as [start, end) offsets into its bytes (`b` holds the head from 0). */
export function secretRanges(head: Head, b: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const f of head.fields) {
    if (CREDENTIALS.has(f.lower)) {
      // `Bearer <token>`: the token; a value with no scheme before it is masked whole
      const m = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+[ \t]+/.exec(f.value);
      out.push(...lineParts(b, f.valueStart + (m ? m[0].length : 0), f.valueEnd));
    } else if (COOKIES.has(f.lower)) {
      const text = b.toString('latin1', f.valueStart, f.valueEnd);
      // Cookie: every `name=value` pair; Set-Cookie: the first one (the rest are attributes: Path, Expires, …)
      const pairs = f.lower === 'cookie' ? text.split(';') : [text.split(';')[0]];
      let at = f.valueStart;
      for (const p of pairs) {
        const eq = p.indexOf('=');
        out.push(...lineParts(b, at + (eq >= 0 ? eq + 1 : 0), at + p.length));
        at += p.length + 1;
      }
    }
  }
  return out;
}

/** The [start, end) range without its CR and LF bytes (a folded value spans lines), trimmed of spaces. */
function lineParts(b: Buffer, start: number, end: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let s = start;
  for (let i = start; i <= end; i++) {
    if (i === end || b[i] === 13 || b[i] === 10) {
      let a = s;
      let z = i;
      while (a < z && (b[a] === 0x20 || b[a] === 9)) a++;
      while (z > a && (b[z - 1] === 0x20 || b[z - 1] === 9)) z--;
      if (z > a) out.push([a, z]);
      s = i + 1;
    }
  }
  return out;
}
