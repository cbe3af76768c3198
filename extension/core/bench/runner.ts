// Runs a benchmark: prepares the table, then for each concurrency level opens one connection per simulated
// client, warms up, runs the measured phase, merges the threads' histograms and verifies the table. Cancellable
// with an AbortSignal (completed levels are kept, the document says cancelled) and reports progress as it goes.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { driverVersion } from '../check/clients';
import { driverFor } from './drivers';
import { mergeHistograms, summarise, encodeHistogram } from './histogram';
import { openGroups, type Group } from './pool';
import { BENCH_FORMAT, type BenchDocument, type BenchRun } from './result';
import type { Amount, BenchSpec } from './spec';
import { errorCount, mergeErrors, type Tally } from './tally';
import type { Trial } from './result';
import { parseTargetUrl, type Admin } from './target';
import { serverRefused, UserError } from '../errors';

export type Phase = 'prepare' | 'warmup' | 'measure' | 'verify' | 'done';

export interface BenchProgress {
  target: string;
  /** index of the level in spec.concurrency */
  level: number;
  levels: number;
  concurrency: number;
  phase: Phase;
  /** statements finished in this phase, and how many the phase will run (null for a duration) */
  done: number;
  total: number | null;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: BenchProgress) => void;
  /** a CommonJS file that loads the bench module in a worker thread (see worker.ts); default: this bundle */
  workerEntry?: string;
  /** keep the table after the run (default: drop it) */
  keepTable?: boolean;
}

export async function runBench(spec: BenchSpec, opts: RunOptions = {}): Promise<BenchDocument> {
  const t = parseTargetUrl(spec.url);
  const startedAt = new Date().toISOString();
  const levels = spec.concurrency.length;
  const report = (p: Omit<BenchProgress, 'target' | 'levels'>) => opts.onProgress?.({ target: t.shown, levels, ...p });
  report({ level: 0, concurrency: spec.concurrency[0], phase: 'prepare', done: 0, total: null });
  const admin = await driverFor(t.kind).admin(t);
  const runs: BenchRun[] = [];
  let server = '';
  let prepared = false;
  try {
    server = await admin.serverVersion();
    const existing = await admin.countRows(spec.table).catch(() => 0);
    if (existing > 0 && !spec.replace) {
      throw new UserError(
        `${t.where}: table "${spec.table}" already exists with ${existing} rows; the bench drops and recreates its table, so name another (--table) or allow it (--replace-table)`,
      );
    }
    prepared = true; // from here on the table is ours to drop
    await admin.prepare(spec.table, { index: spec.index, rows: spec.workload === 'select' ? spec.rows : 0 }).catch((err: unknown) => {
      throw serverRefused(err, t.where, `to set up the bench's table "${spec.table}"`);
    });
    for (let level = 0; level < levels && !opts.signal?.aborted; level++) {
      const run = await runLevel(spec, admin, level, opts, report);
      if (run) runs.push(run);
    }
  } finally {
    if (!opts.keepTable && prepared) await admin.drop(spec.table).catch(() => undefined);
    await admin.close().catch(() => undefined);
  }
  report({ level: levels - 1, concurrency: spec.concurrency[levels - 1], phase: 'done', done: 0, total: null });
  return {
    format: BENCH_FORMAT,
    version: 1,
    target: t.shown,
    kind: t.kind,
    server,
    workload: spec.workload,
    table: spec.table,
    index: spec.index,
    driverQuery: spec.driverQuery,
    rows: spec.workload === 'select' ? spec.rows : 0,
    amount: spec.amount,
    warmup: spec.warmup,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { platform: process.platform, arch: process.arch, cpus: availableParallelism(), node: process.version },
    cancelled: opts.signal?.aborted ?? false,
    levelsPlanned: spec.concurrency,
    driver: driverVersion(({ mysql: 'mysql2', postgres: 'pg', mongodb: 'mongodb' } as const)[t.kind]),
    runs,
  };
}

type Report = (p: Omit<BenchProgress, 'target' | 'levels'>) => void;

/** Runs one phase on every group at once, reporting progress; an abort stops the clients after their statement. */
async function phase(groups: Group[], amount: Amount, record: boolean, signal: AbortSignal | undefined, tick: (done: number) => void): Promise<Tally[]> {
  const stop = () => groups.forEach((g) => g.stop());
  signal?.addEventListener('abort', stop);
  const done = () => groups.reduce((n, g) => n + g.done(), 0);
  tick(0);
  const timer = setInterval(() => tick(done()), 250);
  try {
    const tallies = await Promise.all(groups.map((g) => g.run(amount, record)));
    tick(tallies.reduce((n, t) => n + t.ops + errorCount(t.errors), 0));
    return tallies;
  } finally {
    clearInterval(timer);
    signal?.removeEventListener('abort', stop);
  }
}

