// `npm run bench db`: our select throughput at 8 clients next to the standard tools on the same machine and the
// same data, in the same run: pgbench (custom script, our select on our table) against PostgreSQL, sysbench
// (oltp_point_select, and our select through a Lua script) against MariaDB, and for PostgreSQL a bare Node client
// (raw protocol, no driver: bare-pg-client.ts) as the anchor of what Node does here at all. Prints figures and ratios
// ours/theirs for several alternating rounds, and the CPU the client and the server used; asserts nothing.
// BENCH_SECONDS (default 8) and BENCH_ROUNDS (default 3) set the length; BENCH_POSTGRES_URL/BENCH_MYSQL_URL the
// servers; BENCH_DB=postgres or mariadb runs one of them.
import { median } from './stats';
import { connect } from 'node:net';
import { makeSpec, runBench, type BenchDocument, type Workers } from '../extension/core/bench';
import { bareNodePg, MissingTool, pgbench, sysbenchOurSelect, sysbenchPointSelect, withCpu, type ToolRun } from './db-tools';

const CLIENTS = 8;
const ROWS = 10_000;
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MARIADB = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = connect({ host: u.hostname, port: Number(u.port) });
    s.setTimeout(2000, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

interface Ours {
  label: string;
  doc: BenchDocument;
  serverCpu: number;
}

interface OurRun {
  workers: Workers;
  driverQuery: boolean;
}

/** What each round runs of ours: the default (workers auto), two worker threads, and the driver's query path. */
const OUR_RUNS: OurRun[] = [
  { workers: 'auto', driverQuery: false },
  { workers: 2, driverQuery: false },
  { workers: 'auto', driverQuery: true },
];

async function ours(url: string, table: string, seconds: number, run: OurRun, serverNames: string[]): Promise<Ours> {
  const spec = makeSpec({
    url,
    workload: 'select',
    concurrency: [CLIENTS],
    durationMs: seconds * 1000,
    warmup: { kind: 'duration', ms: 1500 },
    rows: ROWS,
    table,
    replace: true,
    ...run,
  });
  const { value: doc, cores } = await withCpu(serverNames, () => runBench(spec, { keepTable: true }));
  const serverCpu = serverNames.reduce((n, k) => n + (cores[k] ?? 0), 0);
  const used = doc.runs[0].workers;
  const label = `ours${run.driverQuery ? ' --driver-query' : ''}, workers ${run.workers}${run.workers === 'auto' ? ` (chose ${used})` : ''}`;
  return { label, doc, serverCpu: Math.round(serverCpu * 100) / 100 };
}

const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (us: number | null) => (us === null ? '   -  ' : (us / 1000).toFixed(2).padStart(6));

function lineOurs(o: Ours): string {
  const r = o.doc.runs[0];
  const errors =
    Object.entries(r.errors)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ') || 'no errors';
  return `    ${o.label.padEnd(42)} ${f0(r.throughput).padStart(7)}/s  p99 ${ms(r.latency.p99)} ms  cpu: node ${r.clientCpuCores.toFixed(2)}, server ${o.serverCpu.toFixed(2)}  (${errors})`;
}

function lineTool(t: ToolRun, serverNames: string[]): string {
  const server = serverNames.reduce((n, k) => n + (t.cpu[k] ?? 0), 0);
  const client = Object.entries(t.cpu)
    .filter(([k]) => !serverNames.includes(k))
    .reduce((n, [, v]) => n + v, 0);
  return `    ${t.tool.padEnd(42)} ${f0(t.throughput).padStart(7)}/s  p99 ${ms(t.p99Us)} ms  cpu: tool ${client.toFixed(2)}, server ${server.toFixed(2)}  (avg ${ms(t.avgUs)} ms)`;
}

type Tool = (seconds: number) => Promise<ToolRun>;

async function compareOn(name: string, url: string, table: string, serverNames: string[], tools: Tool[]): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  if (!(await reachable(url))) {
    console.log(`${name}: not reachable at ${new URL(url).host}; skipped (start it, or run .ci/run)`);
    return;
  }
  console.log(`${name}: select * from ${table} where val = ? at ${CLIENTS} clients, ${ROWS} rows, index on val, ${seconds} s a run, ${rounds} rounds`);
  const ratios: Record<string, number[]> = {};
  const note = (k: string, x: number) => (ratios[k] ??= []).push(x);
  const missing = new Set<string>();
  for (let round = 1; round <= rounds; round++) {
    console.log(`  round ${round}`);
    const mine: Ours[] = [];
    for (const run of OUR_RUNS) {
      const o = await ours(url, table, seconds, run, serverNames);
      mine.push(o);
      console.log(lineOurs(o));
    }
    const theirs: ToolRun[] = [];
    for (const tool of tools) {
      try {
        const t = await tool(seconds);
        theirs.push(t);
        console.log(lineTool(t, serverNames));
      } catch (err) {
        if (!(err instanceof MissingTool)) throw err;
        if (!missing.has(err.message)) console.log(`    ${err.message}: no figure to compare with`);
        missing.add(err.message);
      }
    }
    for (const o of mine) {
      for (const t of theirs) {
        const ratio = o.doc.runs[0].throughput / t.throughput;
        note(`${o.label.replace(/ \(chose \d+\)/, '')} / ${t.tool}`, ratio);
      }
    }
  }
  console.log(`  ${name} ratios, ours / theirs (median of ${rounds} rounds; target ≥ 0.70):`);
  for (const [k, xs] of Object.entries(ratios))
    console.log(`    ${k.padEnd(82)} ${median(xs).toFixed(2)}   (rounds: ${xs.map((x) => x.toFixed(2)).join(', ')})`);
}

