// The extension host's thread while a timeline loads: the generated 1M-event transcript's model read in the calling
// thread (openTimeline, as the editor did) and on a worker thread (openTimelineOffThread, as it does now), each chunk
// structured-cloned as a webview post would. Prints, per round, the wall time and how late the calling thread's
// event loop ran meanwhile (perf_hooks' event-loop delay, 5 ms resolution: p50, p99, max): how long every other
// extension and command waited. The in-thread run is the anchor. Needs dist/timeline-worker.js (npm run bench builds
// it). BENCH_HOST_EVENTS sets the size, BENCH_ROUNDS the rounds (default 3). Asserts nothing.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { openTimeline, openTimelineOffThread, type PackedChunk } from '../extension/core/timeline';
import { freshDir, writeSynthetic } from '../test/helpers/timeline-fixtures';
import { median } from './stats';

const WORKER = resolve(__dirname, '..', 'dist', 'timeline-worker.js');

interface Run {
  wallMs: number;
  p50: number;
  p99: number;
  max: number;
}

async function once(file: string, onWorker: boolean): Promise<Run> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const onChunk = (c: PackedChunk): void => void structuredClone(c);
  delay.enable();
  const t0 = performance.now();
  const built = onWorker
    ? await openTimelineOffThread(file, { workerFile: WORKER, lenient: true, onChunk })
    : await openTimeline(file, { lenient: true, onChunk });
  const wallMs = performance.now() - t0;
  delay.disable();
  await built.details.dispose();
  const ms = (ns: number) => ns / 1e6;
  return { wallMs, p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) };
}

export default async function hostThreadBench(): Promise<void> {
  const events = Number(process.env.BENCH_HOST_EVENTS ?? 1_000_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const file = join(freshDir('ir-bench-host-'), 'synthetic.transcript.jsonl');
  await writeSynthetic(file, { events, connections: 16, desyncEvery: 20_000 });
  console.log(`timeline model of ${events.toLocaleString('en-US')} generated events, read in the calling thread and on a worker thread, ${rounds} rounds`);
  const line = (what: string, r: Run) =>
    `    ${what.padEnd(22)} wall ${(r.wallMs / 1000).toFixed(2)} s   calling thread's event-loop delay p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`;
  const ratios = { wall: [] as number[], p99: [] as number[], max: [] as number[] };
  for (let round = 1; round <= rounds; round++) {
    console.log(`  round ${round}`);
    const here = await once(file, false);
    console.log(line('in the calling thread', here));
    const there = await once(file, true);
    console.log(line('on a worker thread', there));
    ratios.wall.push(there.wallMs / here.wallMs);
    ratios.p99.push(there.p99 / here.p99);
    ratios.max.push(there.max / here.max);
  }
  const show = (xs: number[]) => `${median(xs).toFixed(2)} (rounds: ${xs.map((x) => x.toFixed(2)).join(', ')})`;
  console.log(`  worker / calling thread (median): wall ${show(ratios.wall)}; delay p99 ${show(ratios.p99)}; delay max ${show(ratios.max)}`);
}
