// What a benchmark run is asked to do: the target, the seed's workload, the concurrency levels and how long each
// level runs. Validated once here (bad values are UserErrors); everything downstream takes a BenchSpec as given.
import { UserError } from '../errors';

export type Workload = 'insert' | 'select';
export const WORKLOADS: readonly Workload[] = ['insert', 'select'];

/** The 2010 seed's statements per client: 10,000 inserts, 100,000 selects. */
export const SEED_COUNT: Record<Workload, number> = { insert: 10_000, select: 100_000 };

/** Per level: a fixed number of statements per client, or a fixed duration. */
export type Amount = { kind: 'count'; perClient: number } | { kind: 'duration'; ms: number };

/** How many threads drive the clients: 0 = the calling thread, n = n worker threads, auto = measured (see pool.ts). */
export type Workers = number | 'auto';

export interface BenchSpec {
  url: string;
  workload: Workload;
  concurrency: number[];
  amount: Amount;
  warmup: Amount;
  /** an index on val, as a user would have; false runs without, as the seed did */
  index: boolean;
  table: string;
  /** drop a table of that name that already holds rows (without it, such a table stops the run: it may be a user's) */
  replace: boolean;
  /** rows seeded before a select run; selects pick among them, so every one must find its row */
  rows: number;
  workers: Workers;
  /** statements through the driver's ordinary query call rather than its leanest path (see SessionOptions) */
  driverQuery: boolean;
}

export interface SpecInput {
  url: string;
  workload?: string;
  concurrency?: number[];
  count?: number;
  durationMs?: number;
  warmup?: Amount;
  index?: boolean;
  table?: string;
  replace?: boolean;
  rows?: number;
  workers?: Workers;
  driverQuery?: boolean;
}

const TABLE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function makeSpec(input: SpecInput): BenchSpec {
  const workload = (input.workload ?? 'select') as Workload;
  if (!WORKLOADS.includes(workload)) throw new UserError(`workload "${input.workload}" is not one of ${WORKLOADS.join(', ')}`);
  const concurrency = input.concurrency ?? [1, 2, 4, 8, 16, 32, 40];
  if (concurrency.length === 0 || concurrency.some((c) => !Number.isInteger(c) || c < 1 || c > 1000)) {
    throw new UserError(`concurrency "${concurrency.join(',')}" must be whole numbers from 1 to 1000`);
  }
  if (input.count !== undefined && input.durationMs !== undefined) throw new UserError('give --count or --duration, not both');
  const amount: Amount =
    input.durationMs !== undefined ? { kind: 'duration', ms: input.durationMs } : { kind: 'count', perClient: input.count ?? SEED_COUNT[workload] };
  if (amount.kind === 'count' && (!Number.isInteger(amount.perClient) || amount.perClient < 1)) {
    throw new UserError(`count "${amount.perClient}" must be a whole number of statements per client, at least 1`);
  }
  if (amount.kind === 'duration' && !(amount.ms > 0)) throw new UserError('duration must be more than 0');
  const table = input.table ?? 'data';
  if (!TABLE.test(table)) throw new UserError(`table "${table}" must be a plain identifier (letters, digits, _)`);
  const rows = input.rows ?? 10_000;
  if (!Number.isInteger(rows) || rows < 1) throw new UserError(`rows "${rows}" must be a whole number, at least 1`);
  const workers = input.workers ?? 'auto';
  if (workers !== 'auto' && (!Number.isInteger(workers) || workers < 0 || workers > 64)) {
    throw new UserError(`workers "${workers}" must be auto or a whole number from 0 to 64`);
  }
  return {
    url: input.url,
    workload,
    concurrency,
    amount,
    warmup: input.warmup ?? defaultWarmup(amount),
    index: input.index ?? true,
    table,
    replace: input.replace ?? false,
    rows,
    workers,
    driverQuery: input.driverQuery ?? false,
  };
}

/** A tenth of the measured amount, at most 1,000 statements or 2 s per client, so caches and plans are warm. */
export function defaultWarmup(amount: Amount): Amount {
  return amount.kind === 'count'
    ? { kind: 'count', perClient: Math.min(1000, Math.ceil(amount.perClient / 10)) }
    : { kind: 'duration', ms: Math.min(2000, Math.ceil(amount.ms / 10)) };
}
