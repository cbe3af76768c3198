// The bytes of MariaDB's (and MySQL's) binary protocol that a prepared statement's run needs: the COM_STMT_EXECUTE
// packet with its parameters bound, a column definition's name and type, and one column's value out of a binary
// result row. Pure functions over buffers; mysql-statement.ts does the I/O through mysql2's connection.

/** A parameter or a value read: what a benchmark's statements use. */
export type MysqlValue = number | string | null;

/** A column as the answer's column definition describes it: its name, and how its binary value is laid out. */
export interface Column {
  name: string;
  type: number;
  unsigned: boolean;
}

const COM_STMT_EXECUTE = 0x17;
const T = { TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, NULL: 6, LONGLONG: 8, INT24: 9, YEAR: 13, VAR_STRING: 253 };
const FIXED_WIDTH: Record<number, number> = { [T.TINY]: 1, [T.SHORT]: 2, [T.YEAR]: 2, [T.LONG]: 4, [T.INT24]: 4, [T.FLOAT]: 4, [T.LONGLONG]: 8, [T.DOUBLE]: 8 };
/** TIMESTAMP, DATE, TIME, DATETIME: a 1-byte length, then that many bytes */
const TEMPORAL = new Set([7, 10, 11, 12]);
const UNSIGNED_FLAG = 0x20;
/** SERVER_MORE_RESULTS_EXISTS in an OK or EOF packet's status flags */
export const MORE_RESULTS = 0x08;

function lenencSize(n: number): number {
  return n < 251 ? 1 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 9;
}

function lenencAt(buf: Buffer, o: number): number {
  const b = buf[o];
  if (b < 251) return b;
  if (b === 0xfc) return buf.readUInt16LE(o + 1);
  if (b === 0xfd) return buf.readUIntLE(o + 1, 3);
  return Number(buf.readBigUInt64LE(o + 1));
}

/** The offset after the length-coded string (or NULL, 0xfb) at o. */
function skipLenenc(buf: Buffer, o: number): number {
  if (buf[o] === 0xfb) return o + 1;
  const n = lenencAt(buf, o);
  return o + lenencSize(n) + n;
}

function writeLenenc(b: Buffer, o: number, n: number): number {
  if (n < 251) return b.writeUInt8(n, o);
  if (n < 0x10000) return b.writeUInt16LE(n, b.writeUInt8(0xfc, o));
  if (n < 0x1000000) return b.writeUIntLE(n, b.writeUInt8(0xfd, o), 3);
  return b.writeBigUInt64LE(BigInt(n), b.writeUInt8(0xfe, o));
}

const isInt32 = (v: number) => Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff;

/**
 * COM_STMT_EXECUTE of statement id with the values bound, after 4 bytes left for the packet header. Types go with
 * every run (new-params-bound 1): integers as INT, or BIGINT past 32 bits, as sysbench sends them; other numbers as
 * DOUBLE; strings as VAR_STRING in UTF-8 (the connection's character set, mysql2's default utf8mb4).
 */
export function executePacket(id: number, values: readonly MysqlValue[]): Buffer {
  const n = values.length;
  let texts: (Buffer | null)[] | null = null; // the UTF-8 bytes of string values, made only if there are any
  let size = 14 + (n > 0 ? ((n + 7) >> 3) + 1 + 2 * n : 0);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === 'string') {
      const text = Buffer.from(v, 'utf8');
      (texts ??= new Array<Buffer | null>(n).fill(null))[i] = text;
      size += lenencSize(text.length) + text.length;
    } else if (typeof v === 'number') size += isInt32(v) ? 4 : 8;
  }
  const b = Buffer.allocUnsafe(size);
  b[4] = COM_STMT_EXECUTE;
  b.writeUInt32LE(id, 5);
  b[9] = 0; // no cursor
  b.writeUInt32LE(1, 10); // iteration count
  if (n === 0) return b;
  const bitmap = 14;
  const types = bitmap + ((n + 7) >> 3) + 1;
  for (let i = bitmap; i < types - 1; i++) b[i] = 0;
  b[types - 1] = 1; // new-params-bound
  let o = types + 2 * n;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const text = texts?.[i];
    let type = T.NULL;
    if (v === null) {
      b[bitmap + (i >> 3)] |= 1 << (i & 7);
    } else if (text) {
      type = T.VAR_STRING;
      o = writeLenenc(b, o, text.length);
      o += text.copy(b, o);
    } else if (typeof v === 'number' && isInt32(v)) {
      type = T.LONG;
      o = b.writeInt32LE(v, o);
    } else if (typeof v === 'number' && Number.isSafeInteger(v)) {
      type = T.LONGLONG;
      o = b.writeBigInt64LE(BigInt(v), o);
    } else {
      type = T.DOUBLE;
      o = b.writeDoubleLE(v as number, o);
    }
    b[types + 2 * i] = type;
    b[types + 2 * i + 1] = 0;
  }
  return b;
}

