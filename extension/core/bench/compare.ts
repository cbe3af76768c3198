// Comparison of two or more results: for each concurrency level, each result's throughput, p99 and errors side
// by side, and the throughput of each against the first (the baseline). Pure: documents in, a table model out.
import { runLabels, type BenchDocument } from './result';
import { errorCount } from './tally';

export interface ComparedColumn {
  label: string;
  file: string;
  target: string;
  server: string;
  workload: string;
  index: boolean;
}

export interface ComparedCell {
  throughput: number;
  p99Us: number;
  errors: number;
  /** throughput / the baseline's throughput at the same concurrency (null when the baseline lacks the level) */
  ratio: number | null;
}

export interface Comparison {
  columns: ComparedColumn[];
  rows: { concurrency: number; cells: (ComparedCell | null)[] }[];
}

export function compareResults(inputs: { file: string; doc: BenchDocument }[]): Comparison {
  const labels = runLabels(inputs.map((x) => x.doc));
  const columns = inputs.map(({ file, doc }, i) => ({
    label: labels[i],
    file,
    target: doc.target,
    server: doc.server,
    workload: doc.workload,
    index: doc.index,
  }));
  const levels = [...new Set(inputs.flatMap(({ doc }) => doc.runs.map((r) => r.concurrency)))].sort((a, b) => a - b);
  const rows = levels.map((concurrency) => {
    const base = inputs[0].doc.runs.find((r) => r.concurrency === concurrency);
    const cells = inputs.map(({ doc }) => {
      const r = doc.runs.find((x) => x.concurrency === concurrency);
      if (!r) return null;
      return {
        throughput: r.throughput,
        p99Us: r.latency.p99,
        errors: errorCount(r.errors),
        ratio: base && base.throughput > 0 ? Math.round((r.throughput / base.throughput) * 1000) / 1000 : null,
      };
    });
    return { concurrency, cells };
  });
  return { columns, rows };
}
