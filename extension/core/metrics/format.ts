// The shard metrics format (`*.metrics.csv` or JSON Lines): one row per shard per sample. A row is validated once
// at the door (row.ts) and is a Sample or a Note from then on; sizes are bytes, times epoch seconds (`tSec`).
export const REQUIRED_COLUMNS = ['time', 'shard', 'data_bytes', 'ram_bytes'] as const;
export const SIZE_COLUMNS = ['data_bytes', 'ram_bytes', 'storage_bytes', 'index_bytes', 'resident_bytes', 'avg_doc_bytes'] as const;
export const COUNT_COLUMNS = ['chunks', 'docs'] as const;
export const RATE_COLUMNS = ['page_faults_per_s'] as const;
export const KNOWN_COLUMNS = [
  ...REQUIRED_COLUMNS,
  'storage_bytes',
  'index_bytes',
  'resident_bytes',
  'page_faults_per_s',
  'chunks',
  'docs',
  'avg_doc_bytes',
  'note',
] as const;
/** The column order the collectors and the generator write. */
export const WRITE_COLUMNS = [
  'time',
  'shard',
  'data_bytes',
  'index_bytes',
  'storage_bytes',
  'ram_bytes',
  'resident_bytes',
  'page_faults_per_s',
  'chunks',
  'docs',
  'avg_doc_bytes',
  'note',
] as const;

export type Column = (typeof KNOWN_COLUMNS)[number];

/** One shard at one moment. Optional measures are undefined when the file does not give them. */
export interface Sample {
  tSec: number;
  shard: string;
  /** 1-based line in the file, for messages */
  line: number;
  dataBytes: number;
  ramBytes: number;
  indexBytes?: number;
  storageBytes?: number;
  residentBytes?: number;
  pageFaultsPerS?: number;
  chunks?: number;
  docs?: number;
  avgDocBytes?: number;
}

/** An event on the timeline ("added shard2", "compaction started"); shard is null for a note about the whole system. */
export interface Note {
  tSec: number;
  shard: string | null;
  text: string;
  line: number;
}

/** What the loader hands on, in file order. */
export interface MetricsSink {
  sample(s: Sample): void;
  note(n: Note): void;
}

/** Which bytes must fit in RAM. data+index is the default: MongoDB wants both in memory to perform. */
export type WorkingSetKind = 'data' | 'data+index' | 'storage';
export const WORKING_SET_KINDS: readonly WorkingSetKind[] = ['data', 'data+index', 'storage'];

/** The working set of a sample; an absent index counts as 0, an absent storage_bytes falls back to data+index. */
export function workingSet(s: Sample, kind: WorkingSetKind): number {
  switch (kind) {
    case 'data':
      return s.dataBytes;
    case 'data+index':
      return s.dataBytes + (s.indexBytes ?? 0);
    case 'storage':
      return s.storageBytes ?? s.dataBytes + (s.indexBytes ?? 0);
  }
}

/** A metrics file's format by its name, for the reader and the writer alike: JSON Lines for .jsonl, .ndjson and .json, CSV for .csv; null for any other name (the reader then looks at the content, the writer writes CSV). */
export function formatByName(file: string): 'csv' | 'jsonl' | null {
  return /\.(jsonl|ndjson|json)$/i.test(file) ? 'jsonl' : /\.csv$/i.test(file) ? 'csv' : null;
}
