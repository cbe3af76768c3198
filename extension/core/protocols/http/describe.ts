// How HTTP messages read on the timeline and in the details pane: `GET /path`, `200 OK (1234 bytes)`; the start
// line's parts, the header fields one per line, and a short printable preview of the body (chunked bodies read
// through their chunks). The key of a request is its target: an answer names none (see index.ts).
import { clipText } from '../cursor';
import { LazyDecoded, type Decoded } from '../types';
import type { Direction } from '../../transcript/format';
import { contentLength, fieldList, fieldValues, parseHead, type Head } from './head';

/** body bytes shown in the details */
const PREVIEW_BYTES = 200;
/** a request target kept as the key up to this many characters */
const MAX_KEY_CHARS = 1024;

/** What the session knows of a body it did not keep whole: its payload's length. */
export interface BodyFacts {
  payload: number;
}

/** A whole message from its own bytes (`Protocol.describe`): its head, then its body as far as the bytes go. */
export function describeHttp(dir: Direction, bytes: Buffer): Decoded {
  const end = headLength(bytes);
  const head = end < 0 ? `no whole head in ${bytes.length} bytes` : parseHead(bytes.subarray(0, end), dir);
  if (typeof head === 'string') return { summary: dir === 'c2s' ? 'request' : 'response', error: head };
  return decodeMessage(head, bytes.subarray(head.length), null);
}

/**
 * The session's decoding, made when shown; the key and failure at once. `whole`: the bytes are all of the message,
 * so `describeHttp` gives the same from them alone.
 */
export function lazyMessage(head: Head, bytes: Buffer, whole: boolean, facts: BodyFacts): Decoded {
  const make = () => decodeMessage(head, bytes.subarray(head.length), whole ? null : facts);
  const quick: { key?: string; failed?: boolean; error?: string; alone?: string } = {};
  if (head.start.kind === 'request') quick.key = keyOf(head.start.target);
  else if (head.start.status >= 400) quick.failed = true;
  if (head.problem) quick.error = head.problem;
  if (whole) quick.alone = 'http';
  return new LazyDecoded(make, quick);
}

export function keyOf(target: string): string {
  return target.length > MAX_KEY_CHARS ? target.slice(0, MAX_KEY_CHARS) : target;
}

/** `rest`: the body's bytes as sent, all of them (facts null) or the first of them. */
export function decodeMessage(head: Head, rest: Buffer, facts: BodyFacts | null): Decoded {
  const chunked = fieldList(head, 'transfer-encoding').at(-1) === 'chunked';
  const body = chunked ? dechunk(rest) : { preview: rest.subarray(0, PREVIEW_BYTES), payload: rest.length, trailers: [] as string[] };
  const payload = facts ? facts.payload : body.payload;
  const sized = rest.length > 0 || contentLength(head) === 0;
  const fields: Record<string, unknown> = {};
  let summary: string;
  const s = head.start;
  if (s.kind === 'request') {
    summary = `${s.method} ${s.target}${payload > 0 ? ` (${payload} bytes)` : ''}`;
    Object.assign(fields, { method: s.method, target: s.target, version: s.version });
  } else {
    summary = `${s.status}${s.reason ? ` ${s.reason}` : ''}${sized ? ` (${payload} bytes)` : ''}`;
    Object.assign(fields, { version: s.version, status: s.status, reason: s.reason });
  }
  fields.headers = head.fields.map((f) => `${f.name}: ${f.value}`);
  if (sized) {
    fields.bodyBytes = payload;
    const coding = fieldValues(head, 'content-encoding').join(', ');
    if (body.preview.length > 0) fields.body = `${preview(body.preview, payload)}${coding ? ` (${coding})` : ''}`;
  } else if (rest.length === 0 && s.kind === 'response' && contentLength(head) !== null) {
    fields.body = 'none (the answer to a HEAD, or a status that has none)';
  }
  if (chunked) fields.chunked = true;
  if (body.trailers.length) fields.trailers = body.trailers;
  const d: Decoded = { summary: clipText(summary, 200), fields };
  if (s.kind === 'request') d.key = keyOf(s.target);
  else if (s.status >= 400) d.failed = true;
  if (head.problem) d.error = head.problem;
  return d;
}

/** Where the head in `b` ends (past its empty line), or -1. */
export function headLength(b: Buffer): number {
  for (let lf = b.indexOf(10); lf >= 0 && lf + 1 < b.length; lf = b.indexOf(10, lf + 1)) {
    if (b[lf + 1] === 10) return lf + 2;
    if (b[lf + 1] === 13 && b[lf + 2] === 10) return lf + 3;
  }
  return -1;
}

/** A chunked body as sent: the payload's first bytes, its length as far as the bytes go, and the trailer fields. */
function dechunk(b: Buffer): { preview: Buffer; payload: number; trailers: string[] } {
  const parts: Buffer[] = [];
  let kept = 0;
  let payload = 0;
  let at = 0;
  for (;;) {
    const lf = b.indexOf(10, at);
    if (lf < 0) break;
    const size = parseInt(b.toString('latin1', at, lf), 16);
    if (!Number.isFinite(size)) break;
    at = lf + 1;
    if (size === 0) {
      const trailers = b
        .toString('latin1', at)
        .split(/\r?\n/)
        .filter((l) => l !== '');
      return { preview: Buffer.concat(parts), payload, trailers };
    }
    const data = b.subarray(at, Math.min(b.length, at + size));
    payload += data.length;
    if (kept < PREVIEW_BYTES) {
      parts.push(data.subarray(0, PREVIEW_BYTES - kept));
      kept += Math.min(data.length, PREVIEW_BYTES - kept);
    }
    at += size;
    if (at >= b.length) break;
    at += b[at] === 13 ? 2 : 1;
  }
  return { preview: Buffer.concat(parts), payload, trailers: [] };
}

const SHOWN_ESCAPES: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };

/** The body's first bytes as text (line ends shown as \r \n) when they read as text, else in hex. */
function preview(b: Buffer, total: number): string {
  const more = total > b.length ? ` (${total} bytes)` : '';
  // a multi-byte character cut at the end is no sign of binary; a replacement character or control inside is
  const text = b.toString('utf8').replace(/\uFFFD{1,3}$/, '');
  if (!/[\uFFFD\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/.test(text)) return `${text.replace(/[\r\n\t]/g, (c) => SHOWN_ESCAPES[c])}${more ? `…${more}` : ''}`;
  return `0x${b.subarray(0, 32).toString('hex')}${b.length > 32 || more ? '…' : ''}${more}`;
}
