// Loading and analysing a large metrics file: rows per second and peak memory, against only splitting the same
// file into lines (the floor any reader pays). The file is generated in the temp directory and removed after.
// Memory should stay flat however many rows: the analysis streams; each shard keeps a capped series for the chart.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeMetricsFile } from '../extension/core/metrics';
import { readLines } from '../extension/core/transcript/lines';

const SHARDS = 10;
const ROWS = Number(process.env.METRICS_BENCH_ROWS ?? 3_000_000);

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

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ir-metrics-bench-'));
  try {
    const file = join(dir, 'big.metrics.csv');
    let t = performance.now();
    await generate(file);
    const size = (await stat(file)).size;
    console.log(`generated ${ROWS.toLocaleString('en')} rows of ${SHARDS} shards (${mb(size)}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    (globalThis as { gc?: () => void }).gc?.();
    t = performance.now();
    let lines = 0;
    for await (const batch of readLines(file, 1 << 20)) lines += batch.length;
    const splitS = (performance.now() - t) / 1000;
    console.log(`lines only:        ${(lines / splitS / 1e6).toFixed(2)} M lines/s (${splitS.toFixed(2)} s)`);

    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage();
    const peak = peakTracker();
    t = performance.now();
    const a = await analyzeMetricsFile(file);
    const s = (performance.now() - t) / 1000;
    const p = peak.stop();
    console.log(`load + analyse:    ${(a.load.samples / s / 1e6).toFixed(2)} M rows/s (${s.toFixed(2)} s, ${(s / splitS).toFixed(1)}× line splitting)`);
    console.log(`peak memory:       rss ${mb(p.rss)} (+${mb(p.rss - base.rss)}), heap ${mb(p.heap)} (+${mb(p.heap - base.heapUsed)}) for a ${mb(size)} file`);
    const series = a.shards.reduce((n, x) => n + x.series.length, 0);
    console.log(`chart series kept: ${series.toLocaleString('en')} points over ${a.shards.length} shards (stride ${a.shards[0].series.stride})`);
    console.log(`crossovers: ${a.shards.filter((x) => x.crossover).length}, alerts: ${a.shards.filter((x) => x.alert).length}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
