// What db.bench.ts compares against, run on the same machine: pgbench with a custom script and sysbench (its
// oltp_point_select, and a Lua script running our exact select on our table), plus a /proc sampler for the CPU
// the servers and the tools use while a run is on; and for PostgreSQL a bare Node client (bare-pg-client.ts).
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolRun {
  tool: string;
  throughput: number;
  /** latency average and p99 where the tool prints them, in µs */
  avgUs: number | null;
  p99Us: number | null;
  cpu: Record<string, number>;
}

/** A tool the machine does not have: the bench says so and goes on without its figure. */
export class MissingTool extends Error {}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new MissingTool(`${cmd} is not installed (apt-get install ${cmd === 'pgbench' ? 'postgresql-contrib' : cmd}; .ci/run installs it)`)
          : err,
      ),
    );
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

/**
 * CPU seconds used by processes with the given names (comm) while f runs, in cores (busy seconds / wall
 * seconds). Sampled every 250 ms so that processes which exit before the end (backends of a closing client)
 * are still counted up to their last sample.
 */
export async function withCpu<T>(names: string[], f: () => Promise<T>): Promise<{ value: T; cores: Record<string, number> }> {
  const tick = 100; // USER_HZ on Linux
  const base = new Map<number, number>();
  const last = new Map<number, { name: string; ticks: number }>();
  const sample = async (into: 'base' | 'last') => {
    for (const pid of (await readdir('/proc').catch(() => [] as string[])).filter((p) => /^\d+$/.test(p))) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
      if (!stat) continue;
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!names.includes(name)) continue;
      const f2 = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(f2[11]) + Number(f2[12]); // utime + stime
      if (into === 'base') base.set(Number(pid), ticks);
      else last.set(Number(pid), { name, ticks });
    }
  };
  await sample('base');
  const t0 = performance.now();
  let sampling = Promise.resolve();
  const timer = setInterval(() => (sampling = sampling.then(() => sample('last'))), 250);
  try {
    const value = await f();
    clearInterval(timer);
    await sampling;
    await sample('last');
    const seconds = (performance.now() - t0) / 1000;
    const cores: Record<string, number> = {};
    for (const [pid, { name, ticks }] of last) cores[name] = (cores[name] ?? 0) + (ticks - (base.get(pid) ?? 0)) / tick / seconds;
    for (const k of Object.keys(cores)) cores[k] = Math.round(cores[k] * 100) / 100;
    return { value, cores };
  } finally {
    clearInterval(timer);
  }
}

/**
 * pgbench -n -f script.sql -c clients -j threads -T seconds -M mode, the script running our select on our table.
 * The issue's `pgbench -S -c 8` is threads 1 (pgbench's default -j) and mode simple (its default -M).
 */
