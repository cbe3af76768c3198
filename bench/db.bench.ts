// `npm run bench db`: our select throughput at 8 clients next to the standard tools on the same machine and the
// same data, in the same run: pgbench (custom script, our select on our table) against PostgreSQL, sysbench
// (oltp_point_select, and our select through a Lua script) against MariaDB. Prints figures and ratios
// ours/theirs for several alternating rounds, and the CPU the client and the server used; asserts nothing.
// BENCH_SECONDS (default 8) and BENCH_ROUNDS (default 3) set the length; BENCH_POSTGRES_URL/BENCH_MYSQL_URL the servers.
import { connect } from 'node:net';
import { makeSpec, runBench, type BenchDocument, type Workers } from '../extension/core/bench';
import { pgbench, sysbenchOurSelect, sysbenchPointSelect, withCpu, type ToolRun } from './db-tools';

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

async function ours(url: string, table: string, seconds: number, workers: Workers, serverNames: string[]): Promise<Ours> {
  const spec = makeSpec({ url, workload: 'select', concurrency: [CLIENTS], durationMs: seconds * 1000, warmup: { kind: 'duration', ms: 1500 }, rows: ROWS, table, replace: true, workers });
  const { value: doc, cores } = await withCpu(serverNames, () => runBench(spec, { keepTable: true }));
  const serverCpu = serverNames.reduce((n, k) => n + (cores[k] ?? 0), 0);
  const used = doc.runs[0].workers;
  return { label: `ours, workers ${workers}${workers === 'auto' ? ` (chose ${used})` : ''}`, doc, serverCpu: Math.round(serverCpu * 100) / 100 };
}

const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (us: number | null) => (us === null ? '   -  ' : (us / 1000).toFixed(2).padStart(6));

function lineOurs(o: Ours): string {
  const r = o.doc.runs[0];
  const errors = Object.entries(r.errors).map(([k, n]) => `${n} ${k}`).join(', ') || 'no errors';
  return `    ${o.label.padEnd(34)} ${f0(r.throughput).padStart(7)}/s  p99 ${ms(r.latency.p99)} ms  cpu: node ${r.clientCpuCores.toFixed(2)}, server ${o.serverCpu.toFixed(2)}  (${errors})`;
}

function lineTool(t: ToolRun, serverNames: string[]): string {
  const server = serverNames.reduce((n, k) => n + (t.cpu[k] ?? 0), 0);
  const client = Object.entries(t.cpu).filter(([k]) => !serverNames.includes(k)).reduce((n, [, v]) => n + v, 0);
  return `    ${t.tool.padEnd(34)} ${f0(t.throughput).padStart(7)}/s  p99 ${ms(t.p99Us)} ms  cpu: tool ${client.toFixed(2)}, server ${server.toFixed(2)}  (avg ${ms(t.avgUs)} ms)`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function compareOn(
  name: string,
  url: string,
  table: string,
  serverNames: string[],
  theirs: (seconds: number) => Promise<ToolRun[]>,
): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  if (!(await reachable(url))) {
    console.log(`${name}: not reachable at ${new URL(url).host}; skipped (start it, or run .ci/run)`);
    return;
  }
  console.log(`${name}: select * from ${table} where val = ? at ${CLIENTS} clients, ${ROWS} rows, index on val, ${seconds} s a run, ${rounds} rounds`);
  const ratios: Record<string, number[]> = {};
  const note = (k: string, x: number) => (ratios[k] ??= []).push(x);
  for (let round = 1; round <= rounds; round++) {
    console.log(`  round ${round}`);
    const mine: Ours[] = [];
    for (const workers of [0, 2, 'auto'] as Workers[]) {
      const o = await ours(url, table, seconds, workers, serverNames);
      mine.push(o);
      console.log(lineOurs(o));
    }
    const tools = await theirs(seconds);
    for (const t of tools) console.log(lineTool(t, serverNames));
    const best = mine.find((o) => o.label.startsWith('ours, workers auto')) as Ours;
    for (const t of tools) {
      const ratio = best.doc.runs[0].throughput / t.throughput;
      note(t.tool, ratio);
      console.log(`    ratio ours (auto) / ${t.tool}: ${ratio.toFixed(2)}`);
    }
    for (const o of mine) note(`${o.label.replace(/ \(chose \d+\)/, '')} / ${tools[0].tool}`, o.doc.runs[0].throughput / tools[0].throughput);
  }
  console.log(`  ${name} summary (median of ${rounds} rounds; target ≥ 0.70):`);
  for (const [k, xs] of Object.entries(ratios)) console.log(`    ${k.padEnd(60)} ${median(xs).toFixed(2)}   (rounds: ${xs.map((x) => x.toFixed(2)).join(', ')})`);
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
  const pgTable = `ir_dbbench_pg_${process.pid}`;
  const myTable = `ir_dbbench_my_${process.pid}`;
  const pgUrl = new URL(POSTGRES);
  try {
    await compareOn('PostgreSQL', POSTGRES, pgTable, ['postgres'], async (seconds) => [
      await pgbench(pgUrl, pgTable, ROWS, CLIENTS, seconds, 'prepared'),
      await pgbench(pgUrl, pgTable, ROWS, CLIENTS, seconds, 'simple'),
    ]);
  } finally {
    if (await reachable(POSTGRES)) await dropTable(POSTGRES, pgTable);
  }
  console.log('');
  const myUrl = new URL(MARIADB);
  try {
    await compareOn('MariaDB', MARIADB, myTable, ['mariadbd', 'mysqld'], async (seconds) => [
      await sysbenchPointSelect(myUrl, ROWS, CLIENTS, seconds),
      await sysbenchOurSelect(myUrl, myTable, ROWS, CLIENTS, seconds),
    ]);
  } finally {
    if (await reachable(MARIADB)) await dropTable(MARIADB, myTable);
  }
}
