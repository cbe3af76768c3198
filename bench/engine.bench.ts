// `npm run bench engine`: the engine's figures. (1) analyze throughput (MB/s, events/s) and peak memory on a
// generated 1M-event tracker transcript, in a child process so its peak RSS is its own; with
// BENCH_ANALYZE_BASELINE=path/to/another/build/dist/cli.js (an earlier commit's build), both builds analyze the same
// file in alternating rounds and the ratio is printed, so a change is measured against its before in the same run;
// (2) the recording proxy's request/response throughput and added latency (p50/p99) against a direct connection;
// with BENCH_PROXY_BASELINE=path/to/another/build/dist/cli.js, the `record` verb of both builds, each in its own
// process, under the same load in alternating rounds, and the ratio (the cost of a change to the recorder, same run).
// A second analysis through the binary sidecar the first built is measured too; BENCH_TEN_MILLION=1 adds a 10M-event
// (1.4 GB) transcript, plain, building the sidecar and through it, with each one's peak RSS.
import { median } from './stats';
import { bareRelay } from './bare-relay';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startRecorder } from '../extension/core/record';

const HEADER = '{"type":"header","format":"incident-replay/transcript","version":1,"protocol":"mogilefs","startedAt":"2026-01-01T00:00:00Z","clock":"us"}';

async function generate(file: string, events: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${HEADER}\n`);
  let t = 0;
  for (let i = 0; i < events / 2; i++) {
    const c = (i % 100) + 1;
    const s = `{"t":${(t += 37)},"c":${c},"k":"c2s","d":"get_paths domain=mail&key=msg%3A${i}\\r\\n"}\n{"t":${(t += 41)},"c":${c},"k":"s2c","d":"OK paths=2&path1=http%3A%2F%2F127.0.0.1%3A7500%2Fdev1%2F0%2F000%2F000%2F${String(i).padStart(10, '0')}.fid&path2=http%3A%2F%2F127.0.0.1%3A7500%2Fdev2%2F0%2F000%2F000%2F${String(i).padStart(10, '0')}.fid\\r\\n"}\n`;
    if (!out.write(s)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

const OURS = join(__dirname, '..', 'dist', 'cli.js');

/**
 * The floor analyze is measured against, in the same run: reading the file in 1 MiB chunks, cutting it at newlines
 * and `JSON.parse` of each line, doing nothing with the result (what any JSON Lines tool pays before any work).
 */
async function jsonFloorInChild(file: string): Promise<{ seconds: number; lines: number }> {
  const script = `
    const fs = require('node:fs');
    const t0 = process.hrtime.bigint();
    let lines = 0, rest = '';
    const s = fs.createReadStream(process.argv[1], { highWaterMark: 1 << 20 });
    s.on('data', (chunk) => {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) break;
        const text = rest ? rest + chunk.toString('utf8', start, nl) : chunk.toString('utf8', start, nl);
        rest = '';
        JSON.parse(text);
        lines++;
        start = nl + 1;
      }
      rest += chunk.toString('utf8', start);
    });
    s.on('end', () => process.stdout.write(JSON.stringify({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, lines })));`;
  const child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((r) => child.on('close', r));
  return JSON.parse(out);
}

async function analyzeInChild(file: string, cli = OURS, sidecarDir?: string): Promise<{ seconds: number; rssMiB: number; events: number }> {
  const opts = sidecarDir ? JSON.stringify({ sidecar: { dir: sidecarDir } }) : '{}';
  const script = `
    const { analyzeTranscript } = require(${JSON.stringify(cli)}).engine;
    const t0 = process.hrtime.bigint();
    analyzeTranscript(process.argv[1], ${opts}).then((a) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      process.stdout.write(JSON.stringify({ seconds, rssMiB: process.resourceUsage().maxRSS / 1024, events: a.events }));
    });`;
  const child = spawn(process.execPath, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((r) => child.on('close', r));
  return JSON.parse(out);
}

/** A server that answers each line with one line, like a tracker with an instant metadata store. */
async function answeringServer(): Promise<{ port: number; close: () => void }> {
  const socks = new Set<Socket>();
  const server = createServer((s) => {
    socks.add(s);
    s.setNoDelay(true);
    let pending = '';
    s.on('data', (d: Buffer) => {
      pending += d.toString('latin1');
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        pending = pending.slice(nl + 1);
        s.write('OK paths=1&path1=http://127.0.0.1:7500/dev1/0/000/000/0000000001.fid\r\n');
      }
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as { port: number }).port, close: () => (socks.forEach((s) => s.destroy()), server.close()) };
}

/** The `record` verb of a build (`cli`: its dist/cli.js) in its own process, in front of `target`. */
async function recorderProcess(cli: string, target: number, out: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [cli, 'record', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${target}`, '--out', out, '--protocol', 'mogilefs'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      const m = /recording 127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`record exited ${code}: ${err}`)));
  });
  return {
    port,
    stop: () =>
      new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/** `clients` connections, each one request at a time for `ms`; returns requests/s and latency percentiles (µs). */
async function load(port: number, clients: number, ms: number) {
  const lat: number[] = [];
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const s = connect({ host: '127.0.0.1', port });
      s.setNoDelay(true);
      await new Promise((r) => s.once('connect', r));
      let waiter: (() => void) | null = null;
      s.on('data', () => waiter?.());
      while (performance.now() < end) {
        const t0 = performance.now();
        await new Promise<void>((r) => {
          waiter = r;
          s.write('get_paths domain=mail&key=msg%3A1\r\n');
        });
        lat.push((performance.now() - t0) * 1000);
      }
      s.destroy();
    }),
  );
  lat.sort((a, b) => a - b);
  const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))];
  return { rps: lat.length / (ms / 1000), p50: p(0.5), p99: p(0.99) };
}

