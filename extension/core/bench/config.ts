// A bench configuration file: the runs of a speed test written down once (replays/db-speed-2010/bench.json), run
// by `bench --config` and by the palette's Run Benchmark Configuration… alike. Checked where it is read: a run
// that could not be made names the file and the run.
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors';
import { WORKLOADS, type Workload } from './spec';

export interface ConfigRun {
  workload?: Workload;
  concurrency?: number[];
  count?: number;
  index?: boolean;
  rows?: number;
}

export interface BenchConfig {
  about?: string;
  runs: ConfigRun[];
}

export async function readBenchConfig(path: string): Promise<BenchConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UserError(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const doc = parsed as { runs?: unknown; about?: unknown };
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(doc.runs) || doc.runs.length === 0)
    throw new UserError(`${path}: expected {"runs": [{"workload": …}, …]}`);
  const runs = doc.runs.map((r: unknown, i) => checkRun(path, i + 1, r));
  return { ...(typeof doc.about === 'string' ? { about: doc.about } : {}), runs };
}

function checkRun(path: string, n: number, r: unknown): ConfigRun {
  const bad = (why: string) => new UserError(`${path}: run ${n}: ${why}`);
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw bad('not an object');
  const x = r as Record<string, unknown>;
  if (x.workload !== undefined && !WORKLOADS.includes(x.workload as Workload)) throw bad(`"workload" is not one of ${WORKLOADS.join(', ')}`);
  const whole = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min;
  if (x.concurrency !== undefined && !(Array.isArray(x.concurrency) && x.concurrency.length > 0 && x.concurrency.every((c) => whole(c, 1) && c <= 1000)))
    throw bad('"concurrency" is not a list of whole numbers from 1 to 1000');
  if (x.count !== undefined && !whole(x.count, 1)) throw bad('"count" is not a whole number above 0');
  if (x.rows !== undefined && !whole(x.rows, 1)) throw bad('"rows" is not a whole number above 0');
  if (x.index !== undefined && typeof x.index !== 'boolean') throw bad('"index" is not true or false');
  return x as ConfigRun;
}
