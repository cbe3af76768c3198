// `incident-replay bench URL… [options]` runs the 2010 speed test honestly against each URL and writes a
// *.bench.json per target; `incident-replay bench compare FILE FILE…` puts results side by side.
// Exit status: 0 clean, 1 some statement failed (every error is counted and printed), 2 bad input or no connection.
import {
  benchReport,
  compareResults,
  comparisonReport,
  errorCount,
  makeSpec,
  readBenchConfig,
  readBenchFile,
  runBench,
  writeBenchFile,
  type Amount,
  type BenchDocument,
  type ConfigRun,
  type SpecInput,
  type Workload,
} from '../../core/bench';
import { parseDurationMs, DURATION_HELP } from '../../core/units';
import { parse, parseIntArg, UsageError, type Io, type Verb } from '../verb';

const help = `usage: incident-replay bench URL... [--workload select|insert] [--concurrency 1,2,4,8,16,32,40]
                              [--count N | --duration 10s] [--no-index] [--out FILE|DIR] [--json]
       incident-replay bench URL... --config replays/db-speed-2010/bench.json [--count N]
       incident-replay bench compare A.bench.json B.bench.json...

Runs the 2010 database speed test against each URL (mysql://, mariadb://, postgres://, postgresql://,
mongodb://): prepares a table (or collection) "data" with an index on val, then for each concurrency level opens
one connection per simulated client, warms up, and runs a fixed count of statements per client or a fixed
duration, one statement outstanding per client. Statements use bound parameters:
  insert:  insert into data (val, txt) values (?, ?)
  select:  select * from data where val = ?   (on seeded rows; a select that misses its row is an error)
Prints throughput and latency percentiles (HDR histogram) per level and every error by kind, and writes the
result to a new *.bench.json (never over an existing file). The table is dropped afterwards.

  --workload W       select (default) or insert
  --concurrency L    comma-separated client counts (default 1,2,4,8,16,32,40)
  --count N          statements per client per level (default: the seed's, 100000 selects / 10000 inserts)
  --duration D       run each level for a duration instead (like 10s)
  --warmup X         warm-up per client and level: a count, or a duration like 2s (default: a tenth, at most
                     1000 statements or 2 s)
  --no-index         no index on val, as the 2010 seed ran
  --rows N           rows seeded for select (default 10000)
  --table NAME       table or collection to use (default data; it is dropped and recreated)
  --replace-table    allow dropping a table of that name that already holds rows (else the run stops)
  --driver-query     run statements through the driver's ordinary query call, as an application does,
                     instead of its leanest path (pg: a Describe and a Result per statement; mysql2: its
                     execute, which builds every column of every row; the default prepares or describes each
                     statement once per connection and reads only the column it needs). mongodb runs the same
                     calls either way
  --workers N|auto   worker threads driving the clients; 0 = this thread; auto (default) warms up in this
                     thread, then on one worker thread per core, each counted after a lead-in as long, and keeps
                     the faster (threads must win by 5%)
  --config FILE      runs listed in a JSON file ({"runs": [{"workload", "concurrency", "count", "index"}]});
                     --count, --duration and --concurrency override it
  --out FILE|DIR     where to write the result (default: the working directory)
  --no-save          do not write a result file
  --keep-table       leave the table in place afterwards
  --json             print the result document on stdout (an array for several runs)

compare: reads two or more *.bench.json files and prints, per concurrency level, each one's throughput, p99
and errors, and its throughput against the first file's. --json prints the comparison.

${DURATION_HELP} --warmup takes a bare number as a count of statements.

Exit status: 0 every statement succeeded; 1 some failed (counted and shown); 2 bad usage, unreachable server
or failed login.`;

