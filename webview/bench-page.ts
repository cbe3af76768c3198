// The bench page: throughput and p99 latency against concurrency, one line per target and workload (uPlot, a log2
// concurrency axis), levels with failed statements ringed in red, and the same numbers as a table beneath.
import uPlot from 'uplot';
import { axis, readChartTheme, type ChartTheme } from './chart-theme';
import type { BenchLine, BenchPayload } from './protocol';

const HEIGHT = 260;

export class BenchPage {
  private readonly plots: uPlot[] = [];
  private readonly observer: ResizeObserver;

  constructor(root: HTMLElement, p: BenchPayload) {
    const doc = root.ownerDocument;
    const runs = doc.createElement('ul');
    runs.id = 'bench-runs';
    for (const r of p.runs) {
      const li = doc.createElement('li');
      li.textContent = r;
      runs.append(li);
    }
    const charts = doc.createElement('div');
    charts.id = 'bench-charts';
    root.append(runs, charts);
    const theme = readChartTheme(doc.body);
    const width = () => Math.max(300, Math.floor((charts.clientWidth - 16) / (charts.clientWidth > 900 ? 2 : 1)));
    const throughput = (s: BenchLine) => s.throughput;
    const p99Ms = (s: BenchLine) => s.p99Us.map((us) => us / 1000);
    this.plots.push(
      chart(charts, 'bench-throughput', 'Throughput (statements per second)', p, throughput, theme, width(), (v) =>
        v.toLocaleString('en-US', { maximumFractionDigits: 0 }),
      ),
      chart(charts, 'bench-p99', 'p99 latency (ms)', p, p99Ms, theme, width(), (v) => v.toLocaleString('en-US', { maximumFractionDigits: 2 })),
    );
    root.append(table(doc, p));
    let last = width();
    this.observer = new ResizeObserver(() => {
      const w = width();
      if (w === last) return;
      last = w;
      for (const u of this.plots) u.setSize({ width: w, height: HEIGHT });
    });
    this.observer.observe(charts);
  }

  get items(): number {
    return this.plots.length;
  }

  dispose(): void {
    this.observer.disconnect();
    for (const u of this.plots) u.destroy();
  }
}

function chart(
  parent: HTMLElement,
  id: string,
  title: string,
  p: BenchPayload,
  pick: (s: BenchLine) => number[],
  t: ChartTheme,
  width: number,
  fmt: (v: number) => string,
): uPlot {
  const doc = parent.ownerDocument;
  const box = doc.createElement('section');
  box.id = id;
  box.className = 'bench-chart';
  const h = doc.createElement('h3');
  h.textContent = title;
  const holder = doc.createElement('div');
  box.append(h, holder);
  parent.append(box);
  const column = (s: BenchLine) => {
    const ys = pick(s);
    return p.levels.map((c) => {
      const i = s.concurrency.indexOf(c);
      return i < 0 ? null : ys[i];
    });
  };
  const opts: uPlot.Options = {
    width,
    height: HEIGHT,
    scales: { x: { time: false, distr: 3, log: 2 }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      axis(t, { label: 'concurrency', values: (_u, splits) => splits.map((v) => String(v)) }),
      axis(t, { values: (_u, splits) => splits.map(fmt), size: 70 }),
    ],
    series: [
      { label: 'concurrency' },
      ...p.series.map((s, k) => ({
        label: s.label,
        stroke: t.cycle[k % t.cycle.length],
        width: 2,
        spanGaps: true,
        points: { show: true, size: 6 },
        value: (_u: uPlot, v: number | null) => (v === null ? '–' : fmt(v)),
      })),
    ],
    hooks: { draw: [(u) => ringErrors(u, p, t)] },
  };
  return new uPlot(opts, [p.levels, ...p.series.map(column)], holder);
}

/** A red ring round every point whose level had failed statements: errors are never drawn as if clean. */
function ringErrors(u: uPlot, p: BenchPayload, t: ChartTheme): void {
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = t.red;
  ctx.lineWidth = 2 * devicePixelRatio;
  p.series.forEach((s, k) => {
    const ys = u.data[k + 1];
    s.errors.forEach((n, i) => {
      const xi = p.levels.indexOf(s.concurrency[i]);
      const y = ys[xi];
      if (n <= 0 || y === null || y === undefined) return;
      ctx.beginPath();
      ctx.arc(u.valToPos(s.concurrency[i], 'x', true), u.valToPos(y, 'y', true), 7 * devicePixelRatio, 0, 2 * Math.PI);
      ctx.stroke();
    });
  });
  ctx.restore();
}

function table(doc: Document, p: BenchPayload): HTMLTableElement {
  const t = doc.createElement('table');
  t.id = 'bench-table';
  const head = t.createTHead().insertRow();
  for (const h of ['series', 'concurrency', 'throughput /s', 'p99 ms', 'errors']) {
    const th = doc.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  const body = t.createTBody();
  for (const s of p.series) {
    s.concurrency.forEach((c, i) => {
      const r = body.insertRow();
      r.dataset.series = s.label;
      if (s.errors[i] > 0) r.dataset.errors = String(s.errors[i]);
      for (const v of [s.label, String(c), s.throughput[i].toFixed(0), (s.p99Us[i] / 1000).toFixed(2), String(s.errors[i])]) r.insertCell().textContent = v;
    });
  }
  return t;
}
