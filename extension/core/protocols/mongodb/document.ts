// BSON documents as the timeline shows them: decoded with the `bson` package (never throwing past `readDocument`),
// written compactly (`{val: 3}`), and walked element by element in raw form so redaction can find a field's bytes
// without re-serialising (which would change lengths).
import { deserialize, EJSON, type Document } from 'bson';

/** Decodes one BSON document; strings with bad UTF-8 are kept rather than rejected (hostile bytes are shown). */
export function readDocument(b: Buffer): Document {
  return deserialize(b, { promoteLongs: true, promoteValues: true, promoteBuffers: false, bsonRegExp: true, validation: { utf8: false } });
}

/** The document as plain JSON values (Extended JSON, relaxed) for the details pane. */
export function plain(doc: Document): Record<string, unknown> {
  try {
    return EJSON.serialize(doc, { relaxed: true }) as Record<string, unknown>;
  } catch {
    return { unprintable: true };
  }
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** `{val: 3, name: "x"}`, cut to `max` characters. */
export function compact(v: unknown, max = 160): string {
  const s = show(v, 0);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function show(v: unknown, depth: number): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 79)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (depth > 4) return '…';
  if (Array.isArray(v))
    return `[${v
      .slice(0, 10)
      .map((x) => show(x, depth + 1))
      .join(', ')}${v.length > 10 ? ', …' : ''}]`;
  if (v instanceof Date) return `ISODate(${JSON.stringify(Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString())})`;
  const bt = (v as { _bsontype?: string })._bsontype;
  if (bt) return bsonValue(v as { _bsontype: string; toString(): string; toHexString?: () => string }, bt);
  const entries = Object.entries(v as Record<string, unknown>);
  const body = entries.slice(0, 12).map(([k, x]) => `${IDENT.test(k) ? k : JSON.stringify(k)}: ${show(x, depth + 1)}`);
  return `{${body.join(', ')}${entries.length > 12 ? ', …' : ''}}`;
}

function bsonValue(v: { toString(): string; toHexString?: () => string }, type: string): string {
  switch (type) {
    case 'ObjectId':
      return `ObjectId(${JSON.stringify(v.toHexString?.() ?? '')})`;
    case 'Binary':
      return 'Binary(…)';
    default:
      return `${type}(${v.toString()})`;
  }
}

/** The key a value names, for key-in-payload evidence: primitives as text, an ObjectId as hex. */
export function keyOf(v: unknown): string | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v && (v as { _bsontype?: string })._bsontype === 'ObjectId') return (v as { toHexString(): string }).toHexString();
  return undefined;
}

export interface RawElement {
  type: number;
  name: string;
  /** offsets of the value in the buffer */
  start: number;
  end: number;
}

/** The top-level elements of the document at `at`, without decoding values; stops at the first malformed one. */
export function rawElements(b: Buffer, at: number): RawElement[] {
  const out: RawElement[] = [];
  if (at + 5 > b.length) return out;
  const docEnd = Math.min(b.length, at + b.readInt32LE(at));
  let p = at + 4;
  while (p < docEnd - 1) {
    const type = b[p];
    const nul = b.indexOf(0, p + 1);
    if (type === 0 || nul < 0 || nul >= docEnd) break;
    const name = b.toString('utf8', p + 1, nul);
    const start = nul + 1;
    const size = valueSize(b, type, start);
    if (size < 0 || start + size > docEnd) break;
    out.push({ type, name, start, end: start + size });
    p = start + size;
  }
  return out;
}

function valueSize(b: Buffer, type: number, at: number): number {
  const i32 = (): number => (at + 4 <= b.length ? b.readInt32LE(at) : -1);
  switch (type) {
    case 0x01:
    case 0x09:
    case 0x11:
    case 0x12:
      return 8;
    case 0x02:
    case 0x0d:
    case 0x0e:
      return i32() < 0 ? -1 : 4 + i32();
    case 0x03:
    case 0x04:
    case 0x0f:
      return i32();
    case 0x05:
      return i32() < 0 ? -1 : 5 + i32();
    case 0x06:
    case 0x0a:
    case 0x7f:
    case 0xff:
      return 0;
    case 0x07:
      return 12;
    case 0x08:
      return 1;
    case 0x0b: {
      const a = b.indexOf(0, at);
      const c = a < 0 ? -1 : b.indexOf(0, a + 1);
      return c < 0 ? -1 : c + 1 - at;
    }
    case 0x0c:
      return i32() < 0 ? -1 : 4 + i32() + 12;
    case 0x10:
      return 4;
    case 0x13:
      return 16;
    default:
      return -1;
  }
}
