// Server answers in the command phase: OK, ERR and EOF packets, and result sets (a column count, column definitions,
// an EOF unless CLIENT_DEPRECATE_EOF, rows, and an end packet whose status flags say whether another result follows).
// `ResultCollector` is fed one packet at a time and says when the answer to its command is complete.
import { Cursor, decodeProblem } from '../cursor';
import type { Decoded } from '../types';
import { binaryRow, lenencInt, parseColumn, textRow, type Cell, type Column } from './values';

const MORE_RESULTS = 0x0008;
/** rows decoded into `fields` per result; the rest are counted */
export const ROWS_SHOWN = 200;

export interface Ok {
  affectedRows: number;
  insertId: number;
  status: number;
  warnings: number;
  info?: string;
}
export interface Err {
  code: number;
  sqlState?: string;
  message: string;
}

export function parseOk(p: Buffer): Ok {
  const c = new Cursor(p, 1);
  const ok: Ok = { affectedRows: lenencInt(c, 'affected rows') ?? 0, insertId: lenencInt(c, 'the insert id') ?? 0, status: 0, warnings: 0 };
  if (c.remaining >= 4) {
    ok.status = c.u16le();
    ok.warnings = c.u16le();
  }
  if (c.remaining) ok.info = c.rest().toString('utf8');
  return ok;
}

export function parseErr(p: Buffer): Err {
  const c = new Cursor(p, 1);
  const code = c.u16le('the error code');
  if (c.remaining && p[c.pos] === 0x23) {
    c.u8();
    const sqlState = c.bytes(5, 'the SQL state').toString('latin1');
    return { code, sqlState, message: c.rest().toString('utf8') };
  }
  return { code, message: c.rest().toString('utf8') };
}

/** Status flags of an end packet: an EOF (0xfe, warnings, status) or, with DEPRECATE_EOF, an OK with a 0xfe header. */
function endStatus(p: Buffer, deprecateEof: boolean): number {
  if (deprecateEof && p[0] === 0xfe && p.length > 5) return parseOk(p).status;
  return p.length >= 5 ? p.readUInt16LE(3) : 0;
}

function isEnd(p: Buffer): boolean {
  return p[0] === 0xfe && p.length < 0xffffff;
}

export interface ResultOptions {
  deprecateEof: boolean;
  /** MariaDB: column definitions carry extended type info */
  extendedTypeInfo: boolean;
  /** MariaDB: a column count is followed by a byte saying whether the definitions follow */
  cacheMetadata: boolean;
}

export type Shape = 'resultset' | 'binary-resultset' | 'prepare' | 'fieldlist' | 'single';

export interface Result {
  ok?: Ok;
  err?: Err;
  columns?: Column[];
  rows?: Cell[][];
  rowCount?: number;
  rowError?: string;
  infile?: string;
  /** a bare answer: COM_STATISTICS text, the EOF of COM_SET_OPTION */
  text?: string;
  prepared?: { statementId: number; columns: number; params: number };
}

/** Follows one command's answer packet by packet. */
export class ResultCollector {
  readonly results: Result[] = [];
  private state: 'first' | 'columns' | 'colEof' | 'rows' | 'infile' | 'params' | 'paramEof' | 'prepCols' | 'prepColEof' | 'done' = 'first';
  private left = 0;
  private cur: Result = {};

  private readonly deprecateEof: boolean;

