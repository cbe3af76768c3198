// Writes the metrics format, append-only, one round of samples at a time, so that a collector stopped at any
// moment leaves a file that reads back whole (at most the round being written is lost). Never overwrites a file.
import { open, type FileHandle } from 'node:fs/promises';
import { UserError } from '../errors';
import { csvField } from './csv';
import { formatByName, WRITE_COLUMNS, type Note, type Sample } from './format';
import { isoTime } from './time';

/** One row as the writer lays it out; plain bytes, ISO time. A row with only a note has no sample. */
export function formatRow(format: 'csv' | 'jsonl', s: Omit<Sample, 'line'> | null, note: Omit<Note, 'line'> | null): string {
  const t = s?.tSec ?? note!.tSec;
  const v: Record<string, string | number | undefined> = {
    time: isoTime(t),
    shard: s?.shard ?? note?.shard ?? undefined,
    data_bytes: s?.dataBytes,
    index_bytes: s?.indexBytes,
    storage_bytes: s?.storageBytes,
    ram_bytes: s?.ramBytes,
    resident_bytes: s?.residentBytes,
    page_faults_per_s: s?.pageFaultsPerS,
    chunks: s?.chunks,
    docs: s?.docs,
    avg_doc_bytes: s?.avgDocBytes,
    note: note?.text,
  };
  if (format === 'jsonl') {
    const o: Record<string, string | number> = {};
    for (const c of WRITE_COLUMNS) if (v[c] !== undefined) o[c] = v[c] as string | number;
    return JSON.stringify(o);
  }
  return WRITE_COLUMNS.map((c) => (v[c] === undefined ? '' : csvField(String(v[c])))).join(',');
}

export class MetricsWriter {
  rows = 0;
  private constructor(
    readonly file: string,
    readonly format: 'csv' | 'jsonl',
    private fh: FileHandle,
  ) {}

  /** Creates the file (refusing one that exists) and writes the CSV header. */
  static async create(file: string): Promise<MetricsWriter> {
    // read back as it was written: the reader takes the format from the same name
    const format = formatByName(file) ?? 'csv';
    let fh: FileHandle;
    try {
      fh = await open(file, 'wx');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new UserError(`${file} exists; collect never overwrites a file (choose another --out, or remove it)`);
      throw new UserError(`${file}: cannot create (${code ?? String(err)})`);
    }
    const w = new MetricsWriter(file, format, fh);
    if (format === 'csv') await fh.write(`${WRITE_COLUMNS.join(',')}\n`);
    return w;
  }

  async write(rows: { sample: Omit<Sample, 'line'> | null; note: Omit<Note, 'line'> | null }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.fh.write(rows.map((r) => `${formatRow(this.format, r.sample, r.note)}\n`).join(''));
    this.rows += rows.length;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
