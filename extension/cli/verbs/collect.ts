// `incident-replay collect URL --out FILE [--interval 10s] [--duration 1m] [--ram buffer|machine|SIZE]
// [--tables LIKE] [--shard NAME]`: samples a live server into a metrics file, then prints what the file shows.
import { collect as runCollect, parseRamChoice } from '../../core/metrics/collect';
import { analyzeMetricsFile, formatSize, isoTime } from '../../core/metrics';
import { parseDurationMs, DURATION_HELP, SIZE_HELP } from '../../core/units';
import { parse, UsageError, type Verb } from '../verb';

const help = `usage: incident-replay collect URL --out FILE [--interval 10s] [--duration 1m] [--ram buffer|machine|SIZE]
                                [--tables LIKE] [--shard NAME]

Samples a live server into a shard metrics file (CSV, or JSON Lines when FILE ends in .jsonl, .ndjson or .json), one round every
interval for the duration, appending as it goes (Ctrl-C stops it and keeps what was written). Never overwrites FILE.

  mysql://user:pass@host:3306/db     table + index sizes (information_schema) against innodb_buffer_pool_size
  postgres://user@host:5432/db       relation sizes against shared_buffers
  mongodb://host:27017[/db]          dbStats per shard through mongos (or one mongod) against the WiredTiger cache

  --interval D    time between rounds (default 10s)
  --duration D    how long to collect (default 1m)
  --ram R         what the working set must fit in: the server's buffer (default), the machine's memory
                  (server on this machine only), or a size such as 16GB (a what-if)
  --tables LIKE   count only tables or collections whose name matches (SQL LIKE: orders_%)
  --shard NAME    the shard name to write for a single server (default host:port)

${DURATION_HELP} --interval and --duration need a unit (a bare number there was seconds).
${SIZE_HELP}

Exit status: 0 collected; 2 bad usage, a refused connection, a failed login or an existing FILE.`;

function duration(s: string | undefined, what: string, dflt: number): number {
  if (s === undefined) return dflt;
  // a bare number was seconds here: asking for a unit rather than reading 10 as 10 ms
  const ms = parseDurationMs(s, what, { bareWas: 'seconds' });
  if (!(ms > 0)) throw new UsageError(`collect: ${what} "${s}" must be more than 0`);
  return ms;
}

export const collect: Verb = {
  name: 'collect',
  summary: 'sample a live MySQL/MariaDB, PostgreSQL or MongoDB server into a metrics file',
  help,
  async run(argv, io) {
    const { values, positionals } = parse('collect', argv, {
      out: { type: 'string', short: 'o' },
      interval: { type: 'string' },
      duration: { type: 'string' },
      ram: { type: 'string' },
      tables: { type: 'string' },
      shard: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('collect: give one server URL (incident-replay collect URL --out FILE)');
    if (!values.out) throw new UsageError('collect: --out FILE is required');
    const intervalMs = duration(values.interval, '--interval', 10_000);
    // each round queries the server: rounds faster than this would be a load test, not a measurement
    if (intervalMs < 100) throw new UsageError(`collect: --interval "${values.interval}" is shorter than 100ms`);
    const durationMs = duration(values.duration, '--duration', 60_000);
    const stop = new AbortController();
    const onInt = () => stop.abort();
    process.once('SIGINT', onInt);
    try {
      const r = await runCollect(positionals[0], values.out, {
        intervalMs,
        durationMs,
        signal: stop.signal,
        ram: parseRamChoice(values.ram),
        tables: values.tables,
        shard: values.shard,
        onRound: (n, rows) => io.err(`round ${n}: ${rows} rows`),
      });
      const a = await analyzeMetricsFile(r.file);
      const lines = [`${r.file}: ${r.rounds} rounds, ${r.rows} rows from ${r.where}`];
      for (const s of a.shards) {
        const x = s.crossover
          ? `CROSSOVER at ${isoTime(s.crossover.tSec)} (${formatSize(s.crossover.workingSetBytes)} > ${formatSize(s.crossover.ramBytes)})`
          : 'within RAM';
        lines.push(`  ${s.shard}: ${formatSize(s.lastWorkingSetBytes)} of ${formatSize(s.last.ramBytes)} RAM; ${x}`);
      }
      io.out(lines.join('\n'));
      return 0;
    } finally {
      process.removeListener('SIGINT', onInt);
    }
  },
};
