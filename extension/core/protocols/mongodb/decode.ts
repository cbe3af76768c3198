// Decoding of whole MongoDB messages: OP_MSG (flag bits, a kind 0 body, kind 1 document sequences, the optional
// CRC-32C checksum), the legacy OP_QUERY/OP_REPLY, and OP_COMPRESSED (zlib and no-op unpacked; snappy and zstd shown
// as compressed). A summary reads like the shell: `find data {val: 3}`, `ok 1 n=1`.
import { inflateSync } from 'node:zlib';
import type { Document } from 'bson';
import type { Direction } from '../../transcript/format';
import { MAX_MESSAGE_BYTES } from '../bytequeue';
import { Cursor, decodeProblem } from '../cursor';
import type { Decoded } from '../types';
import { crc32c } from './crc32c';
import { compact, keyOf, plain, readDocument } from './document';

export const OP = { REPLY: 1, UPDATE: 2001, INSERT: 2002, QUERY: 2004, GET_MORE: 2005, DELETE: 2006, KILL_CURSORS: 2007, COMPRESSED: 2012, MSG: 2013 } as const;
const OP_NAMES: Record<number, string> = Object.fromEntries(Object.entries(OP).map(([k, v]) => [v, `OP_${k}`]));
export const FLAG = { CHECKSUM_PRESENT: 1, MORE_TO_COME: 2, EXHAUST_ALLOWED: 1 << 16 } as const;
const COMPRESSORS: Record<number, string> = { 0: 'noop', 1: 'snappy', 2: 'zlib', 3: 'zstd' };
/** documents of a sequence or reply decoded for the details pane; the rest are counted */
const DOCS_SHOWN = 200;

export interface Header {
  length: number;
  requestID: number;
  responseTo: number;
  opCode: number;
}

export interface Message {
  header: Header;
  flags: number;
  body?: Document;
  sequences: Array<{ identifier: string; documents: Document[]; count: number }>;
  /** OP_REPLY documents, or OP_QUERY's collection */
  documents?: Document[];
  collection?: string;
  checksum?: 'ok' | 'bad';
  compressor?: string;
  /** OP_COMPRESSED: the opcode of the message inside */
  original?: number;
  problem?: string;
}

export function readHeader(b: Buffer): Header {
  return { length: b.readInt32LE(0), requestID: b.readInt32LE(4), responseTo: b.readInt32LE(8), opCode: b.readInt32LE(12) };
}

/** Parses one whole message; what cannot be read lands in `problem`, with whatever was read before it. */
export function parseMessage(b: Buffer): Message {
  const m: Message = { header: readHeader(b), flags: 0, sequences: [] };
  try {
    parseBody(m, b, m.header.opCode, 16);
  } catch (err) {
    m.problem = decodeProblem(err);
  }
  return m;
}

function parseBody(m: Message, b: Buffer, opCode: number, at: number): void {
  const c = new Cursor(b, at);
  switch (opCode) {
    case OP.MSG: {
      m.flags = c.u32le('the flag bits');
      let end = b.length;
      if (m.flags & FLAG.CHECKSUM_PRESENT) {
        end -= 4;
        if (end < c.pos) throw new Error('a checksum flag with no room for the checksum');
        m.checksum = crc32c(b, 0, end) === b.readUInt32LE(end) ? 'ok' : 'bad';
      }
      const s = new Cursor(b, c.pos, end);
      while (s.remaining > 0) {
        const kind = s.u8('a section kind');
        if (kind === 0) m.body = readDocument(s.bytes(s.buf.readInt32LE(s.pos), 'the body document'));
        else if (kind === 1) m.sequences.push(sequence(s));
        else throw new Error(`a section of unknown kind ${kind}`);
      }
      return;
    }
    case OP.QUERY: {
      c.i32le('the query flags');
      m.collection = c.cstring('the collection name');
      c.i32le('numberToSkip');
      c.i32le('numberToReturn');
      m.body = readDocument(c.bytes(peekLen(c), 'the query document'));
      return;
    }
    case OP.REPLY: {
      m.flags = c.i32le('the response flags');
      c.u64le('the cursor id');
      c.i32le('startingFrom');
      const n = c.i32le('numberReturned');
      m.documents = [];
      for (let i = 0; i < n && c.remaining > 0; i++) {
        const doc = c.bytes(peekLen(c), 'a reply document');
        if (m.documents.length < DOCS_SHOWN) m.documents.push(readDocument(doc));
      }
      return;
    }
    case OP.COMPRESSED: {
      const original = c.i32le('the original opcode');
      const size = c.i32le('the uncompressed size');
      const id = c.u8('the compressor id');
      m.compressor = COMPRESSORS[id] ?? `compressor ${id}`;
      m.original = original;
      if (size < 0 || size > MAX_MESSAGE_BYTES) throw new Error(`an uncompressed size of ${size}`);
      const data = c.rest();
      let inner: Buffer;
      if (id === 0) inner = data;
      else if (id === 2) inner = inflateSync(data, { maxOutputLength: Math.max(1, size) });
      else throw new Error(`${m.compressor}-compressed ${OP_NAMES[original] ?? original} is shown undecoded`);
      m.header = { ...m.header, opCode: original };
      // the inner message is the original without its header: decode it as if the header were there
      parseBody(m, Buffer.concat([b.subarray(0, 16), inner]), original, 16);
      return;
    }
    default:
      return;
  }
}