async function dropTable(url: string, table: string): Promise<void> {
  // a zero-length run against the table would recreate it; drop it through the same driver the bench uses
  const { parseTargetUrl } = await import('../extension/core/bench');
  const t = parseTargetUrl(url);
  const { driverFor } = await import('../extension/core/bench/drivers');
  const a = await driverFor(t.kind).admin(t);
  await a.drop(table);
  await a.close();
}

export default async function dbBench(): Promise<void> {
  const only = process.env.BENCH_DB;
  const pgTable = `ir_dbbench_pg_${process.pid}`;
  const myTable = `ir_dbbench_my_${process.pid}`;
  if (!only || only === 'postgres') {
    const pgUrl = new URL(POSTGRES);
    try {
      // the issue's `pgbench -S -c 8` runs pgbench's defaults: one thread (-j 1), the simple query protocol (-M simple)
      await compareOn(
        'PostgreSQL',
        POSTGRES,
        pgTable,
        ['postgres'],
        [
          (s) => pgbench(pgUrl, pgTable, ROWS, CLIENTS, s, 'simple', 1),
          (s) => pgbench(pgUrl, pgTable, ROWS, CLIENTS, s, 'prepared', 1),
          (s) => pgbench(pgUrl, pgTable, ROWS, CLIENTS, s, 'prepared', 2),
          // what any Node client gets here on one thread: the anchor that says how much of the gap is ours
          (s) => bareNodePg(pgUrl, pgTable, ROWS, CLIENTS, s),
        ],
      );
    } finally {
      if (await reachable(POSTGRES)) await dropTable(POSTGRES, pgTable);
    }
    console.log('');
  }
  if (!only || only === 'mariadb') {
    const myUrl = new URL(MARIADB);
    try {
      await compareOn(
        'MariaDB',
        MARIADB,
        myTable,
        ['mariadbd', 'mysqld'],
        [(s) => sysbenchPointSelect(myUrl, ROWS, CLIENTS, s), (s) => sysbenchOurSelect(myUrl, myTable, ROWS, CLIENTS, s)],
      );
    } finally {
      if (await reachable(MARIADB)) await dropTable(MARIADB, myTable);
    }
  }
}
