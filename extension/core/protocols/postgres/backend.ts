// Server messages, gathered into one answer: authentication requests, parameter status, row descriptions and data
// rows (as a table), command tags, errors and notices, up to ReadyForQuery. `AnswerBuilder` takes one message at a
// time and keeps at most ROWS_SHOWN rows per result, so a huge result costs its count, not its rows.
import { isUtf8 } from 'node:buffer';
import { Cursor, decodeProblem } from '../cursor';
import type { Decoded } from '../types';

export const ROWS_SHOWN = 200;

const AUTH: Record<number, string> = {
  0: 'AuthenticationOk',
  2: 'KerberosV5',
  3: 'CleartextPassword',
  5: 'MD5Password',
  7: 'GSS',
  8: 'GSSContinue',
  9: 'SSPI',
  10: 'SASL',
  11: 'SASLContinue',
  12: 'SASLFinal',
};

const ERROR_FIELDS: Record<string, string> = {
  S: 'severity',
  V: 'severityV',
  C: 'code',
  M: 'message',
  D: 'detail',
  H: 'hint',
  P: 'position',
  p: 'internalPosition',
  q: 'internalQuery',
  W: 'where',
  s: 'schema',
  t: 'table',
  c: 'column',
  d: 'dataType',
  n: 'constraint',
  F: 'file',
  L: 'line',
  R: 'routine',
};

interface Column {
  name: string;
  typeOid: number;
  format: number;
}
interface ResultSet {
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  tag?: string;
}

export function parseErrorFields(b: Buffer): Record<string, string> {
  const c = new Cursor(b, 5);
  const out: Record<string, string> = {};
  while (c.remaining > 0) {
    const code = c.u8('a field code');
    if (code === 0) break;
    const k = String.fromCharCode(code);
    out[ERROR_FIELDS[k] ?? k] = c.cstringOrRest();
  }
  return out;
}

/** The auth code of an 'R' message, or null. */
export function authCode(b: Buffer): number | null {
  return b[0] === 0x52 && b.length >= 9 ? b.readInt32BE(5) : null;
}

export class AnswerBuilder {
  private columns: Column[] = [];
  private readonly results: ResultSet[] = [];
  private cur: ResultSet | null = null;
  private readonly auth: string[] = [];
  private error: Record<string, string> | null = null;
  private readonly notices: string[] = [];
  private readonly params: Record<string, string> = {};
  private readonly other: string[] = [];
  private status: string | null = null;
  private problem: string | null = null;
  private single: string | null = null;

  /** The one-byte answer to SSLRequest / GSSENCRequest. */
  bare(byte: number): void {
    const ch = String.fromCharCode(byte);
    this.single = ch === 'S' ? 'SSL accepted (S): TLS follows' : ch === 'G' ? 'GSS encryption accepted (G)' : `encryption refused (${ch})`;
  }

  push(b: Buffer): void {
    try {
      this.step(b);
    } catch (err) {
      this.problem ??= decodeProblem(err);
    }
  }

  private step(b: Buffer): void {
    const type = String.fromCharCode(b[0]);
    const c = new Cursor(b, 5);
    switch (type) {
      case 'R': {
        const code = c.i32be('the auth code');
        let name = AUTH[code] ?? `auth ${code}`;
        if (code === 10) {
          const mechs: string[] = [];
          while (c.remaining > 1) mechs.push(c.cstring('a mechanism'));
          name += ` ${mechs.join(',')}`;
        }
        this.auth.push(name);
        return;
      }
      case 'S': {
        const k = c.cstring('a parameter name');
        this.params[k] = c.cstringOrRest();
        return;
      }
      case 'T': {
        const n = c.i16be('the field count');
        this.columns = [];
        for (let i = 0; i < n; i++) {
          const name = c.cstring('a field name');
          c.bytes(6, 'the table and column ids');
          const typeOid = c.u32be('a type oid');
          c.bytes(6, 'the type size and modifier');
          this.columns.push({ name, typeOid, format: c.i16be('a format code') });
        }
        this.cur = { columns: this.columns.map((col) => col.name), rows: [], rowCount: 0 };
        this.results.push(this.cur);
        return;
      }
      case 'D': {
        if (!this.cur) {
          // rows of a portal described earlier: the result starts here, its column names unknown
          this.cur = { columns: [], rows: [], rowCount: 0 };
          this.results.push(this.cur);
        }
        this.cur.rowCount++;
        if (this.cur.rows.length < ROWS_SHOWN) this.cur.rows.push(this.row(c));
        return;
      }
      case 'C': {
        const tag = c.cstringOrRest();
        if (this.cur && this.cur.tag === undefined) this.cur.tag = tag;
        else this.results.push({ columns: [], rows: [], rowCount: 0, tag });
        this.cur = null;
        return;
      }
      case 'E':
        this.error = parseErrorFields(b);
        return;
      case 'N': {
        const f = parseErrorFields(b);
        this.notices.push(`${f.severity ?? 'NOTICE'}: ${f.message ?? ''}`);
        return;
      }
      case 'Z':
        this.status = String.fromCharCode(c.u8('the transaction status'));
        return;
      case 'I':
        this.results.push({ columns: [], rows: [], rowCount: 0, tag: '(empty query)' });
        return;
      default:
        this.other.push(BACKEND_NAMES[type] ?? `unknown '${type}'`);
        if (!BACKEND_NAMES[type]) this.problem ??= `an unknown message type '${type}'`;
    }
  }

