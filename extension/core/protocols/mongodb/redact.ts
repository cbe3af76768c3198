// Masks MongoDB authentication secrets for recording, in place so every BSON length stays valid: the `payload` of
// saslStart/saslContinue (also inside a hello's speculativeAuthenticate), the `key` of the legacy `authenticate`,
// and the `pwd` of createUser/updateUser. Pure: it reads the one message it is given (OP_MSG body or OP_QUERY).
import type { Direction } from '../../transcript/format';
import { maskRanges } from '../mask';
import { OP } from './decode';
import { rawElements, type RawElement } from './document';

const SECRET_FIELDS: Record<string, string> = { saslstart: 'payload', saslcontinue: 'payload', authenticate: 'key', createuser: 'pwd', updateuser: 'pwd' };

export function redactMongo(dir: Direction, bytes: Buffer): Buffer | null {
  if (dir !== 'c2s' || bytes.length < 21) return null;
  const op = bytes.readInt32LE(12);
  let at: number;
  if (op === OP.MSG) {
    at = bodyOffset(bytes);
  } else if (op === OP.QUERY) {
    const nul = bytes.indexOf(0, 20);
    at = nul < 0 ? -1 : nul + 1 + 8;
  } else {
    return null;
  }
  if (at < 0 || at + 5 > bytes.length) return null;
  const ranges = secrets(bytes, at);
  return maskRanges(bytes, ranges);
}

function secrets(b: Buffer, at: number): Array<[number, number]> {
  const els = rawElements(b, at);
  const out: Array<[number, number]> = [];
  // the command is a driver's first key, but a hand-made message may put it anywhere
  const command = els.find((e) => SECRET_FIELDS[e.name.toLowerCase()] !== undefined);
  const field = command ? SECRET_FIELDS[command.name.toLowerCase()] : undefined;
  if (field) for (const e of els.filter((x) => x.name === field)) out.push(valueBytes(e));
  for (const e of els) {
    if (e.name === 'speculativeAuthenticate' && e.type === 0x03) out.push(...secrets(b, e.start));
  }
  return out;
}

/** The bytes that hold a value's content: a string's characters (not its NUL), a binary's data. */
function valueBytes(e: RawElement): [number, number] {
  if (e.type === 0x02) return [e.start + 4, e.end - 1];
  if (e.type === 0x05) return [e.start + 5, e.end];
  return [e.start, e.end];
}

/** Where the OP_MSG's kind 0 body document starts, past any kind 1 sequences before it; -1 if none. */
function bodyOffset(b: Buffer): number {
  let p = 20;
  while (p + 5 <= b.length) {
    if (b[p] === 0) return p + 1;
    if (b[p] !== 1) return -1;
    const size = b.readInt32LE(p + 1);
    if (size < 4) return -1;
    p += 1 + size;
  }
  return -1;
}