const options = {
  workload: { type: 'string' },
  concurrency: { type: 'string' },
  count: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  'no-index': { type: 'boolean' },
  rows: { type: 'string' },
  table: { type: 'string' },
  workers: { type: 'string' },
  config: { type: 'string' },
  out: { type: 'string' },
  'no-save': { type: 'boolean' },
  'keep-table': { type: 'boolean' },
  'replace-table': { type: 'boolean' },
  'driver-query': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse<typeof options>>['values'];

function parseList(s: string): number[] {
  const list = s.split(',').map((x) => parseIntArg(x.trim(), '--concurrency', 1, 1000) as number);
  if (list.length === 0) throw new UsageError('bench: --concurrency needs at least one number');
  return list;
}

function parseWarmup(s: string): Amount {
  if (/^\d+$/.test(s.trim())) return { kind: 'count', perClient: parseIntArg(s.trim(), '--warmup', 0, 1e9) as number };
  return { kind: 'duration', ms: parseDurationMs(s, '--warmup') };
}

async function specInputs(urls: string[], v: Values): Promise<SpecInput[]> {
  const flags: Partial<SpecInput> = {
    concurrency: v.concurrency !== undefined ? parseList(v.concurrency) : undefined,
    count: parseIntArg(v.count, '--count', 1, 1e9),
    durationMs: v.duration !== undefined ? parseDurationMs(v.duration, '--duration') : undefined,
    warmup: v.warmup !== undefined ? parseWarmup(v.warmup) : undefined,
    rows: parseIntArg(v.rows, '--rows', 1, 1e9),
    table: v.table,
    replace: v['replace-table'] ? true : undefined,
    driverQuery: v['driver-query'] ? true : undefined,
    workers: v.workers === undefined || v.workers === 'auto' ? 'auto' : parseIntArg(v.workers, '--workers', 0, 64),
  };
  const defined = Object.fromEntries(Object.entries(flags).filter(([, x]) => x !== undefined)) as Partial<SpecInput>;
  const runs: ConfigRun[] = v.config ? (await readBenchConfig(v.config)).runs : [{ workload: v.workload as Workload | undefined, index: !v['no-index'] }];
  return urls.flatMap((url) =>
    runs.map((r) => ({
      url,
      workload: v.config ? r.workload : (v.workload ?? 'select'),
      concurrency: r.concurrency,
      count: defined.durationMs === undefined ? r.count : undefined,
      index: v['no-index'] ? false : (r.index ?? true),
      rows: r.rows,
      ...defined,
    })),
  );
}

async function compare(files: string[], json: boolean, io: Io): Promise<number> {
  if (files.length < 2) throw new UsageError('bench compare: give two or more *.bench.json files');
  const inputs = [];
  for (const file of files) for (const doc of await readBenchFile(file)) inputs.push({ file, doc });
  const c = compareResults(inputs);
  io.out(json ? JSON.stringify(c, null, 2) : comparisonReport(c));
  return 0;
}

export const bench: Verb = {
  name: 'bench',
  summary: 'the 2010 insert/select speed test against MySQL/MariaDB, PostgreSQL, MongoDB; compare results',
  help,
  async run(argv, io) {
    const { values, positionals } = parse('bench', argv, options);
    if (positionals[0] === 'compare') return compare(positionals.slice(1), values.json ?? false, io);
    if (positionals.length === 0) throw new UsageError('bench: no target URL given (like incident-replay bench mysql://root@127.0.0.1:3306/test)');
    if (values.count !== undefined && values.duration !== undefined) throw new UsageError('bench: give --count or --duration, not both');
    const specs = (await specInputs(positionals, values)).map(makeSpec);
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    const docs: BenchDocument[] = [];
    try {
      for (const spec of specs) {
        if (abort.signal.aborted) break;
        const doc = await runBench(spec, {
          signal: abort.signal,
          keepTable: values['keep-table'] ?? false,
          onProgress: (p) => {
            if (process.stderr.isTTY && p.phase === 'measure' && p.done === 0) io.err(`${p.target} ${spec.workload}: ${p.concurrency} clients…`);
          },
        });
        docs.push(doc);
        const saved = values['no-save'] ? null : await writeBenchFile(doc, values.out);
        if (!values.json) io.out(benchReport(doc));
        if (saved) (values.json ? io.err : io.out)(`  result: ${saved}`);
      }
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    if (values.json) io.out(JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2));
    if (abort.signal.aborted) {
      io.err('bench: cancelled; the levels that completed are in the result');
      return 1;
    }
    return docs.some((d) => d.runs.some((r) => errorCount(r.errors) > 0 || errorCount(r.warmup.errors) > 0)) ? 1 : 0;
  },
};
