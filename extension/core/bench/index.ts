// The benchmark: the 2010 seed's insert/select workloads against mysql://, postgres:// and mongodb:// URLs,
// measured with bound parameters, a warm-up, every error counted and HDR latency percentiles.
export { makeSpec, SEED_COUNT, WORKLOADS, defaultWarmup, type Amount, type BenchSpec, type SpecInput, type Workload, type Workers } from './spec';
export { runBench, type BenchProgress, type Phase, type RunOptions } from './runner';
export { BENCH_FORMAT, cancelledAfter, runLabel, runLabels, type BenchDocument, type BenchRun, type Trial } from './result';
export { writeBenchFile, readBenchFile, problemWith } from './file';
export { compareResults, type Comparison, type ComparedCell, type ComparedColumn } from './compare';
export { benchChartModel, type BenchChartModel, type BenchSeries } from './chart-model';
export { benchReport, comparisonReport, describeAmount } from './report';
export { parseTargetUrl, type TargetKind, type TargetUrl } from './target';
export { errorCount } from './tally';
export { readBenchConfig, type BenchConfig, type ConfigRun } from './config';
