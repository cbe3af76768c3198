// Transcript format v1: the shapes of the header and of each event line, and the checks that turn a parsed
// JSON line into a typed event (or a problem a user can act on). Unknown kinds and fields are kept, never rejected.
import { isUtf8 } from 'node:buffer';

export const FORMAT = 'incident-replay/transcript';
export const VERSION = 1;

export interface TranscriptHeader {
  type: 'header';
  format: typeof FORMAT;
  version: number;
  protocol: string;
  startedAt: string;
  clock: 'us';
  /** the writer promises a closing `end` line: a transcript without one was cut */
  closing?: boolean;
  source?: Record<string, unknown>;
  [extra: string]: unknown;
}

interface EventBase {
  /** µs since the header's startedAt */
  t: number;
  /** connection number */
  c: number;
  [extra: string]: unknown;
}
export interface OpenEvent extends EventBase {
  k: 'open';
  peer?: string;
}
export interface CloseEvent extends EventBase {
  k: 'close';
  by?: 'client' | 'server' | 'proxy';
  error?: string;
}
/** by: the side that reset, or the proxy itself (a `reset` fault) */
export interface ResetEvent extends EventBase {
  k: 'reset';
  by?: 'client' | 'server' | 'proxy';
  error?: string;
}
export interface DataEvent extends EventBase {
  k: 'c2s' | 's2c';
  d: string;
  e?: 'utf8' | 'base64';
}
export interface FaultEvent extends EventBase {
  k: 'fault';
  fault: string;
  dir?: Direction;
}
export type ClientOp = 'request' | 'timeout' | 'result' | 'close';
/** bytes the proxy read but could not deliver: the receiving side had gone, or a stall held them to the end */
export interface DropEvent extends EventBase {
  k: 'drop';
  dir: Direction;
  bytes: number;
}
export interface ClientEvent extends EventBase {
  k: 'client';
  op: ClientOp;
  id?: string | number;
  key?: string;
  /** what the client took as the answer (the response text), or null when it synthesised one (a timeout) */
  got?: string | null;
}
/** bytes a capture lost (the sniffer dropped them): the stream goes on after them */
export interface GapEvent extends EventBase {
  k: 'gap';
  dir: Direction;
  bytes: number;
}
/** the capture or recording was cut short here: whatever followed was not seen */
export interface CutEvent extends EventBase {
  k: 'cut';
  what: string;
}
/** the closing line of a recording stopped normally: what was written, and what the recorder knows it lost */
export interface EndEvent extends EventBase {
  k: 'end';
  events?: number;
  bytes?: { c2s: number; s2c: number };
  lost?: number;
}
export interface UnknownEvent extends EventBase {
  k: string;
}
export type TranscriptEvent = OpenEvent | CloseEvent | ResetEvent | DataEvent | FaultEvent | DropEvent | ClientEvent | GapEvent | CutEvent | EndEvent;
export type Direction = 'c2s' | 's2c';

export const KNOWN_KINDS = new Set(['open', 'close', 'reset', 'c2s', 's2c', 'fault', 'drop', 'client', 'gap', 'cut', 'end']);

/** The bytes of a c2s/s2c event. */
export function eventBytes(ev: DataEvent): Buffer {
  if (typeof ev.bytes === 'object' && ev.bytes instanceof Buffer) return ev.bytes;
  return ev.e === 'base64' ? Buffer.from(ev.d, 'base64') : Buffer.from(ev.d, 'utf8');
}

/**
 * Encodes wire bytes for a data event so that decoding returns them exactly: text when the bytes are valid UTF-8 and
 * read as text, else base64. A binary protocol's bytes are often valid UTF-8 (lengths and terminators are zeros and
 * small numbers), but JSON writes each such control byte as six characters: a PostgreSQL pipeline of 725 bytes is
 * 3,243 characters as text and 970 as base64, and takes twice as long to write. So bytes whose head has more
 * control bytes than text would (ESCAPED_SHARE of SNIFF_BYTES) go as base64.
 */
export function encodeBytes(bytes: Uint8Array): { d: string; e?: 'base64' } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (readsAsText(buf) && isUtf8(buf)) return { d: buf.toString('utf8') };
  return { d: buf.toString('base64'), e: 'base64' };
}

/** the bytes looked at to tell text from binary: the head, so that a long value costs no more than a short one */
const SNIFF_BYTES = 256;
/** the share of the head that may be control bytes JSON escapes as \u00XX (\t, \n, \r and the like are text's own) */
const ESCAPED_SHARE = 1 / 16;

function readsAsText(buf: Buffer): boolean {
  const n = Math.min(buf.length, SNIFF_BYTES);
  const allowed = n * ESCAPED_SHARE;
  let escaped = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i];
    // below 0x20, all but \b \t \n \f \r take six characters in JSON
    if (b < 0x20 && (b < 8 || b === 11 || b > 13) && ++escaped > allowed) return false;
  }
  return true;
}

/** Valid base64 (padded), checked without a backtracking regex: a whole-line pattern overflows the stack on 80 MB. */
export function isBase64(d: string): boolean {
  if (d.length % 4 !== 0) return false;
  const pad = d.endsWith('==') ? 2 : d.endsWith('=') ? 1 : 0;
  return !NOT_BASE64.test(pad ? d.slice(0, d.length - pad) : d);
}
const NOT_BASE64 = /[^A-Za-z0-9+/]/;

/** Checks a parsed header line; returns the problem in words, or null. */
export function headerProblem(v: unknown): string | null {
  if (!isObject(v)) return 'the first line is not a transcript header object';
  if (v.type !== 'header' || v.format !== FORMAT) {
    const what = typeof v.format === 'string' ? `"${v.format}"` : 'no "format"';
    return `not an Incident Replay transcript: the header has ${what}, expected "${FORMAT}"`;
  }
  if (typeof v.version !== 'number' || !Number.isInteger(v.version) || v.version < 1) return 'the header\'s "version" is not a positive integer';
  if (v.version > VERSION) return `transcript format version ${v.version} is newer than this tool reads (version ${VERSION}); update Incident Replay`;
  if (typeof v.protocol !== 'string' || v.protocol === '') return 'the header has no "protocol"';
  if (typeof v.startedAt !== 'string' || Number.isNaN(Date.parse(v.startedAt))) return 'the header\'s "startedAt" is not an ISO-8601 time';
  if (v.clock !== undefined && v.clock !== 'us') return `the header's clock "${String(v.clock)}" is not "us"`;
  return null;
}

/** Checks a parsed event line; returns the problem in words, or null. */
export function eventProblem(v: unknown): string | null {
  if (!isObject(v)) return 'the line is not a JSON object';
  if (typeof v.t !== 'number' || !Number.isFinite(v.t) || v.t < 0) return '"t" (µs since start) is missing or not a non-negative number';
  if (typeof v.c !== 'number' || !Number.isInteger(v.c) || v.c < 0) return '"c" (connection number) is missing or not a non-negative integer';
  if (typeof v.k !== 'string' || v.k === '') return '"k" (event kind) is missing';
  if (v.k === 'c2s' || v.k === 's2c') {
    if (typeof v.d !== 'string') return `a ${v.k} event has no "d" string`;
    if (v.e !== undefined && v.e !== 'utf8' && v.e !== 'base64') return `unknown encoding "e": ${JSON.stringify(v.e)}`;
    if (v.e === 'base64' && !isBase64(v.d)) return `"d" is not valid base64`;
  }
  if (v.k === 'client' && typeof v.op !== 'string') return 'a client event has no "op"';
  if (v.k === 'fault' && typeof v.fault !== 'string') return 'a fault event has no "fault"';
  return null;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