  constructor(
    private readonly shape: Shape,
    private readonly opts: ResultOptions,
  ) {
    this.deprecateEof = opts.deprecateEof;
    if (shape === 'fieldlist') {
      this.state = 'rows';
      this.cur = { columns: [] };
    }
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /** The statement's columns and parameters, once a prepare answer is complete. */
  get prepared(): Result['prepared'] {
    return this.results[0]?.prepared;
  }

  push(p: Buffer): void {
    try {
      this.step(p);
    } catch (err) {
      this.cur.rowError ??= decodeProblem(err);
    }
  }

  private step(p: Buffer): void {
    switch (this.state) {
      case 'first':
        return this.first(p);
      case 'columns':
        this.cur.columns?.push(parseColumn(p, this.opts.extendedTypeInfo));
        if (--this.left === 0) this.state = this.deprecateEof ? 'rows' : 'colEof';
        return;
      case 'colEof':
        this.state = 'rows';
        return;
      case 'rows':
        return this.row(p);
      case 'infile':
        return this.end(p[0] === 0xff ? { err: parseErr(p) } : { ok: parseOk(p) }, 0);
      case 'params':
      case 'prepCols':
        if (--this.left === 0) this.afterDefs();
        return;
      case 'paramEof':
      case 'prepColEof':
        return this.afterDefs();
      default:
        return;
    }
  }

  private first(p: Buffer): void {
    if (p[0] === 0xff) return this.end({ err: parseErr(p) }, 0);
    if (this.shape === 'single') return this.end(p[0] === 0x00 ? { ok: parseOk(p) } : { text: p[0] === 0xfe ? 'EOF' : p.toString('utf8') }, 0);
    if (p[0] === 0x00 && this.shape === 'prepare') {
      const c = new Cursor(p, 1);
      const prepared = { statementId: c.u32le('the statement id'), columns: c.u16le('the column count'), params: c.u16le('the parameter count') };
      this.cur = { prepared };
      this.results.push(this.cur);
      this.left = prepared.params;
      this.state = 'params';
      if (this.left === 0) this.afterDefs();
      return;
    }
    if (p[0] === 0x00) {
      const ok = parseOk(p);
      return this.end({ ok }, ok.status);
    }
    if (p[0] === 0xfb) {
      this.cur = { infile: p.subarray(1).toString('utf8') };
      this.state = 'infile';
      return;
    }
    const c = new Cursor(p);
    const count = lenencInt(c, 'the column count') ?? 0;
    this.cur = { columns: [], rows: [], rowCount: 0 };
    if (count === 0) return this.end(this.cur, 0);
    if (this.opts.cacheMetadata && c.remaining && c.u8() === 0) {
      // the client holds the definitions from before: rows follow at once, shown without column types
      this.state = 'rows';
      this.cur.rowError = 'column definitions were cached by the client; rows shown as sent';
      return;
    }
    this.left = count;
    this.state = 'columns';
  }

  /** Prepare answers: parameter definitions, then column definitions, each block ended by EOF unless deprecated. */
  private afterDefs(): void {
    const prep = this.cur.prepared;
    if (!prep) return;
    if (this.state === 'params' && prep.params > 0 && !this.deprecateEof) {
      this.state = 'paramEof';
      return;
    }
    if (this.state === 'params' || this.state === 'paramEof') {
      this.left = prep.columns;
      this.state = 'prepCols';
      if (this.left > 0) return;
    }
    if (this.state === 'prepCols' && prep.columns > 0 && !this.deprecateEof) {
      this.state = 'prepColEof';
      return;
    }
    this.state = 'done';
  }

  private row(p: Buffer): void {
    if (p[0] === 0xff) return this.end({ ...this.cur, err: parseErr(p) }, 0);
    if (isEnd(p)) return this.end(this.cur, endStatus(p, this.deprecateEof));
    if (this.shape === 'fieldlist') {
      this.cur.columns?.push(parseColumn(p, this.opts.extendedTypeInfo));
      return;
    }
    this.cur.rowCount = (this.cur.rowCount ?? 0) + 1;
    if ((this.cur.rows?.length ?? 0) >= ROWS_SHOWN) return;
    const cols = this.cur.columns ?? [];
    if (cols.length === 0) return;
    this.cur.rows?.push(this.shape === 'binary-resultset' ? binaryRow(p, cols) : textRow(p, cols.length));
  }

  private end(r: Result, status: number): void {
    if (r !== this.cur || !this.results.includes(r)) this.results.push(r);
    this.cur = {};
    this.state = status & MORE_RESULTS ? 'first' : 'done';
  }
}

/** The decoded form of a complete answer. */
export function describeResults(results: Result[]): Decoded {
  if (results.length === 0) return { summary: '(no answer)', error: 'an answer with no packets' };
  const parts = results.map(describeOne);
  if (parts.length === 1) return parts[0];
  return {
    summary: parts.map((p) => p.summary).join('; '),
    fields: { results: parts.map((p) => p.fields) },
    ...(parts.some((p) => p.failed) ? { failed: true } : {}),
    ...(parts.find((p) => p.error) ? { error: parts.find((p) => p.error)?.error } : {}),
  };
}

function describeOne(r: Result): Decoded {
  const problem = r.rowError ? { error: r.rowError } : {};
  if (r.err) {
    const state = r.err.sqlState ? ` (${r.err.sqlState})` : '';
    return { summary: `ERR ${r.err.code}${state}: ${r.err.message}`, failed: true, fields: { type: 'ERR', ...r.err }, ...problem };
  }
  if (r.prepared) {
    const p = r.prepared;
    return { summary: `prepared #${p.statementId}: ${p.params} params, ${p.columns} columns`, fields: { type: 'PREPARE_OK', ...p }, ...problem };
  }
  if (r.infile !== undefined && !r.ok) return { summary: `LOCAL INFILE ${r.infile}`, fields: { type: 'LOCAL_INFILE', file: r.infile }, ...problem };
  if (r.columns && r.rows) {
    const names = r.columns.map((c) => c.name);
    const n = r.rowCount ?? r.rows.length;
    return {
      summary: `${n} row${n === 1 ? '' : 's'} (${names.join(', ')})`,
      fields: { type: 'RESULTSET', columns: names, rows: r.rows, rowCount: n },
      ...problem,
    };
  }
  if (r.columns) return { summary: `${r.columns.length} fields`, fields: { type: 'FIELDS', columns: r.columns.map((c) => c.name) }, ...problem };
  if (r.ok) {
    const ins = r.ok.insertId ? ` insertId=${r.ok.insertId}` : '';
    return { summary: `OK affected=${r.ok.affectedRows}${ins}`, fields: { type: 'OK', ...r.ok }, ...problem };
  }
  return { summary: r.text ?? 'answer', fields: { type: 'TEXT', text: r.text }, ...problem };
}
