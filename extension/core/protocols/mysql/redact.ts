// Masks MySQL login secrets for recording: the auth response in the handshake response (sequence id 1), the
// client's auth-switch and more-data answers (sequence id 2 and up), and the auth response in COM_CHANGE_USER.
// Pure: it sees one client packet, so it goes by sequence ids; LOCAL INFILE data (also sequence id 2 and up) is masked
// too, because a lone packet cannot tell it from a password, and keeping a password is the worse mistake.
import type { Direction } from '../../transcript/format';
import { maskRanges } from '../mask';
import { COM } from './command';
import { parseHandshakeResponse } from './handshake';

export function redactMysql(dir: Direction, bytes: Buffer): Buffer | null {
  if (dir !== 'c2s' || bytes.length < 5) return null;
  const len = bytes.readUIntLE(0, 3);
  const seq = bytes[3];
  const end = Math.min(bytes.length, 4 + len);
  const payload = bytes.subarray(4, end);
  if (seq === 0) return payload[0] === COM.CHANGE_USER ? changeUser(bytes, end) : null;
  if (seq === 1) {
    try {
      const r = parseHandshakeResponse(payload);
      return r.authLength > 0 ? maskRanges(bytes, [[4 + r.authStart, 4 + r.authStart + r.authLength]]) : null;
    } catch {
      return maskRanges(bytes, [[4, end]]);
    }
  }
  return maskRanges(bytes, [[4, end]]);
}

/** COM_CHANGE_USER: command, user NUL, a 1-byte auth length and the auth response, then the rest. */
function changeUser(bytes: Buffer, end: number): Buffer | null {
  const nul = bytes.indexOf(0, 5);
  if (nul < 0 || nul + 1 >= end) return maskRanges(bytes, [[5, end]]);
  const n = bytes[nul + 1];
  return maskRanges(bytes, [[nul + 2, nul + 2 + n]]);
}
