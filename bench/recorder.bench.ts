// `npm run bench recorder`: what recording costs real clients, in the same run. redis-benchmark (GET, one client and
// eight, each with and without pipelining 16) and pgbench (select-only, one client and eight, each alone and 16 to a
// \startpipeline) against the server directly,
// through socat (the plain relay any SRE would reach for), through a bare Node relay (bare-relay.ts: Node's own pipe,
// nothing recorded: what a Node proxy costs on this machine at all), through `record` (the proxy, secrets masked as
// by default) and with `record --capture` (tcpdump on the port, the client direct). Three rounds, the five taken in
// turn within each, each way warmed by one uncounted run of the same load; ratios are taken within a round and their
// median printed. Loopback only, a few seconds each.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from '../test/helpers/net';
import { median } from './stats';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

interface Figure {
  rps: number;
  p50Us: number | null;
}

type Way = 'direct' | 'socat' | 'node' | 'record' | 'capture';
const WAYS: Way[] = ['direct', 'socat', 'node', 'record', 'capture'];

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out.slice(-400)}`))));
  });
}

/** Starts a child and waits for `ready` on its stderr (or a moment, for socat, which says nothing). */
async function started(cmd: string, args: string[], ready: RegExp | null): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (ready ? reject(new Error(`${cmd} did not start: ${err}`)) : resolve()), ready ? 15_000 : 300);
    child.stderr?.on('data', (d: Buffer) => {
      err += d;
      if (ready?.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${err}`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT');
  await exited;
}

/**
 * Runs `load` against the server one way; returns its figure. Each way is warmed first with one run of the same load,
 * not counted: a relay just started is a Node process still compiling its hot paths (a pipelined load through it
 * lasts under a second, and half of it ran cold), and the figure is meant to be what a recording in progress costs.
 */
