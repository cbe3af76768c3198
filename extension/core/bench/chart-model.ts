// The data model of the bench chart (throughput and p99 against concurrency, one line per target and workload):
// compact arrays the webview draws as they are, with no knowledge of result files.
import { runLabels, type BenchDocument } from './result';
import { errorCount } from './tally';

export interface BenchSeries {
  /** what the legend shows (runLabels): server, workload, and what sets the run apart from the others shown */
  label: string;
  target: string;
  workload: string;
  concurrency: number[];
  throughput: number[];
  p99Us: number[];
  /** failed statements per level: a line with errors is drawn marked, never as if clean */
  errors: number[];
}

export interface BenchChartModel {
  series: BenchSeries[];
  /** every concurrency level any series has, ascending (the x axis) */
  levels: number[];
}

export function benchChartModel(docs: BenchDocument[]): BenchChartModel {
  const labels = runLabels(docs);
  const series = docs.map((d, i) => {
    const runs = [...d.runs].sort((a, b) => a.concurrency - b.concurrency);
    return {
      label: labels[i],
      target: d.target,
      workload: d.workload,
      concurrency: runs.map((r) => r.concurrency),
      throughput: runs.map((r) => r.throughput),
      p99Us: runs.map((r) => r.latency.p99),
      errors: runs.map((r) => errorCount(r.errors)),
    };
  });
  const levels = [...new Set(series.flatMap((s) => s.concurrency))].sort((a, b) => a - b);
  return { series, levels };
}
