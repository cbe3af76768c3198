// One shard's chart: working set and RAM over time (uPlot), with the spells over RAM shaded, the forecast band
// from the last sample, the notes as dotted verticals, the alert as a dashed orange vertical, the crossover as a
// red one, and NO RELIEF as a dash-dot yellow one with the time the pages stayed held faintly shaded yellow. Where
// the marks were drawn is kept on the element (data-crossover-x, data-alert-x, data-no-relief-x and
// data-no-relief-end-x: canvas pixels), so a test can check them against the times.
import uPlot from 'uplot';
import { formatSize } from '../extension/core/metrics/units';
import { isoTime } from '../extension/core/metrics/time';
import { axis, vline, type ChartTheme } from './chart-theme';
import type { MetricsPayload, MetricsShardChart } from './protocol';

export interface ShardChartInput {
  chart: MetricsShardChart;
  notes: MetricsPayload['notes'];
  unitStyle: MetricsPayload['unitStyle'];
  workingSet: string;
  /** shared by every shard's chart, so they line up: epoch seconds */
  xRange: [number, number];
  theme: ChartTheme;
  width: number;
  height: number;
}

export class ShardChartView {
  readonly root: HTMLElement;
  readonly plot: uPlot;

  constructor(parent: HTMLElement, i: ShardChartInput) {
    const doc = parent.ownerDocument;
    const c = i.chart;
    this.root = doc.createElement('section');
    this.root.className = 'shard-chart';
    this.root.dataset.shard = c.shard;
    const title = doc.createElement('h3');
    title.textContent = titleText(c);
    const holder = doc.createElement('div');
    this.root.append(title, holder);
    parent.append(this.root); // in the page before uPlot measures anything
    const t = i.theme;
    const size = (v: number) => formatSize(v, i.unitStyle, 0);
    const opts: uPlot.Options = {
      width: i.width,
      height: i.height,
      scales: { x: { time: true, range: i.xRange }, y: { range: [0, yMax(c, i.xRange[1]) * 1.08] } },
      axes: [axis(t), axis(t, { values: (_u, splits) => splits.map(size), size: 70 })],
      series: [
        { label: 'time', value: (_u, v) => (v === null ? '–' : isoTime(v)) },
        { label: `working set (${i.workingSet})`, stroke: t.blue, width: 2, value: (_u, v) => (v === null ? '–' : size(v)) },
        { label: 'RAM', stroke: t.dim, width: 1.5, dash: [6, 4], value: (_u, v) => (v === null ? '–' : size(v)) },
      ],
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      hooks: { draw: [(u) => this.marks(u, i)] },
    };
    this.plot = new uPlot(opts, [c.tSec, c.workingSetBytes, c.ramBytes], holder);
  }

  setWidth(width: number): void {
    this.plot.setSize({ width, height: this.plot.height });
  }

  private marks(u: uPlot, i: ShardChartInput): void {
    const c = i.chart;
    const t = i.theme;
    const ctx = u.ctx;
    const x = (sec: number) => u.valToPos(sec, 'x', true);
    const y = (bytes: number) => u.valToPos(bytes, 'y', true);
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    // spells over RAM: a faint red ground
    ctx.fillStyle = t.red;
    ctx.globalAlpha = 0.12;
    for (const s of c.overSpells) {
      const a = x(s.startSec);
      const b = s.endSec === null ? left + width : x(s.endSec);
      ctx.fillRect(a, top, Math.max(1, b - a), height);
    }
    // the forecast band from the last sample, and its central line
    if (c.band && c.band.tSec.length > 1) {
      const b = c.band;
      ctx.globalAlpha = 0.22;
      ctx.fillStyle = t.blue;
      ctx.beginPath();
      for (let k = 0; k < b.tSec.length; k++) ctx[k ? 'lineTo' : 'moveTo'](x(b.tSec[k]), y(b.high[k]));
      for (let k = b.tSec.length - 1; k >= 0; k--) ctx.lineTo(x(b.tSec[k]), y(b.low[k]));
      ctx.closePath();
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.strokeStyle = t.blue;
      ctx.lineWidth = devicePixelRatio;
      ctx.setLineDash([3 * devicePixelRatio, 3 * devicePixelRatio]);
      ctx.beginPath();
      for (let k = 0; k < b.tSec.length; k++) ctx[k ? 'lineTo' : 'moveTo'](x(b.tSec[k]), y(b.mid[k]));
      ctx.stroke();
    }
    // under the lines and clipped to the plot, like the other grounds
    this.noReliefBand(u, c, t);
    ctx.restore();
    for (const n of i.notes) if (n.shard === null || n.shard === c.shard) vline(u, x(n.tSec), t.purple, 1, [2, 3]);
    delete this.root.dataset.alertX;
    delete this.root.dataset.crossoverX;
    delete this.root.dataset.noReliefX;
    if (c.alertSec !== null) {
      const ax = x(c.alertSec);
      vline(u, ax, t.orange, 2, [6, 3]);
      this.root.dataset.alertX = String(Math.round(ax));
    }
    if (c.crossoverSec !== null) {
      const cx = x(c.crossoverSec);
      vline(u, cx, t.red, 2);
      this.root.dataset.crossoverX = String(Math.round(cx));
    }
    if (c.noRelief) {
      const nx = x(c.noRelief.startSec);
      vline(u, nx, t.yellow, 2, NO_RELIEF_DASH);
      this.root.dataset.noReliefX = String(Math.round(nx));
    }
  }

  /** The time the pages stayed held after NO RELIEF, faintly shaded; only when the file shows them released. */
  private noReliefBand(u: uPlot, c: MetricsShardChart, t: ChartTheme): void {
    delete this.root.dataset.noReliefEndX;
    if (!c.noRelief || c.noRelief.endSec === null) return;
    const a = u.valToPos(c.noRelief.startSec, 'x', true);
    const b = u.valToPos(c.noRelief.endSec, 'x', true);
    const { top, height } = u.bbox;
    u.ctx.fillStyle = t.yellow;
    u.ctx.globalAlpha = 0.15;
    u.ctx.fillRect(a, top, Math.max(1, b - a), height);
    u.ctx.globalAlpha = 1;
    this.root.dataset.noReliefEndX = String(Math.round(b));
  }
}

/** Dash-dot, so NO RELIEF reads apart from the dashed alert and the dotted notes even where colours are close. */
const NO_RELIEF_DASH = [7, 3, 1.5, 3];

/** What the chart's marks stand for, in words: the crossover (red), the alert (orange), NO RELIEF (yellow). */
function titleText(c: MetricsShardChart): string {
  const crossover = c.crossoverSec !== null ? `crosses RAM at ${isoTime(c.crossoverSec)}` : 'stays within RAM';
  const alert = c.alertSec !== null ? `, alert at ${isoTime(c.alertSec)}` : '';
  return `${c.shard}: ${crossover}${alert}${noReliefText(c.noRelief)}`;
}

function noReliefText(r: MetricsShardChart['noRelief']): string {
  if (!r) return '';
  const held = r.endSec !== null ? `until ${isoTime(r.endSec)}` : 'to the end of the file';
  return `, no relief at ${isoTime(r.startSec)} (pages held ${held})`;
}

function yMax(c: MetricsShardChart, xMax: number): number {
  let m = 1;
  for (let k = 0; k < c.tSec.length; k++) m = Math.max(m, c.workingSetBytes[k], c.ramBytes[k]);
  if (c.band) for (let k = 0; k < c.band.tSec.length; k++) if (c.band.tSec[k] <= xMax) m = Math.max(m, c.band.high[k]);
  return m;
}