async function oneWay(way: Way, serverPort: number, dir: string, load: (port: number) => Promise<Figure>): Promise<Figure> {
  const warmed = async (port: number) => (await load(port), load(port));
  if (way === 'direct') return warmed(serverPort);
  const out = join(dir, `${way}-${Date.now()}-${Math.random().toString(36).slice(2)}.transcript.jsonl`);
  if (way === 'capture') {
    const child = await started(process.execPath, [CLI, 'record', '--capture', '--target', `127.0.0.1:${serverPort}`, '--out', out], /capturing/);
    try {
      return await warmed(serverPort);
    } finally {
      await stop(child);
    }
  }
  const port = await closedPort();
  const child =
    way === 'socat'
      ? await started('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`, `TCP:127.0.0.1:${serverPort}`], null)
      : way === 'node'
        ? await started(process.execPath, ['--import', 'tsx', join(__dirname, 'bare-relay.ts'), String(port), String(serverPort)], /relaying/)
        : await started(process.execPath, [CLI, 'record', '--listen', `127.0.0.1:${port}`, '--target', `127.0.0.1:${serverPort}`, '--out', out], /recording/);
  try {
    return await warmed(port);
  } finally {
    await stop(child);
  }
}

const redisGet =
  (clients: number, pipeline: number) =>
  async (port: number): Promise<Figure> => {
    const n = Math.max(20_000, clients * pipeline * 5_000);
    const out = await run('redis-benchmark', [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-t',
      'get',
      '-n',
      String(n),
      '-c',
      String(clients),
      '-P',
      String(pipeline),
      '--csv',
    ]);
    // "GET","12345.67","0.123","0.040","0.111",…: requests per second, then avg, min, p50 (ms)
    const row = out.split('\n').find((l) => l.startsWith('"GET'));
    const cells = row?.split(',').map((c) => c.replace(/"/g, '')) ?? [];
    return { rps: Number(cells[1]), p50Us: cells[4] !== undefined ? Number(cells[4]) * 1000 : null };
  };

/** pgbench's select-only transaction, or `pipeline` of them in one \startpipeline … \endpipeline (prepared) */
const pgSelect =
  (clients: number, pipeline = 1, script = '') =>
  async (port: number): Promise<Figure> => {
    const out = await run('pgbench', [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'postgres',
      ...(pipeline > 1 ? ['-M', 'prepared', '-f', script] : ['-S']),
      '-n',
      '-c',
      String(clients),
      '-j',
      String(Math.min(clients, 2)),
      '-T',
      String(SECONDS),
      'test',
    ]);
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
    const lat = /latency average = ([\d.]+) ms/.exec(out)?.[1];
    return { rps: tps, p50Us: lat ? Number(lat) * 1000 : null };
  };

async function compare(name: string, serverPort: number, dir: string, load: (port: number) => Promise<Figure>): Promise<void> {
  const rounds: Record<Way, Figure>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = {} as Record<Way, Figure>;
    for (const way of WAYS) round[way] = await oneWay(way, serverPort, dir, load);
    rounds.push(round);
  }
  const med = (way: Way) => median(rounds.map((r) => r[way].rps));
  const ratio = (a: Way, b: Way) => median(rounds.map((r) => r[a].rps / r[b].rps));
  const p50 = (way: Way) => {
    const xs = rounds.map((r) => r[way].p50Us).filter((x): x is number => x !== null);
    return xs.length ? `${median(xs).toFixed(0)} µs` : 'n/a';
  };
  console.log(
    `${name}: direct ${med('direct').toFixed(0)}/s (p50 ${p50('direct')}), socat ${med('socat').toFixed(0)}/s (${p50('socat')}), ` +
      `bare Node relay ${med('node').toFixed(0)}/s (${p50('node')}), ` +
      `record ${med('record').toFixed(0)}/s (${p50('record')}), record --capture ${med('capture').toFixed(0)}/s (${p50('capture')})`,
  );
  console.log(
    `  ratios, median of ${ROUNDS} rounds: record/direct ${ratio('record', 'direct').toFixed(2)}, record/socat ${ratio('record', 'socat').toFixed(2)}, ` +
      `socat/direct ${ratio('socat', 'direct').toFixed(2)}, capture/direct ${ratio('capture', 'direct').toFixed(2)}; ` +
      `record/bare Node ${ratio('record', 'node').toFixed(2)}, bare Node/socat ${ratio('node', 'socat').toFixed(2)}`,
  );
}

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ir-recorder-bench-'));
  try {
    for (const tool of ['redis-benchmark', 'pgbench', 'socat', 'tcpdump']) {
      await run('sh', ['-c', `command -v ${tool}`]).catch(() => {
        throw new Error(
          `${tool} is needed for this bench (.ci/run installs the others; apt-get install ${tool === 'redis-benchmark' ? 'redis-tools' : tool === 'pgbench' ? 'postgresql-contrib' : tool})`,
        );
      });
    }
    await compare('redis-benchmark GET, 1 client', 6379, dir, redisGet(1, 1));
    await compare('redis-benchmark GET, 8 clients', 6379, dir, redisGet(8, 1));
    await compare('redis-benchmark GET, 1 client pipelining 16', 6379, dir, redisGet(1, 16));
    await compare('redis-benchmark GET, 8 clients pipelining 16', 6379, dir, redisGet(8, 16));
    await run('pgbench', ['-h', '127.0.0.1', '-U', 'postgres', '-i', '-s', '1', '-q', 'test']);
    await compare('pgbench select-only, 1 client', 5432, dir, pgSelect(1));
    await compare('pgbench select-only, 8 clients', 5432, dir, pgSelect(8));
    // pgbench's own -S transaction 16 times in one pipeline (tps counts pipelines)
    const script = join(dir, 'select-pipeline.sql');
    const select = 'SELECT abalance FROM pgbench_accounts WHERE aid = :aid;';
    await writeFile(script, ['\\set aid random(1, 100000 * :scale)', '\\startpipeline', ...Array(16).fill(select), '\\endpipeline', ''].join('\n'));
    await compare('pgbench select-only pipelining 16, 1 client', 5432, dir, pgSelect(1, 16, script));
    await compare('pgbench select-only pipelining 16, 8 clients', 5432, dir, pgSelect(8, 16, script));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