  private row(c: Cursor): unknown[] {
    const n = c.i16be('the column count');
    const row: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const len = c.i32be('a value length');
      if (len < 0) {
        row.push(null);
        continue;
      }
      const v = c.bytes(len, 'a value');
      const col = this.columns[i];
      row.push(col?.format === 1 ? binaryValue(v, col.typeOid) : isUtf8(v) ? v.toString('utf8') : `\\x${v.toString('hex')}`);
    }
    return row;
  }

  build(): Decoded {
    if (this.single) return { summary: this.single, fields: { type: 'EncryptionAnswer' } };
    const parts: string[] = [];
    if (this.auth.length) parts.push(this.auth.join(', '));
    for (const r of this.results) parts.push(r.columns.length ? `${r.tag ?? `${r.rowCount} rows`} (${r.columns.join(', ')})` : (r.tag ?? `${r.rowCount} rows`));
    if (this.error) parts.push(`${this.error.severity ?? 'ERROR'} ${this.error.code ?? ''}: ${this.error.message ?? ''}`);
    if (parts.length === 0) parts.push(this.other.length ? this.other.join(', ') : 'ready');
    const fields: Record<string, unknown> = {};
    if (this.results.length === 1) Object.assign(fields, this.results[0]);
    else if (this.results.length) fields.results = this.results;
    if (this.auth.length) fields.auth = this.auth;
    if (this.error) fields.error = this.error;
    if (this.notices.length) fields.notices = this.notices;
    if (Object.keys(this.params).length) fields.parameters = this.params;
    if (this.other.length) fields.messages = this.other;
    if (this.status) fields.transactionStatus = this.status;
    const d: Decoded = { summary: parts.join('; '), fields };
    if (this.error) d.failed = true;
    if (this.problem) d.error = this.problem;
    return d;
  }
}

const BACKEND_NAMES: Record<string, string> = {
  K: 'BackendKeyData',
  '1': 'ParseComplete',
  '2': 'BindComplete',
  '3': 'CloseComplete',
  n: 'NoData',
  t: 'ParameterDescription',
  s: 'PortalSuspended',
  G: 'CopyInResponse',
  H: 'CopyOutResponse',
  W: 'CopyBothResponse',
  d: 'CopyData',
  c: 'CopyDone',
  A: 'NotificationResponse',
  V: 'FunctionCallResponse',
  v: 'NegotiateProtocolVersion',
};

/** Binary-format values of the common types; others as hex. */
function binaryValue(v: Buffer, oid: number): unknown {
  switch (oid) {
    case 16:
      return v.length === 1 ? v[0] !== 0 : hex(v);
    case 21:
      return v.length === 2 ? v.readInt16BE(0) : hex(v);
    case 23:
      return v.length === 4 ? v.readInt32BE(0) : hex(v);
    case 20: {
      if (v.length !== 8) return hex(v);
      const n = v.readBigInt64BE(0);
      return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
    }
    case 700:
      return v.length === 4 ? v.readFloatBE(0) : hex(v);
    case 701:
      return v.length === 8 ? v.readDoubleBE(0) : hex(v);
    case 25:
    case 1043:
      return v.toString('utf8');
    default:
      return hex(v);
  }
}

function hex(v: Buffer): string {
  return `\\x${v.toString('hex')}`;
}

/** A server message that arrives with no request waiting (a notice, a notification, a parameter change, a FATAL). */
export function describeLone(b: Buffer): Decoded {
  const a = new AnswerBuilder();
  a.push(b);
  return a.build();
}