function peekLen(c: Cursor): number {
  if (c.remaining < 4) return c.remaining + 1;
  return c.buf.readInt32LE(c.pos);
}

function sequence(s: Cursor): Message['sequences'][number] {
  const start = s.pos;
  const size = s.i32le('the sequence size');
  if (size < 4 || start + size > s.pos + s.remaining) throw new Error(`a document sequence of ${size} bytes`);
  const identifier = s.cstring('the sequence identifier');
  const documents: Document[] = [];
  let count = 0;
  while (s.pos < start + size) {
    const doc = s.bytes(peekLen(s), 'a sequence document');
    count++;
    if (documents.length < DOCS_SHOWN) documents.push(readDocument(doc));
  }
  if (s.pos !== start + size) throw new Error(`a document runs past the end of sequence ${identifier}`);
  return { identifier, documents, count };
}

const FLAG_NAMES: Array<[number, string]> = [
  [FLAG.CHECKSUM_PRESENT, 'checksumPresent'],
  [FLAG.MORE_TO_COME, 'moreToCome'],
  [FLAG.EXHAUST_ALLOWED, 'exhaustAllowed'],
];

export function describe(m: Message, dir: Direction): Decoded {
  const op = OP_NAMES[m.header.opCode] ?? `opCode ${m.header.opCode}`;
  const fields: Record<string, unknown> = { opCode: op, requestID: m.header.requestID, responseTo: m.header.responseTo };
  if (m.header.opCode === OP.MSG) fields.flags = FLAG_NAMES.filter(([bit]) => m.flags & bit).map(([, n]) => n);
  if (m.compressor) fields.compressor = m.compressor;
  if (m.checksum) fields.checksum = m.checksum;
  if (m.collection) fields.collection = m.collection;
  if (m.body) fields.body = plain(m.body);
  if (m.sequences.length) fields.sequences = m.sequences.map((s) => ({ identifier: s.identifier, count: s.count, documents: s.documents.map(plain) }));
  if (m.documents) fields.documents = m.documents.map(plain);
  const d: Decoded = { summary: op, fields };
  const doc = m.body ?? m.documents?.[0];
  if (doc) Object.assign(d, dir === 'c2s' ? describeCommand(doc, m) : describeReply(doc, m));
  const errors = [m.checksum === 'bad' ? 'the CRC-32C checksum does not match the message' : '', m.problem ?? ''].filter(Boolean);
  if (errors.length) d.error = errors.join('; ');
  if (!doc && m.compressor) d.summary = `${m.compressor}-compressed ${OP_NAMES[m.original ?? 0] ?? `opCode ${m.original}`}`;
  return d;
}

function describeCommand(doc: Document, m: Message): Partial<Decoded> {
  const names = Object.keys(doc);
  const name = names[0] ?? '(empty)';
  if (m.header.opCode === OP.QUERY && !m.collection?.endsWith('.$cmd')) {
    return { summary: `query ${m.collection ?? ''} ${compact(doc)}` };
  }
  const target = typeof doc[name] === 'string' ? ` ${doc[name] as string}` : '';
  const arg = doc.filter ?? doc.query ?? doc.pipeline ?? doc.q;
  const seq = m.sequences.map((s) => ` ${s.identifier}: ${s.count} docs`).join('');
  const list = !seq ? (['documents', 'updates', 'deletes'] as const).find((k) => Array.isArray(doc[k])) : undefined;
  const listed = list ? ` ${list}: ${(doc[list] as unknown[]).length} docs` : '';
  const out: Partial<Decoded> = { summary: `${name}${target}${arg !== undefined ? ` ${compact(arg)}` : ''}${seq}${listed}` };
  const filter = doc.filter ?? doc.query;
  if (filter && typeof filter === 'object' && !Array.isArray(filter)) {
    const key = keyOf(Object.values(filter as Document)[0]);
    if (key !== undefined) out.key = key;
  }
  return out;
}

function describeReply(doc: Document, m: Message): Partial<Decoded> {
  const parts: string[] = [];
  if ('ok' in doc) parts.push(`ok ${String(doc.ok)}`);
  if (typeof doc.n === 'number') parts.push(`n=${doc.n}`);
  const cursor = doc.cursor as Document | undefined;
  const batch = cursor?.firstBatch ?? cursor?.nextBatch;
  if (Array.isArray(batch)) parts.push(`docs=${batch.length}${batch.length ? ` ${compact(batch[0], 80)}` : ''}`);
  const seqDocs = m.sequences.reduce((n, s) => n + s.count, 0);
  if (seqDocs) parts.push(`docs=${seqDocs}`);
  if (m.header.opCode === OP.REPLY && !('ok' in doc)) parts.push(`${m.documents?.length ?? 0} docs ${compact(doc, 80)}`);
  const failed = doc.ok === 0 || Array.isArray(doc.writeErrors) || doc.writeConcernError !== undefined;
  if (doc.code !== undefined) parts.push(`code=${String(doc.code)}`);
  if (typeof doc.errmsg === 'string') parts.push(doc.errmsg);
  if (Array.isArray(doc.writeErrors)) parts.push(`writeErrors=${doc.writeErrors.length}`);
  return { summary: parts.join(' ') || compact(doc), ...(failed ? { failed: true } : {}) };
}
