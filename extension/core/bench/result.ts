// The result document (*.bench.json, and what --json prints): one target, one workload, one entry per concurrency
// level. Latency in microseconds; errors by kind, never left out.
import type { LatencyUs } from './histogram';
import type { Amount, Workload } from './spec';
import type { TargetKind } from './target';

export const BENCH_FORMAT = 'incident-replay/bench';

/** One warm-up of a level: how many threads drove the clients and how fast it went. */
export interface Trial {
  workers: number;
  seconds: number;
  throughput: number;
  clientThreadBusy: number | null;
}

export interface BenchRun {
  concurrency: number;
  /** worker threads that drove the clients (0: the calling thread) */
  workers: number;
  /** statements that succeeded (selects: that returned their row) in the measured phase */
  ops: number;
  seconds: number;
  /** ops per second */
  throughput: number;
  latency: LatencyUs;
  /** failed statements by kind (driver code, SQLSTATE, missing-row, wrong-row, row-count) */
  errors: Record<string, number>;
  /** the first message of each error kind */
  errorSamples: Record<string, string>;
  /** the warm-up: statements that succeeded, errors, and each configuration tried (workers: auto tries two) */
  warmup: { ops: number; errors: Record<string, number>; trials: Trial[] };
  /** what was checked after the level: rows in the table after inserts, or selects that found their row */
  verify: { kind: 'rows'; expected: number; found: number } | { kind: 'selects'; checked: number; missing: number };
  /** CPU of this Node process (all threads) during the measured phase, in cores (1 = one core busy) */
  clientCpuCores: number;
  /** busy share of the thread driving the clients when workers = 0 (event-loop utilisation, 0..1) */
  clientThreadBusy: number | null;
  /** clients that stopped early because their connection broke */
  clientsLost: number;
  /** the hdr histogram (µs) as compressed base64, for later merging and finer percentiles */
  histogram: string;
}

export interface BenchDocument {
  format: typeof BENCH_FORMAT;
  version: 1;
  /** the URL with any password masked */
  target: string;
  kind: TargetKind;
  server: string;
  workload: Workload;
  table: string;
  index: boolean;
  /** statements ran through the driver's ordinary query call (--driver-query), not its leanest path */
  driverQuery?: boolean;
  /** rows seeded before a select run */
  rows: number;
  amount: Amount;
  warmup: Amount;
  startedAt: string;
  finishedAt: string;
  machine: { platform: string; arch: string; cpus: number; node: string };
  /** true when the run was cancelled: runs holds the levels that completed */
  cancelled: boolean;
  /** the concurrency levels asked for (files before this field: the levels run) */
  levelsPlanned?: number[];
  /** the driver that ran the statements, with its version ("mysql2 3.14.0") */
  driver?: string;
  runs: BenchRun[];
}

/** How a result is named in comparisons and on the chart: server, workload, and what sets the run apart. */
export function runLabel(d: Pick<BenchDocument, 'server' | 'kind' | 'workload' | 'index' | 'driverQuery' | 'cancelled' | 'runs' | 'levelsPlanned'>): string {
  return `${d.server || d.kind} ${d.workload}${d.index ? '' : ' (no index)'}${d.driverQuery ? ' (driver query)' : ''}${d.cancelled ? ` (${cancelledAfter(d)})` : ''}`;
}

/** "cancelled after 2 of 4 levels" (or without the plan, for files written before it was kept) */
export function cancelledAfter(d: Pick<BenchDocument, 'runs' | 'levelsPlanned'>): string {
  return d.levelsPlanned ? `cancelled after ${d.runs.length} of ${d.levelsPlanned.length} levels` : `cancelled after ${d.runs.length} levels`;
}

/**
 * The labels of several results side by side: each its runLabel, and where two would read the same, what tells them
 * apart added: the target, the driver, the start time (to the second when the minute is shared), the machine.
 */
export function runLabels(docs: BenchDocument[]): string[] {
  const labels = docs.map((d) => runLabel(d));
  const extras: Array<(d: BenchDocument) => string> = [
    (d) => d.target,
    (d) => d.driver ?? '',
    (d) => d.startedAt.slice(0, 16).replace('T', ' '),
    (d) => d.startedAt.slice(0, 19).replace('T', ' '),
    (d) => `${d.machine.cpus} CPUs, Node ${d.machine.node}`,
  ];
  for (const extra of extras) {
    const before = [...labels];
    for (let i = 0; i < docs.length; i++) {
      const group = docs.map((_, j) => j).filter((j) => before[j] === before[i]);
      // only what differs among those that read the same tells them apart
      if (group.length > 1 && new Set(group.map((j) => extra(docs[j]))).size > 1 && extra(docs[i])) labels[i] = `${before[i]} · ${extra(docs[i])}`;
    }
  }
  return labels.map((l, i) => (labels.indexOf(l) === i ? l : `${l} #${i + 1}`));
}