export default async function engineBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'incident-replay-bench-'));
  try {
    const file = join(dir, 'gen.transcript.jsonl');
    const events = 1_000_000;
    await generate(file, events);
    const mb = statSync(file).size / 1e6;
    // three rounds, analyze and the JSON floor alternating, the ratio taken within each round
    const rounds: Array<{ a: Awaited<ReturnType<typeof analyzeInChild>>; floor: Awaited<ReturnType<typeof jsonFloorInChild>> }> = [];
    for (let round = 0; round < 3; round++) rounds.push({ floor: await jsonFloorInChild(file), a: await analyzeInChild(file) });
    const a = { seconds: median(rounds.map((r) => r.a.seconds)), rssMiB: median(rounds.map((r) => r.a.rssMiB)), events: rounds[0].a.events };
    const floorSeconds = median(rounds.map((r) => r.floor.seconds));
    const floorRatios = rounds.map((r) => r.floor.seconds / r.a.seconds);
    console.log(
      `analyze, ${events.toLocaleString('en-US')} events (${mb.toFixed(0)} MB), median of 3 rounds: ${a.seconds.toFixed(2)} s, ${(mb / a.seconds).toFixed(1)} MB/s, ${Math.round(a.events / a.seconds).toLocaleString('en-US')} events/s, peak RSS ${a.rssMiB.toFixed(0)} MiB`,
    );
    console.log(
      `  the JSON floor (read, cut at newlines, JSON.parse each line): ${(mb / floorSeconds).toFixed(1)} MB/s; analyze / floor ${median(floorRatios).toFixed(2)}× (rounds ${floorRatios.map((r) => r.toFixed(2)).join(', ')})`,
    );
    // a second analysis, through the binary sidecar the first one built: no JSON parsed
    const sidecars = join(dir, 'sidecars');
    const building = await analyzeInChild(file, OURS, sidecars);
    const again: Array<Awaited<ReturnType<typeof analyzeInChild>>> = [];
    for (let round = 0; round < 3; round++) again.push(await analyzeInChild(file, OURS, sidecars));
    const s2 = median(again.map((r) => r.seconds));
    console.log(
      `  with the sidecar: the analysis that builds it ${building.seconds.toFixed(2)} s (${(building.seconds / a.seconds).toFixed(2)}× a plain one); ` +
        `a second analysis, median of 3: ${s2.toFixed(2)} s, ${Math.round(a.events / s2).toLocaleString('en-US')} events/s (${(a.seconds / s2).toFixed(2)}× a plain one), peak RSS ${median(again.map((r) => r.rssMiB)).toFixed(0)} MiB`,
    );
    if (process.env.BENCH_TEN_MILLION) {
      // the production size: 10M events (1.4 GB), once each way; memory must stay flat
      const big = join(dir, 'ten.transcript.jsonl');
      await generate(big, 10_000_000);
      const plain = await analyzeInChild(big);
      const built = await analyzeInChild(big, OURS, sidecars);
      const side = await analyzeInChild(big, OURS, sidecars);
      const gb = statSync(big).size / 1e9;
      for (const [what, r] of [
        ['plain', plain],
        ['building the sidecar', built],
        ['from the sidecar', side],
      ] as const) {
        console.log(
          `analyze, 10,000,000 events (${gb.toFixed(2)} GB), ${what}: ${r.seconds.toFixed(1)} s, ${Math.round(r.events / r.seconds).toLocaleString('en-US')} events/s, peak RSS ${r.rssMiB.toFixed(0)} MiB`,
        );
      }
      rmSync(big);
    }
    const baseline = process.env.BENCH_ANALYZE_BASELINE;
    if (baseline) {
      const ours: number[] = [];
      const theirs: number[] = [];
      const rss: number[][] = [[], []];
      for (let round = 0; round < 5; round++) {
        const x = await analyzeInChild(file);
        const y = await analyzeInChild(file, baseline);
        ours.push(x.seconds);
        theirs.push(y.seconds);
        rss[0].push(x.rssMiB);
        rss[1].push(y.rssMiB);
      }
      const ratios = ours.map((o, i) => theirs[i] / o);
      console.log(
        `  against ${baseline}, 5 alternating rounds: this build ${(mb / median(ours)).toFixed(1)} MB/s (peak RSS ${median(rss[0]).toFixed(0)} MiB), ` +
          `baseline ${(mb / median(theirs)).toFixed(1)} MB/s (peak RSS ${median(rss[1]).toFixed(0)} MiB); throughput ratio this/baseline, median of rounds ${median(ratios).toFixed(3)} (${ratios.map((r) => r.toFixed(2)).join(', ')})`,
      );
    }

    const server = await answeringServer();
    const seconds = Number(process.env.BENCH_SECONDS ?? 4);
    for (const clients of [1, 8]) {
      const direct = await load(server.port, clients, seconds * 1000);
      const relay = await bareRelay(server.port);
      const piped = await load(relay.port, clients, seconds * 1000);
      relay.close();
      const rec = await startRecorder({
        listen: '127.0.0.1:0',
        target: `127.0.0.1:${server.port}`,
        out: join(dir, `proxy-${clients}.transcript.jsonl`),
        protocol: 'mogilefs',
      });
      const proxied = await load(rec.address.port, clients, seconds * 1000);
      await rec.close();
      console.log(
        `proxy, ${clients} client${clients > 1 ? 's' : ''} one request at a time, ${seconds} s each: direct ${Math.round(direct.rps).toLocaleString('en-US')} req/s (p50 ${direct.p50.toFixed(0)} µs, p99 ${direct.p99.toFixed(0)} µs); ` +
          `through the recording proxy ${Math.round(proxied.rps).toLocaleString('en-US')} req/s (p50 ${proxied.p50.toFixed(0)} µs, p99 ${proxied.p99.toFixed(0)} µs); ` +
          `throughput ratio ${(proxied.rps / direct.rps).toFixed(2)}, added p50 ${(proxied.p50 - direct.p50).toFixed(0)} µs, added p99 ${(proxied.p99 - direct.p99).toFixed(0)} µs`,
      );
      console.log(
        `  for reference, a bare socket.pipe relay that records nothing: ${Math.round(piped.rps).toLocaleString('en-US')} req/s (ratio ${(piped.rps / direct.rps).toFixed(2)} of direct, p50 ${piped.p50.toFixed(0)} µs); ` +
          `the recording proxy reaches ${(proxied.rps / piped.rps).toFixed(2)} of it`,
      );
    }
    const proxyBaseline = process.env.BENCH_PROXY_BASELINE;
    if (proxyBaseline) {
      for (const clients of [1, 8]) {
        const ours: number[] = [];
        const theirs: number[] = [];
        for (let round = 0; round < 3; round++) {
          for (const [cli, into] of [
            [OURS, ours],
            [proxyBaseline, theirs],
          ] as const) {
            const rec = await recorderProcess(cli, server.port, join(dir, `p-${clients}-${round}-${into === ours ? 'a' : 'b'}.transcript.jsonl`));
            into.push((await load(rec.port, clients, seconds * 1000)).rps);
            await rec.stop();
          }
        }
        const ratios = ours.map((o, i) => o / theirs[i]);
        console.log(
          `  record as a process, ${clients} client${clients > 1 ? 's' : ''}, 3 alternating rounds of ${seconds} s: this build ${Math.round(median(ours)).toLocaleString('en-US')} req/s, ` +
            `${proxyBaseline} ${Math.round(median(theirs)).toLocaleString('en-US')} req/s; ratio this/baseline, median ${median(ratios).toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(', ')})`,
        );
      }
    }
    server.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
