// Loading and analysing a large metrics file: rows per second and peak memory, against only splitting the same
// file into lines (what any reader pays) and against the floor of issue 14: lines split on ',' and the numeric
// cells given to Number(), nothing else. Floor and analysis alternate for a few rounds, the ratio taken within
// each. The file is generated in the temp directory and removed after. Memory should stay flat however many
// rows: the analysis streams; each shard keeps a capped series for the chart. METRICS_BENCH_ROUNDS sets the rounds.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeMetricsFile } from '../extension/core/metrics';
import { readLines } from '../extension/core/transcript/lines';
import { median } from './stats';

const SHARDS = 10;
const ROWS = Number(process.env.METRICS_BENCH_ROWS ?? 3_000_000);
const ROUNDS = Number(process.env.METRICS_BENCH_ROUNDS ?? 3);

async function generate(file: string): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('time,shard,data_bytes,index_bytes,ram_bytes,chunks,note\n');
  const t0 = 1_286_200_800;
  let buf = '';
  for (let i = 0; i < ROWS / SHARDS; i++) {
    for (let s = 0; s < SHARDS; s++) {
      const data = 30e9 + i * (1000 + s * 100) + ((i * 7919 + s * 104729) % 50_000);
      buf += `${t0 + i * 10},shard${s},${data},${Math.round(data * 0.06)},64GiB,${100 + (i >> 12)},\n`;
    }
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((r) => out.end(() => r()));
}

/**
 * The floor: the file read in 1 MiB chunks, cut at newlines, each line split on ',' and Number() of its numeric
 * cells (time, data_bytes, index_bytes, chunks; ram_bytes's number before its unit, by parseFloat). The columns
 * are those `generate` writes; the sum only keeps the work from being optimised away.
 */
async function splitFloor(file: string): Promise<{ rows: number; sum: number }> {
  let carry: Buffer | null = null;
  let rows = 0;
  let sum = 0;
  let header = true;
  for await (const raw of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const chunk: Buffer = carry ? Buffer.concat([carry, raw]) : raw;
    carry = null;
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      const line = chunk.toString('utf8', start, nl);
      start = nl + 1;
      if (header) {
        header = false;
        continue;
      }
      const c = line.split(',');
      sum += Number(c[0]) + Number(c[2]) + Number(c[3]) + parseFloat(c[4]) + Number(c[5]);
      rows++;
    }
    if (start < chunk.length) carry = chunk.subarray(start);
  }
  return { rows, sum };
}

function peakTracker() {
  let rss = 0;
  let heap = 0;
  const take = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  take();
  const timer = setInterval(take, 20);
  return { stop: () => (clearInterval(timer), take(), { rss, heap }) };
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ir-metrics-bench-'));
  try {
    const file = join(dir, 'big.metrics.csv');
    let t = performance.now();
    await generate(file);
    const size = (await stat(file)).size;
    console.log(`generated ${ROWS.toLocaleString('en')} rows of ${SHARDS} shards (${mb(size)}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    gc();
    t = performance.now();
    let lines = 0;
    for await (const batch of readLines(file, 1 << 20)) lines += batch.length;
    const splitS = (performance.now() - t) / 1000;
    console.log(`lines only:        ${(lines / splitS / 1e6).toFixed(2)} M lines/s (${splitS.toFixed(2)} s)`);

    const floorRates: number[] = [];
    const rates: number[] = [];
    const ratios: number[] = [];
    let peakRss = 0;
    let peakHeap = 0;
    let base = process.memoryUsage();
    let a: Awaited<ReturnType<typeof analyzeMetricsFile>> | null = null;
    for (let round = 1; round <= ROUNDS; round++) {
      gc();
      t = performance.now();
      const floor = await splitFloor(file);
      const floorS = (performance.now() - t) / 1000;
      gc();
      if (round === 1) base = process.memoryUsage();
      const peak = peakTracker();
      t = performance.now();
      a = await analyzeMetricsFile(file);
      const s = (performance.now() - t) / 1000;
      const p = peak.stop();
      peakRss = Math.max(peakRss, p.rss);
      peakHeap = Math.max(peakHeap, p.heap);
      if (floor.rows !== a.load.samples) console.log(`  (the floor read ${floor.rows} rows, the analysis ${a.load.samples} samples)`);
      floorRates.push(floor.rows / floorS / 1e6);
      rates.push(a.load.samples / s / 1e6);
      ratios.push(rates[rates.length - 1] / floorRates[floorRates.length - 1]);
      console.log(
        `round ${round}: split+Number floor ${floorRates[round - 1].toFixed(2)} M rows/s (${floorS.toFixed(2)} s), ` +
          `load + analyse ${rates[round - 1].toFixed(2)} M rows/s (${s.toFixed(2)} s, ${(s / splitS).toFixed(1)}× line splitting); analysis / floor ${ratios[round - 1].toFixed(2)}`,
      );
    }
    console.log(
      `median of ${ROUNDS} rounds: floor ${median(floorRates).toFixed(2)} M rows/s, load + analyse ${median(rates).toFixed(2)} M rows/s; ` +
        `analysis / floor ${median(ratios).toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(', ')}; issue 14 asks ≥ 0.80)`,
    );
    console.log(
      `peak memory:       rss ${mb(peakRss)} (+${mb(peakRss - base.rss)}), heap ${mb(peakHeap)} (+${mb(peakHeap - base.heapUsed)}) for a ${mb(size)} file`,
    );
    if (!a) return;
    const series = a.shards.reduce((n, x) => n + x.series.length, 0);
    console.log(`chart series kept: ${series.toLocaleString('en')} points over ${a.shards.length} shards (stride ${a.shards[0].series.stride})`);
    console.log(`crossovers: ${a.shards.filter((x) => x.crossover).length}, alerts: ${a.shards.filter((x) => x.alert).length}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