/** Reads a column definition's payload: the name is its 5th length-coded string, type and flags are in its last 13 bytes. */
export function readColumn(def: Buffer): Column {
  let o = 0;
  for (let i = 0; i < 4; i++) o = skipLenenc(def, o); // catalog, schema, table, original table
  const nameLen = lenencAt(def, o);
  const nameStart = o + lenencSize(nameLen);
  // 0x0c, character set (2), length (4), type (1), flags (2), decimals (1), filler (2); MariaDB's extended
  // metadata, when the connection asked for it, sits before them
  const fixed = def.length - 13;
  if (fixed < nameStart + nameLen || def[fixed] !== 0x0c) throw new Error('a column definition is not laid out as expected (no 0x0c before its fixed fields)');
  return { name: def.toString('utf8', nameStart, nameStart + nameLen), type: def[fixed + 7], unsigned: (def.readUInt16LE(fixed + 8) & UNSIGNED_FLAG) !== 0 };
}

/** The width of a non-NULL binary value of the type at o. */
function widthAt(type: number, buf: Buffer, o: number): number {
  const fixed = FIXED_WIDTH[type];
  if (fixed !== undefined) return fixed;
  if (TEMPORAL.has(type)) return 1 + buf[o];
  return skipLenenc(buf, o) - o;
}

function valueAt(col: Column, buf: Buffer, o: number): MysqlValue {
  const u = col.unsigned;
  switch (col.type) {
    case T.TINY:
      return u ? buf.readUInt8(o) : buf.readInt8(o);
    case T.SHORT:
    case T.YEAR:
      return u ? buf.readUInt16LE(o) : buf.readInt16LE(o);
    case T.LONG:
    case T.INT24:
      return u ? buf.readUInt32LE(o) : buf.readInt32LE(o);
    case T.LONGLONG: {
      const v = u ? buf.readBigUInt64LE(o) : buf.readBigInt64LE(o);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    }
    case T.FLOAT:
      return buf.readFloatLE(o);
    case T.DOUBLE:
      return buf.readDoubleLE(o);
  }
  if (TEMPORAL.has(col.type)) throw new Error(`column "${col.name}" is a date or time (type ${col.type}); this statement reads numbers and text`);
  const n = lenencAt(buf, o);
  const start = o + lenencSize(n);
  return buf.toString('utf8', start, start + n);
}

/**
 * The value of column at in the binary result row whose payload starts at o: 0x00, a NULL bitmap over the columns
 * (offset by 2 bits), then the non-NULL values in column order; the columns before it are skipped by their widths.
 */
export function rowValue(buf: Buffer, o: number, columns: readonly Column[], at: number): MysqlValue {
  const bitmap = o + 1;
  const isNull = (i: number) => (buf[bitmap + ((i + 2) >> 3)] >> ((i + 2) & 7)) & 1;
  if (isNull(at)) return null;
  let v = bitmap + ((columns.length + 9) >> 3);
  for (let i = 0; i < at; i++) if (!isNull(i)) v += widthAt(columns[i].type, buf, v);
  return valueAt(columns[at], buf, v);
}
