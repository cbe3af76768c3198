// Validates one row at the door: a field getter (from a CSV line or a JSON object) in, a Sample or a Note out.
// A problem is thrown as a RowProblem (what is wrong, in words); the reader adds the file and line.
import type { Note, Sample } from './format';
import { parseSize, type UnitStyle } from './units';
import { parseTime } from './time';

export class RowProblem extends Error {}

/** A cell: text from CSV, text or a number from JSON; empty text, null and undefined mean "not given". */
export type Cell = string | number | null | undefined;
export type Getter = (column: string) => Cell;

export interface RowContext {
  /** the unit style of the first size with a unit; updated as sizes are read */
  unitStyle: UnitStyle | null;
}

const given = (c: Cell): c is string | number => c !== undefined && c !== null && c !== '';

function size(get: Getter, column: string, ctx: RowContext, required: boolean): number | undefined {
  const c = get(column);
  if (!given(c)) {
    if (required) throw new RowProblem(`${column} is empty (it is required)`);
    return undefined;
  }
  let bytes: number;
  if (typeof c === 'number') bytes = c;
  else {
    const p = parseSize(c);
    if (typeof p === 'string') throw new RowProblem(`${column}: ${p}`);
    bytes = p.bytes;
    if (p.style !== 'bytes' && ctx.unitStyle === null) ctx.unitStyle = p.style;
  }
  if (!Number.isFinite(bytes)) throw new RowProblem(`${column}: ${c} is not a finite size`);
  if (bytes < 0) throw new RowProblem(`${column} is negative (${c}); sizes are ≥ 0`);
  return bytes;
}

function count(get: Getter, column: string, integer: boolean): number | undefined {
  const c = get(column);
  if (!given(c)) return undefined;
  const n = typeof c === 'number' ? c : Number(c.trim());
  if (!Number.isFinite(n) || (typeof c === 'string' && c.trim() === '')) throw new RowProblem(`${column}: "${c}" is not a number`);
  if (n < 0) throw new RowProblem(`${column} is negative (${c})`);
  if (integer && !Number.isInteger(n)) throw new RowProblem(`${column}: ${c} is not a whole number`);
  return n;
}

function text(c: Cell): string {
  return given(c) ? String(c).trim() : '';
}

/** One row: a Sample (with an optional Note attached), or only a Note when every size is empty and a note is given. */
export function parseRow(get: Getter, line: number, ctx: RowContext): { sample: Sample | null; note: Note | null } {
  const tc = get('time');
  if (!given(tc)) throw new RowProblem('time is empty (it is required)');
  const tSec = parseTime(tc);
  if (typeof tSec === 'string') throw new RowProblem(`time: ${tSec}`);
  const shard = text(get('shard'));
  const noteText = text(get('note'));
  const note: Note | null = noteText ? { tSec, shard: shard || null, text: noteText, line } : null;
  if (note && !given(get('data_bytes')) && !given(get('ram_bytes'))) return { sample: null, note };
  if (!shard) throw new RowProblem('shard is empty (it is required)');
  const dataBytes = size(get, 'data_bytes', ctx, true) as number;
  const ramBytes = size(get, 'ram_bytes', ctx, true) as number;
  if (ramBytes === 0) throw new RowProblem('ram_bytes is 0; a shard has some memory');
  const sample: Sample = {
    tSec,
    shard,
    line,
    dataBytes,
    ramBytes,
    indexBytes: size(get, 'index_bytes', ctx, false),
    storageBytes: size(get, 'storage_bytes', ctx, false),
    residentBytes: size(get, 'resident_bytes', ctx, false),
    pageFaultsPerS: count(get, 'page_faults_per_s', false),
    chunks: count(get, 'chunks', true),
    docs: count(get, 'docs', true),
    avgDocBytes: size(get, 'avg_doc_bytes', ctx, false),
  };
  return { sample, note };
}
