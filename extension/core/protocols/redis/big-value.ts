// A Redis value past the decoding cap is legal (a string may hold 512 MB: a 70 MB SET is an ordinary command). Its
// length is declared in its header, so it is skipped by that length rather than held: the command (or reply) is
// shown by its head, and framing goes on after it. Only a bulk string, as a top-level reply or as an argument of a
// command, is skipped; past the cap anywhere else the framing is lost, as before.
import { MAX_MESSAGE_BYTES } from '../bytequeue';

/** past Redis's own bounds (proto-max-bulk-len is 512 MB by default): garbage, or a lost frame boundary */
const MAX_BULK = 4 * 1024 * 1024 * 1024;
const legal = (len: number) => len > MAX_MESSAGE_BYTES && len <= MAX_BULK;

export interface BigValue {
  /** the command's arguments before the big one (a command), or none (a reply) */
  before: string[];
  /** offset of the big value's first data byte, its declared length, and how many arguments follow it */
  at: number;
  len: number;
  after: number;
}

/** Where the first bulk string past the cap starts, in a command array or a bulk reply held from byte 0; else null. */
export function findBigValue(b: Buffer): BigValue | null {
  const head = lineAt(b, 0);
  if (!head) return null;
  if (b[0] === 0x24) {
    const len = Number(head.text.slice(1));
    return legal(len) ? { before: [], at: head.next, len, after: 0 } : null;
  }
  if (b[0] !== 0x2a) return null;
  const n = Number(head.text.slice(1));
  if (!Number.isInteger(n) || n < 1) return null;
  const before: string[] = [];
  let at = head.next;
  for (let k = 0; k < n; k++) {
    const arg = lineAt(b, at);
    if (!arg || b[at] !== 0x24) return null;
    const len = Number(arg.text.slice(1));
    if (!Number.isInteger(len) || len < 0) return null;
    if (len > MAX_BULK) return null;
    if (legal(len)) return { before, at: arg.next, len, after: n - k - 1 };
    if (arg.next + len + 2 > b.length) return null;
    before.push(b.toString('utf8', arg.next, Math.min(arg.next + len, arg.next + 256)));
    at = arg.next + len + 2;
  }
  return null;
}

function lineAt(b: Buffer, pos: number): { text: string; next: number } | null {
  const cr = b.indexOf(13, pos);
  if (cr < 0 || cr - pos > 32 || b[cr + 1] !== 10) return null;
  return { text: b.toString('latin1', pos, cr), next: cr + 2 };
}