export async function pgbench(
  url: URL,
  table: string,
  rows: number,
  clients: number,
  seconds: number,
  mode: 'prepared' | 'simple',
  threads: number,
): Promise<ToolRun> {
  const dir = await mkdtemp(join(tmpdir(), 'ir-pgbench-'));
  try {
    const script = join(dir, 'select.sql');
    await writeFile(script, `\\set v random(1, ${rows})\nselect * from ${table} where val = :v;\n`);
    const args = [
      '-n',
      '-f',
      script,
      '-c',
      String(clients),
      '-j',
      String(threads),
      '-T',
      String(seconds),
      '-M',
      mode,
      '-h',
      url.hostname,
      '-p',
      url.port || '5432',
      '-U',
      url.username,
      url.pathname.slice(1),
    ];
    const { value: out, cores } = await withCpu(['pgbench', 'postgres'], () => exec('pgbench', args));
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
    const avg = /latency average = ([\d.]+) ms/.exec(out);
    if (!tps) throw new Error(`pgbench printed no tps:\n${out}`);
    return {
      tool: `pgbench -c ${clients} -j ${threads} -M ${mode}`,
      throughput: Number(tps[1]),
      avgUs: avg ? Number(avg[1]) * 1000 : null,
      p99Us: null,
      cpu: cores,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sysbenchArgs(url: URL): string[] {
  return [
    '--db-driver=mysql',
    `--mysql-host=${url.hostname}`,
    `--mysql-port=${url.port || '3306'}`,
    `--mysql-user=${url.username}`,
    `--mysql-password=${decodeURIComponent(url.password)}`,
    `--mysql-db=${url.pathname.slice(1)}`,
  ];
}

function parseSysbench(tool: string, out: string, cpu: Record<string, number>): ToolRun {
  const q = /queries:\s+\d+\s+\(([\d.]+) per sec\.\)/.exec(out);
  const avg = /avg:\s+([\d.]+)/.exec(out);
  const p99 = /99th percentile:\s+([\d.]+)/.exec(out);
  if (!q) throw new Error(`sysbench printed no queries per second:\n${out}`);
  return { tool, throughput: Number(q[1]), avgUs: avg ? Number(avg[1]) * 1000 : null, p99Us: p99 ? Number(p99[1]) * 1000 : null, cpu };
}

/** sysbench oltp_point_select --threads=clients on its own sbtest1 table (prepared once, cleaned up after). */
export async function sysbenchPointSelect(url: URL, rows: number, clients: number, seconds: number): Promise<ToolRun> {
  const common = [...sysbenchArgs(url), '--tables=1', `--table-size=${rows}`];
  await exec('sysbench', ['oltp_point_select', ...common, 'cleanup']).catch(() => undefined);
  await exec('sysbench', ['oltp_point_select', ...common, 'prepare']);
  try {
    const run = ['oltp_point_select', ...common, `--threads=${clients}`, `--time=${seconds}`, '--percentile=99', 'run'];
    const { value: out, cores } = await withCpu(['sysbench', 'mariadbd', 'mysqld'], () => exec('sysbench', run));
    return parseSysbench('sysbench oltp_point_select', out, cores);
  } finally {
    await exec('sysbench', ['oltp_point_select', ...common, 'cleanup']).catch(() => undefined);
  }
}

/** sysbench running our select (a server-side prepared statement, as mysql2's execute) on our table. */
export async function sysbenchOurSelect(url: URL, table: string, rows: number, clients: number, seconds: number): Promise<ToolRun> {
  const dir = await mkdtemp(join(tmpdir(), 'ir-sysbench-'));
  try {
    const script = join(dir, 'our_select.lua');
    await writeFile(
      script,
      `function thread_init()
  drv = sysbench.sql.driver()
  con = drv:connect()
  stmt = con:prepare("select * from ${table} where val = ?")
  param = stmt:bind_create(sysbench.sql.type.INT)
  stmt:bind_param(param)
end
function event()
  param:set(sysbench.rand.uniform(1, ${rows}))
  stmt:execute()
end
function thread_done()
  stmt:close()
  con:disconnect()
end
`,
    );
    const run = [script, ...sysbenchArgs(url), `--threads=${clients}`, `--time=${seconds}`, '--percentile=99', 'run'];
    const { value: out, cores } = await withCpu(['sysbench', 'mariadbd', 'mysqld'], () => exec('sysbench', run));
    return parseSysbench('sysbench, our select (Lua)', out, cores);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The bare Node client (bare-pg-client.ts) on our select and table, in its own process: what a Node client does on this
 * machine at the least per statement. Its CPU is what it measures of itself; the server's is sampled.
 */
export async function bareNodePg(url: URL, table: string, rows: number, clients: number, seconds: number): Promise<ToolRun> {
  const script = join(__dirname, 'bare-pg-client.ts');
  const args = ['--import', 'tsx', script, url.toString(), table, String(rows), String(clients), String(seconds)];
  const { value: out, cores } = await withCpu(['postgres'], () => exec(process.execPath, args));
  const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { throughput: number; cores: number; missed: number; errors: number };
  if (r.errors > 0 || r.missed > 0) throw new Error(`the bare Node client had ${r.errors} errors and ${r.missed} runs without their row`);
  return {
    tool: `a bare Node client (no driver), ${clients} connections`,
    throughput: r.throughput,
    avgUs: null,
    p99Us: null,
    cpu: { node: Math.round(r.cores * 100) / 100, ...cores },
  };
}