async function runLevel(spec: BenchSpec, admin: Admin, level: number, opts: RunOptions, report: Report): Promise<BenchRun | null> {
  const concurrency = spec.concurrency[level];
  const plan = { url: spec.url, table: spec.table, workload: spec.workload, rows: spec.rows, driverQuery: spec.driverQuery };
  const total = (a: Amount) => (a.kind === 'count' ? a.perClient * concurrency : null);
  if (spec.workload === 'insert') await admin.truncate(spec.table);
  const tick = (p: 'warmup' | 'measure', a: Amount) => (done: number) => report({ level, concurrency, phase: p, done, total: total(a) });

  const warmTick = tick('warmup', spec.warmup);
  const trials: Trial[] = [];
  let warm: Tally[] = [];
  const warmUp = async (groups: Group[], workers: number, leadIn = false) => {
    // a trial of auto first runs as long again uncounted: worker threads are new at each of their trials, their code
    // not compiled yet, while this thread's stays compiled from the trial before (threads lost trials they would
    // have won: npm run bench db, and a 3 s bench whose trials went 16,002/s this thread, 19,586 threads, 27,793
    // this thread again, 18,350 threads again)
    if (leadIn) warm = warm.concat(await phase(groups, spec.warmup, false, opts.signal, warmTick));
    if (opts.signal?.aborted) return { workers, seconds: 0, throughput: 0, clientThreadBusy: null };
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const tallies = await phase(groups, spec.warmup, false, opts.signal, warmTick);
    const seconds = (performance.now() - t0) / 1000;
    const ops = tallies.reduce((n, x) => n + x.ops, 0);
    const busy = workers === 0 ? performance.eventLoopUtilization(elu0).utilization : null;
    warm = warm.concat(tallies);
    const trial: Trial = { workers, seconds: round(seconds, 3), throughput: round(ops / seconds, 1), clientThreadBusy: busy === null ? null : round(busy, 3) };
    trials.push(trial);
    return trial;
  };

  let workers = spec.workers === 'auto' ? 0 : Math.min(spec.workers, concurrency);
  let groups = await openGroups(plan, concurrency, workers, opts.workerEntry);
  try {
    const auto = spec.workers === 'auto' && concurrency > 1 && availableParallelism() > 1;
    const first = await warmUp(groups, workers, auto);
    // auto: measured, not assumed. Warm up again with the clients spread over worker threads and keep whichever
    // ran faster, each trial counted after a lead-in as long; threads must win by 5% to be kept. The busy share of
    // the one thread is no guide on its own: a thread busy 77% of the time still serialises eight clients' round
    // trips, and on a machine whose cores the server needs, threads can lose (both seen with PostgreSQL and MariaDB
    // on 2 cores, npm run bench db).
    if (auto && !opts.signal?.aborted) {
      await closeAll(groups);
      workers = Math.min(availableParallelism(), concurrency);
      groups = await openGroups(plan, concurrency, workers, opts.workerEntry);
      const second = await warmUp(groups, workers, true);
      if (second.throughput < first.throughput * 1.05 && !opts.signal?.aborted) {
        await closeAll(groups);
        workers = 0;
        groups = await openGroups(plan, concurrency, workers, opts.workerEntry);
        await warmUp(groups, workers);
      }
    }
    if (opts.signal?.aborted) return null;

    const elu1 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const m0 = performance.now();
    const tallies = await phase(groups, spec.amount, true, opts.signal, tick('measure', spec.amount));
    const seconds = (performance.now() - m0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const busy = workers === 0 ? performance.eventLoopUtilization(elu1).utilization : null;
    if (opts.signal?.aborted) return null;

    report({ level, concurrency, phase: 'verify', done: 0, total: null });
    const measured = { errors: {} as Record<string, number>, samples: {} as Record<string, string> };
    tallies.forEach((x) => mergeErrors(measured, x));
    const warmErr = { errors: {} as Record<string, number>, samples: {} as Record<string, string> };
    warm.forEach((x) => mergeErrors(warmErr, x));
    const ops = tallies.reduce((n, x) => n + x.ops, 0);
    const warmOps = warm.reduce((n, x) => n + x.ops, 0);
    let verify: BenchRun['verify'];
    if (spec.workload === 'insert') {
      const expected = warmOps + ops;
      const found = await admin.countRows(spec.table);
      verify = { kind: 'rows', expected, found };
      if (found !== expected) {
        measured.errors['row-count'] = Math.abs(found - expected);
        measured.samples['row-count'] = `${expected} inserts succeeded but the table holds ${found} rows`;
      }
    } else {
      const missing = measured.errors['missing-row'] ?? 0;
      verify = { kind: 'selects', checked: ops + missing + (measured.errors['wrong-row'] ?? 0), missing };
    }
    const h = mergeHistograms(tallies.map((x) => x.histogram));
    const run: BenchRun = {
      concurrency,
      workers,
      ops,
      seconds: round(seconds, 3),
      throughput: round(ops / seconds, 1),
      latency: summarise(h),
      errors: measured.errors,
      errorSamples: measured.samples,
      warmup: { ops: warmOps, errors: warmErr.errors, trials },
      verify,
      clientCpuCores: round((cpu.user + cpu.system) / 1e6 / seconds, 2),
      clientThreadBusy: busy === null ? null : round(busy, 3),
      clientsLost: tallies.reduce((n, x) => n + x.lost, 0),
      histogram: encodeHistogram(h),
    };
    h.destroy();
    return run;
  } finally {
    await closeAll(groups);
  }
}

function closeAll(groups: Group[]): Promise<unknown> {
  return Promise.all(groups.map((g) => g.close().catch(() => undefined)));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
