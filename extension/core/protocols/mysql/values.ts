// MySQL value encodings: length-encoded integers and strings, column definitions, and the binary protocol's typed
// values (prepared statement parameters and binary result rows). Values become JSON-friendly for the details pane:
// big integers as strings, dates as ISO-like text, blobs as text when they are UTF-8 and hex otherwise.
import { isUtf8 } from 'node:buffer';
import { Cursor, Truncated } from '../cursor';

/** A length-encoded integer; null for the 0xfb NULL marker of text rows. */
export function lenencInt(c: Cursor, what = 'a length-encoded integer'): number | null {
  const first = c.u8(what);
  if (first < 0xfb) return first;
  if (first === 0xfb) return null;
  if (first === 0xfc) return c.u16le(what);
  if (first === 0xfd) return c.u24le(what);
  if (first === 0xfe) return Number(c.u64le(what));
  throw new Truncated(`${what} (0xff is no length)`);
}

export function lenencBytes(c: Cursor, what = 'a length-encoded string'): Buffer {
  const n = lenencInt(c, what);
  return n === null ? Buffer.alloc(0) : c.bytes(n, what);
}

export function lenencString(c: Cursor, what?: string): string {
  return lenencBytes(c, what).toString('utf8');
}

export interface Column {
  name: string;
  table: string;
  type: number;
  flags: number;
  unsigned: boolean;
}

/** A column definition (protocol 4.1); MariaDB's extended type info, when negotiated, follows the original name. */
export function parseColumn(p: Buffer, extendedTypeInfo = false): Column {
  const c = new Cursor(p);
  lenencString(c, 'the catalog');
  lenencString(c, 'the schema');
  const table = lenencString(c, 'the table');
  lenencString(c, 'the original table');
  const name = lenencString(c, 'the column name');
  lenencString(c, 'the original name');
  if (extendedTypeInfo) lenencBytes(c, 'the extended type info');
  lenencInt(c);
  c.u16le('the character set');
  c.u32le('the column length');
  const type = c.u8('the column type');
  const flags = c.u16le('the column flags');
  return { name, table, type, flags, unsigned: (flags & 0x20) !== 0 };
}

/** A cell of a text result row: a string or null. */
export function textCell(c: Cursor): string | null {
  const n = lenencInt(c, 'a row value');
  return n === null ? null : c.bytes(n, 'a row value').toString('utf8');
}

export const TYPE_NAMES: Record<number, string> = {
  0x00: 'DECIMAL',
  0x01: 'TINY',
  0x02: 'SHORT',
  0x03: 'LONG',
  0x04: 'FLOAT',
  0x05: 'DOUBLE',
  0x06: 'NULL',
  0x07: 'TIMESTAMP',
  0x08: 'LONGLONG',
  0x09: 'INT24',
  0x0a: 'DATE',
  0x0b: 'TIME',
  0x0c: 'DATETIME',
  0x0d: 'YEAR',
  0x0f: 'VARCHAR',
  0x10: 'BIT',
  0xf5: 'JSON',
  0xf6: 'NEWDECIMAL',
  0xf7: 'ENUM',
  0xf8: 'SET',
  0xf9: 'TINY_BLOB',
  0xfa: 'MEDIUM_BLOB',
  0xfb: 'LONG_BLOB',
  0xfc: 'BLOB',
  0xfd: 'VAR_STRING',
  0xfe: 'STRING',
  0xff: 'GEOMETRY',
};

export type Cell = string | number | boolean | null;

/** One value of the binary protocol, of the given column or parameter type. */
export function binaryValue(c: Cursor, type: number, unsigned: boolean): Cell {
  switch (type) {
    case 0x01: {
      const v = c.u8('a TINY value');
      return unsigned ? v : (v << 24) >> 24;
    }
    case 0x02:
    case 0x0d: {
      const v = c.u16le('a SHORT value');
      return unsigned ? v : (v << 16) >> 16;
    }
    case 0x03:
    case 0x09: {
      const v = c.u32le('a LONG value');
      return unsigned ? v : v | 0;
    }
    case 0x08: {
      const v = c.u64le('a LONGLONG value');
      const n = unsigned ? v : BigInt.asIntN(64, v);
      return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
    }
    case 0x04:
      return c.bytes(4, 'a FLOAT value').readFloatLE(0);
    case 0x05:
      return c.bytes(8, 'a DOUBLE value').readDoubleLE(0);
    case 0x06:
      return null;
    case 0x07:
    case 0x0a:
    case 0x0c:
      return dateTime(c);
    case 0x0b:
      return time(c);
    default: {
      const b = lenencBytes(c, `a ${TYPE_NAMES[type] ?? `type 0x${type.toString(16)}`} value`);
      return isUtf8(b) ? b.toString('utf8') : `0x${b.toString('hex')}`;
    }
  }
}

function dateTime(c: Cursor): string {
  const n = c.u8('a date length');
  const b = c.bytes(n, 'a date');
  if (n === 0) return '0000-00-00';
  const d = `${b.readUInt16LE(0)}-${pad(b[2])}-${pad(b[3])}`;
  if (n < 7) return d;
  const t = `${d} ${pad(b[4])}:${pad(b[5])}:${pad(b[6])}`;
  return n >= 11 ? `${t}.${String(b.readUInt32LE(7)).padStart(6, '0')}` : t;
}

function time(c: Cursor): string {
  const n = c.u8('a time length');
  const b = c.bytes(n, 'a time');
  if (n === 0) return '00:00:00';
  const hours = b.readUInt32LE(1) * 24 + b[5];
  const t = `${b[0] ? '-' : ''}${pad(hours)}:${pad(b[6])}:${pad(b[7])}`;
  return n >= 12 ? `${t}.${String(b.readUInt32LE(8)).padStart(6, '0')}` : t;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A binary result row: 0x00, a NULL bitmap offset by 2 bits, then the non-NULL values. */
export function binaryRow(p: Buffer, columns: Column[]): Cell[] {
  const c = new Cursor(p, 1);
  const bitmap = c.bytes((columns.length + 7 + 2) >> 3, 'the NULL bitmap');
  return columns.map((col, i) => {
    const bit = i + 2;
    if (bitmap[bit >> 3] & (1 << (bit & 7))) return null;
    return binaryValue(c, col.type, col.unsigned);
  });
}

export function textRow(p: Buffer, count: number): Cell[] {
  const c = new Cursor(p);
  const row: Cell[] = [];
  for (let i = 0; i < count; i++) row.push(textCell(c));
  return row;
}
