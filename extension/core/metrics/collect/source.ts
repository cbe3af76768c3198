// What a live collector is: a source that, once connected, takes one round of samples (one row per shard) at a
// time. Each source reads the sizes the server reports and the memory they must fit in; the runner writes them.
import { isLoopback } from '../../address';
import { UserError } from '../../errors';
import type { Note, Sample } from '../format';
import { parseSizeBytes } from '../../units';

export type Row = { sample: Omit<Sample, 'line'> | null; note: Omit<Note, 'line'> | null };

export interface MetricsSource {
  /** host:port, for messages */
  readonly where: string;
  /** one round: a row per shard, all with the time given; the first round may carry a note saying what is measured */
  sample(tSec: number): Promise<Row[]>;
  close(): Promise<void>;
}

/** What RAM the working set is held against: the server's buffer/cache setting (default), the machine's memory,
 *  or a size given by hand (a what-if: "would this fit in 16 GB?", or a small threshold in tests). */
export type RamChoice = { kind: 'buffer' } | { kind: 'machine' } | { kind: 'bytes'; bytes: number };

export interface SourceOptions {
  /** the shard name written; default host:port */
  shard?: string;
  ram: RamChoice;
  /** an SQL LIKE pattern: count only tables (collections) whose name matches */
  tables?: string;
}

export function parseRamChoice(s: string | undefined): RamChoice {
  if (s === undefined || s === 'buffer') return { kind: 'buffer' };
  if (s === 'machine') return { kind: 'machine' };
  const bytes = parseSizeBytes(s, (problem) => new UserError(`--ram: not buffer or machine, and ${problem}`), { min: 1 });
  return { kind: 'bytes', bytes };
}

/** The machine's memory, known only when the server runs on this machine. */
export function machineMemory(host: string, totalmem: number, where: string): number {
  if (!isLoopback(host)) throw new UserError(`${where}: --ram machine needs the server on this machine (give --ram SIZE for a remote one)`);
  return totalmem;
}

/** Per-second rate of a cumulative counter between rounds; undefined on the first round or after a reset. */
export class CounterRate {
  private last: { tSec: number; value: number } | null = null;
  rate(tSec: number, value: number | undefined): number | undefined {
    if (value === undefined || !Number.isFinite(value)) return undefined;
    const prev = this.last;
    this.last = { tSec, value };
    if (!prev || tSec <= prev.tSec || value < prev.value) return undefined;
    return Math.round(((value - prev.value) / (tSec - prev.tSec)) * 100) / 100;
  }
}

export function likeToRegExp(like: string): RegExp {
  const body = like
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`);
}
