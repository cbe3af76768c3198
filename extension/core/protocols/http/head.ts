// The head of an HTTP/1.x message (RFC 9112 §2-5): its start line and header fields, read from the head's whole
// bytes, each field with the offsets of its value so masking can overwrite it in place. Lenient where real peers are
// (bare LF line ends, obs-fold continuation lines); a line that breaks the grammar is noted in `problem`, never thrown.

export type StartLine =
  { kind: 'request'; method: string; target: string; version: string } | { kind: 'response'; version: string; status: number; reason: string };

export interface Field {
  name: string;
  /** the name in lower case, to look fields up by */
  lower: string;
  value: string;
  /** offsets of the value (without the whitespace around it) in the head's bytes */
  valueStart: number;
  valueEnd: number;
}

export interface Head {
  start: StartLine;
  fields: Field[];
  /** bytes of the head, up to and including the empty line that ends it */
  length: number;
  /** the first line that breaks the grammar, in words */
  problem?: string;
}

/** a head longer than this without its empty line is no HTTP head (servers refuse far less: Node at 16 KB) */
export const MAX_HEAD_BYTES = 64 * 1024;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^\s]+) HTTP\/(\d)\.(\d)$/;
const STATUS_LINE = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/;

/** A whole head (`b` holds it from 0 to its empty line) as the start line and fields; a string says why it is none. */
export function parseHead(b: Buffer, dir: 'c2s' | 's2c'): Head | string {
  const text = b.toString('latin1');
  const lines = text.split('\n');
  const first = lines[0].replace(/\r$/, '');
  let start: StartLine;
  if (dir === 'c2s') {
    const m = REQUEST_LINE.exec(first);
    if (!m) return `not an HTTP request line: ${JSON.stringify(first.slice(0, 80))}`;
    if (m[3] !== '1') return `HTTP/${m[3]}.${m[4]}, which is not HTTP/1.x`;
    start = { kind: 'request', method: m[1], target: m[2], version: `HTTP/${m[3]}.${m[4]}` };
  } else {
    const m = STATUS_LINE.exec(first);
    if (!m) return `not an HTTP status line: ${JSON.stringify(first.slice(0, 80))}`;
    if (m[1] !== '1') return `HTTP/${m[1]}.${m[2]}, which is not HTTP/1.x`;
    start = { kind: 'response', version: `HTTP/${m[1]}.${m[2]}`, status: Number(m[3]), reason: m[4] ?? '' };
  }
  const head: Head = { start, fields: [], length: b.length };
  let at = lines[0].length + 1;
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i];
    const lineStart = at;
    at += raw.length + 1;
    const line = raw.replace(/\r$/, '');
    if (line === '') break;
    if (line[0] === ' ' || line[0] === '\t') {
      // obs-fold: the value goes on (RFC 9112 §5.2 lets a recipient read it as one space)
      const last = head.fields[head.fields.length - 1];
      if (last) {
        last.value = `${last.value} ${line.trim()}`.trim();
        last.valueEnd = lineStart + line.trimEnd().length;
      } else head.problem ??= `a continuation line with no field before it`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) {
      head.problem ??= `a header line that is not "name: value": ${JSON.stringify(line.slice(0, 80))}`;
      continue;
    }
    const rest = line.slice(colon + 1);
    const lead = rest.length - rest.trimStart().length;
    const value = rest.trim();
    const valueStart = lineStart + colon + 1 + lead;
    head.fields.push({ name, lower: name.toLowerCase(), value, valueStart, valueEnd: valueStart + value.length });
  }
  return head;
}

/** The values of one field, by its name in lower case. */
export function fieldValues(head: Head, lower: string): string[] {
  const out: string[] = [];
  for (const f of head.fields) if (f.lower === lower) out.push(f.value);
  return out;
}

/** The comma-separated list a field's values make, each item trimmed and in lower case (Connection, Transfer-Encoding). */
export function fieldList(head: Head, lower: string): string[] {
  return fieldValues(head, lower)
    .flatMap((v) => v.split(','))
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
}

/**
 * The body's length by Content-Length: a number, null without the field, or a string saying why it cannot be read
 * (RFC 9112 §6.3: a list of one repeated value is that value; differing values or a non-number are unrecoverable).
 */
export function contentLength(head: Head): number | null | string {
  const values = fieldValues(head, 'content-length').flatMap((v) => v.split(',').map((s) => s.trim()));
  if (values.length === 0) return null;
  if (!values.every((v) => /^\d{1,15}$/.test(v))) return `a Content-Length that is not a number: ${JSON.stringify(values.join(', ').slice(0, 40))}`;
  const n = Number(values[0]);
  if (values.some((v) => Number(v) !== n)) return `Content-Length values that differ: ${values.join(', ').slice(0, 40)}`;
  return n;
}
