// Runs a collector: connects, then takes a round of samples every interval for the duration (the first at once,
// the last at or before the end), appending each round to the file as it comes. Refuses to overwrite a file.
import { access } from 'node:fs/promises';
import { parseTargetUrl } from '../../bench/target';
import { UserError } from '../../errors';
import { MetricsWriter } from '../writer';
import { openMongoSource } from './mongodb';
import { openMysqlSource } from './mysql';
import { openPostgresSource } from './postgres';
import type { MetricsSource, SourceOptions } from './source';

export interface CollectOptions extends SourceOptions {
  intervalMs: number;
  durationMs: number;
  /** stops the collection early (Ctrl-C); the rounds so far stay in the file */
  signal?: AbortSignal;
  /** called after each round is written */
  onRound?: (round: number, rows: number) => void;
}

export interface CollectResult {
  file: string;
  where: string;
  rounds: number;
  rows: number;
}

export async function openSource(url: string, o: SourceOptions): Promise<MetricsSource> {
  // mongodb+srv:// is parsed as mongodb:// for its host and user, and handed to the driver as written
  const srv = url.startsWith('mongodb+srv:');
  const t = { ...parseTargetUrl(srv ? url.replace(/^mongodb\+srv:/, 'mongodb:') : url), url };
  switch (t.kind) {
    case 'mysql':
      return openMysqlSource(t, o);
    case 'postgres':
      return openPostgresSource(t, o);
    case 'mongodb':
      return openMongoSource(t, o);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export async function collect(url: string, out: string, o: CollectOptions): Promise<CollectResult> {
  if (!(o.intervalMs > 0)) throw new UserError(`--interval must be more than 0`);
  if (!(o.durationMs >= 0)) throw new UserError(`--duration must not be negative`);
  const exists = await access(out).then(
    () => true,
    () => false,
  );
  if (exists) throw new UserError(`${out} exists; collect never overwrites a file (choose another --out, or remove it)`);
  const source = await openSource(url, o);
  let writer: MetricsWriter | null = null;
  let rounds = 0;
  try {
    writer = await MetricsWriter.create(out);
    const start = Date.now();
    for (;;) {
      const rows = await source.sample(Date.now() / 1000);
      await writer.write(rows);
      rounds++;
      o.onRound?.(rounds, rows.length);
      const next = start + rounds * o.intervalMs;
      if (o.signal?.aborted || next - start > o.durationMs) break;
      await sleep(Math.max(0, next - Date.now()), o.signal);
      if (o.signal?.aborted) break;
    }
    return { file: out, where: source.where, rounds, rows: writer.rows };
  } finally {
    await writer?.close();
    await source.close();
  }
}
