// Masks PostgreSQL secrets for recording: the payload of every 'p' message (PasswordMessage, the md5 hash, SASL
// initial and continuing responses; for SASLInitialResponse the mechanism name stays readable). Pure: it walks the
// messages in the bytes it is given, so it works on one message or on an extended-query run alike.
import type { Direction } from '../../transcript/format';
import { maskRanges } from '../mask';
import { CODE } from './framing';

export function redactPostgres(dir: Direction, bytes: Buffer): Buffer | null {
  if (dir !== 'c2s') return null;
  const ranges: Array<[number, number]> = [];
  let at = 0;
  if (bytes.length >= 8 && bytes[0] === 0) {
    const code = bytes.readInt32BE(4);
    if (code === CODE.SSL_REQUEST || code === CODE.GSSENC_REQUEST || code === CODE.CANCEL_REQUEST || code >> 16 === 3) at = bytes.readInt32BE(0);
  }
  while (at + 5 <= bytes.length) {
    const len = bytes.readInt32BE(at + 1);
    if (len < 4) break;
    const end = Math.min(bytes.length, at + 1 + len);
    if (bytes[at] === 0x70) ranges.push(secretOf(bytes, at + 5, end));
    at = at + 1 + len;
  }
  return maskRanges(bytes, ranges);
}

/** The secret part of a 'p' payload: a SASLInitialResponse's data after its mechanism and length, else all of it
 *  but a PasswordMessage's final NUL. */
function secretOf(b: Buffer, start: number, end: number): [number, number] {
  const nul = b.indexOf(0, start);
  if (nul >= 0 && nul + 5 <= end) {
    const n = b.readInt32BE(nul + 1);
    if (nul + 5 + Math.max(0, n) === end) return [nul + 5, end];
  }
  return [start, b[end - 1] === 0 ? end - 1 : end];
}
