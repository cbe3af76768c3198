// The streaming metrics reader: CSV with a header row, or JSON Lines, one row at a time into a MetricsSink, so a
// file of millions of rows never sits in memory. Every bad row is a MetricsError naming file:line and what is
// wrong. Rows must come in time order (shards interleaved); a shard may first appear mid-file (a shard added).
import { stat } from 'node:fs/promises';
import { UserError } from '../errors';
import { splitCsvLine } from './csv';
import { LineTooLong, readLineBatches } from './line-batches';
import { formatByName, KNOWN_COLUMNS, REQUIRED_COLUMNS, type MetricsSink, type Note, type Sample } from './format';
import { PlainRows } from './plain-row';
import { parseRow, RowProblem, type Cell, type RowContext } from './row';
import { isoTime } from './time';
import type { UnitStyle } from './units';

export class MetricsError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${problem}` : `${file}: ${problem}`);
  }
}

export interface LoadReport {
  file: string;
  format: 'csv' | 'jsonl';
  lines: number;
  samples: number;
  notes: number;
  /** shards in the order first seen */
  shards: string[];
  /** shards first seen after the file's first sample time: shards added during the recording */
  appeared: { shard: string; tSec: number; line: number }[];
  /** optional columns (or JSON keys) that occur in the file */
  columns: string[];
  /** columns the format does not know; ignored */
  ignoredColumns: string[];
  unitStyle: UnitStyle;
  firstTSec: number;
  lastTSec: number;
}

const MAX_LINE = 1 << 20;
const known = new Set<string>(KNOWN_COLUMNS);

export async function readMetrics(file: string, sink: MetricsSink): Promise<LoadReport> {
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new MetricsError(file, 0, 'not a file');
  } catch (err) {
    if (err instanceof MetricsError) throw err;
    throw new MetricsError(file, 0, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const byName = formatByName(file);
  const report: LoadReport = {
    file,
    format: byName ?? 'csv',
    lines: 0,
    samples: 0,
    notes: 0,
    shards: [],
    appeared: [],
    columns: [],
    ignoredColumns: [],
    unitStyle: 'bytes',
    firstTSec: NaN,
    lastTSec: NaN,
  };
  const ctx: RowContext = { unitStyle: null };
  const lastBy = new Map<string, number>();
  const columnsSeen = new Set<string>();
  let header: Map<string, number> | null = null;
  let width = 0;
  let lastT = -Infinity;
  let lastLine = 0;
  let sawAny = false;
  // one getter each for CSV and JSON, reading the current row: a closure per row costs more than the row
  let fields: string[] = [];
  let obj: Record<string, unknown> = {};
  const csvGet = (c: string): Cell => {
    const i = header!.get(c);
    return i === undefined ? undefined : fields[i];
  };
  const jsonGet = (c: string): Cell => {
    const v = obj[c];
    if (v === undefined || v === null || typeof v === 'string' || typeof v === 'number') return v;
    throw new RowProblem(`${c}: expected a string or a number, got ${JSON.stringify(v)}`);
  };
  const fail = (line: number, problem: string): never => {
    throw new MetricsError(file, line, problem);
  };
  // What every row goes through, however it was read: time order, a shard's first and repeated samples, the sink.
  const accept = (sample: Sample | null, note: Note | null, no: number): void => {
    const t = sample?.tSec ?? note!.tSec;
    if (t < lastT) fail(no, `time goes backwards: ${isoTime(t)} comes after ${isoTime(lastT)} (line ${lastLine}); rows must be in time order`);
    if (report.samples === 0 && report.notes === 0) report.firstTSec = t;
    lastT = t;
    lastLine = no;
    report.lastTSec = t;
    if (sample) {
      const prev = lastBy.get(sample.shard);
      if (prev === undefined) {
        report.shards.push(sample.shard);
        if (report.samples > 0 && t > report.firstTSec) report.appeared.push({ shard: sample.shard, tSec: t, line: no });
      } else if (prev === t) {
        fail(no, `shard "${sample.shard}" has a second sample at ${isoTime(t)}`);
      }
      lastBy.set(sample.shard, t);
      report.samples++;
      sink.sample(sample);
    }
    if (note) {
      report.notes++;
      sink.note(note);
    }
  };
  // CSV rows without quotes are read from their bytes once the header is known; any other line is made a string
  // and read by the general path below, which also names every problem
  let plain: PlainRows | null = null;
  try {
    for await (const batch of readLineBatches(file, MAX_LINE)) {
      const { buf, starts, ends } = batch;
      for (let k = 0; k < starts.length; k++) {
        const no = batch.firstNo + k;
        report.lines = no;
        if (plain) {
          const sample = plain.read(buf, starts[k], ends[k], no, ctx);
          if (sample) {
            accept(sample, plain.note, no);
            continue;
          }
        }
        const text = buf.toString('utf8', starts[k], ends[k]);
        if (text.trim() === '') continue;
        if (!sawAny) {
          sawAny = true;
          if (byName === null && text.trimStart().startsWith('{')) report.format = 'jsonl';
          if (report.format === 'csv') {
            header = readHeader(text, (p) => fail(no, p), columnsSeen, report.ignoredColumns);
            width = header.size + report.ignoredColumns.length;
            plain = new PlainRows(header, width);
            continue;
          }
        }
        let get: (c: string) => Cell;
        if (header) {
          const split = splitCsvLine(text);
          if (typeof split === 'string') fail(no, split);
          fields = split as string[];
          if (fields.length !== width) fail(no, `${fields.length} fields, the header has ${width}`);
          get = csvGet;
        } else {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            fail(no, 'not JSON (a JSON Lines metrics file has one object a line)');
          }
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(no, 'not a JSON object');
          const o = (obj = parsed as Record<string, unknown>);
          for (const k of Object.keys(o)) {
            if (known.has(k)) columnsSeen.add(k);
            else if (!report.ignoredColumns.includes(k)) report.ignoredColumns.push(k);
          }
          for (const r of REQUIRED_COLUMNS) if (!(r in o) && !('note' in o && (r === 'data_bytes' || r === 'ram_bytes'))) fail(no, `missing "${r}"`);
          get = jsonGet;
        }
        let row;
        try {
          row = parseRow(get, no, ctx);
        } catch (err) {
          if (err instanceof RowProblem) fail(no, err.message);
          throw err;
        }
        accept(row.sample, row.note, no);
      }
    }
  } catch (err) {
    if (err instanceof LineTooLong) throw new MetricsError(file, err.lineNo, 'the line is longer than 1 MiB');
    throw err;
  }
  if (!sawAny) fail(0, `the file is empty (expected ${report.format === 'csv' ? 'a header row naming' : 'rows with'} ${REQUIRED_COLUMNS.join(', ')})`);
  if (report.samples === 0) fail(0, 'no samples: the file has no row with a shard, data_bytes and ram_bytes');
  report.columns = KNOWN_COLUMNS.filter((c) => columnsSeen.has(c));
  report.unitStyle = ctx.unitStyle ?? 'bytes';
  return report;
}

function readHeader(text: string, fail: (p: string) => never, seen: Set<string>, ignored: string[]): Map<string, number> {
  const names = splitCsvLine(text);
  if (typeof names === 'string') fail(`header: ${names}`);
  const map = new Map<string, number>();
  (names as string[]).forEach((raw, i) => {
    const n = raw.trim().toLowerCase();
    if (map.has(n) || ignored.includes(n)) fail(`the header names column "${n}" twice`);
    if (known.has(n)) {
      map.set(n, i);
      seen.add(n);
    } else ignored.push(n);
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !map.has(c));
  if (missing.length > 0) {
    fail(
      `the header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (required: ${REQUIRED_COLUMNS.join(', ')}; header was "${text.slice(0, 120)}")`,
    );
  }
  return map;
}
