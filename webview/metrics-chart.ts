// One shard's chart: working set and RAM over time (uPlot), with the spells over RAM shaded, the forecast band
// (dashed centre line, shaded spread) from the last sample, the notes as dotted verticals, and the alert, the
// crossover and NO RELIEF as marks told apart by colour, dash, marker and word (chart-marks.ts), the time the pages
// stayed held faintly shaded. It shows the time window the page gives it; a drag across it, the wheel and a
// double-click are handed to the page, which keeps every shard's chart on one window. What is drawn is kept on the
// element for tests: data-x-min/data-x-max (epoch seconds), data-y-min/data-y-max (bytes), data-marks (JSON of the
// marks as drawn), and data-crossover-x, data-alert-x, data-no-relief-x, data-no-relief-end-x (canvas pixels).
import uPlot from 'uplot';
import { formatSize } from '../extension/core/metrics/units';
import { isoTime } from '../extension/core/metrics/time';
import { shardMarksLine } from '../extension/core/metrics/words';
import { drawMarks, stripHeight, type Mark } from './chart-marks';
import { axis, vline, type ChartTheme } from './chart-theme';
import type { TimeWindow } from './metrics-window';
import type { MetricsPayload, MetricsShardChart } from './protocol';

export interface ShardChartInput {
  chart: MetricsShardChart;
  notes: MetricsPayload['notes'];
  unitStyle: MetricsPayload['unitStyle'];
  workingSet: string;
  width: number;
  height: number;
  /** a drag across the plot: the window it spans */
  onSelect(w: TimeWindow): void;
  /** the wheel over the plot: zoom by factor around the time under the pointer */
  onWheel(atSec: number, factor: number): void;
  onDoubleClick(): void;
}

/** Wheel zoom per pixel of scroll: a notch (100 px) zooms by about 14%. */
const WHEEL_RATE = 0.0015;

export class ShardChartView {
  readonly root: HTMLElement;
  private readonly holder: HTMLElement;
  private plot: uPlot;
  private readonly wanted: Mark[] = [];
  private fromZero = false;

  constructor(
    parent: HTMLElement,
    private readonly i: ShardChartInput,
    private window: TimeWindow,
    private theme: ChartTheme,
  ) {
    const doc = parent.ownerDocument;
    const c = i.chart;
    this.root = doc.createElement('section');
    this.root.className = 'shard-chart';
    this.root.dataset.shard = c.shard;
    const title = doc.createElement('h3');
    title.textContent = titleText(c);
    this.holder = doc.createElement('div');
    this.holder.title = 'Drag across the plot or turn the wheel to zoom; double-click for the incident window, again for the full range';
    this.root.append(title, this.holder);
    if (c.alertSec !== null) this.wanted.push({ kind: 'alert', tSec: c.alertSec });
    if (c.crossoverSec !== null) this.wanted.push({ kind: 'crossover', tSec: c.crossoverSec });
    if (c.noRelief) this.wanted.push({ kind: 'no-relief', tSec: c.noRelief.startSec });
    parent.append(this.root); // in the page before uPlot measures anything
    this.plot = this.build(i.width);
  }

  /** Shows a time window: the x scale, and the y scale fitted to what is in it (from zero on the full range). */
  setWindow(w: TimeWindow, fromZero = this.fromZero): void {
    this.window = w;
    this.fromZero = fromZero;
    const [min, max] = yRange(this.i.chart, w, fromZero);
    this.plot.batch(() => {
      this.plot.setScale('x', { min: w.startSec, max: w.endSec });
      this.plot.setScale('y', { min, max });
    });
  }

  /** New colours: uPlot keeps its series and axis colours from construction, so the plot is built again. */
  setTheme(t: ChartTheme): void {
    this.theme = t;
    const width = this.plot.width;
    this.plot.destroy();
    this.plot = this.build(width);
  }

  setWidth(width: number): void {
    this.plot.setSize({ width, height: this.plot.height });
  }

  dispose(): void {
    this.plot.destroy();
  }

  private build(width: number): uPlot {
    const c = this.i.chart;
    const t = this.theme;
    const size = (v: number | null) => (v === null ? '–' : formatSize(v, this.i.unitStyle, 2));
    const opts: uPlot.Options = {
      width,
      height: this.i.height,
      // the strip above the plot for the marks' markers and words: as many rows as the window needs
      padding: [(u) => stripHeight(u, this.wanted, this.theme), null, null, null],
      // the window is the page's: whatever is set is shown as is
      scales: { x: { time: true, range: (_u, min, max) => [min, max] }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.08] } },
      axes: [
        axis(t),
        axis(t, {
          values: (_u, splits, _a, _s, incr) => splits.map((v) => formatSize(v, this.i.unitStyle, sizeDigits(splits, incr, this.i.unitStyle))),
          size: 70,
        }),
      ],
      series: [
        { label: 'time', value: (_u, v) => (v === null ? '–' : isoTime(v)) },
        { label: `working set (${this.i.workingSet})`, stroke: t.blue, width: 2, value: (_u, v) => size(v) },
        { label: 'RAM', stroke: t.dim, width: 1.5, dash: [6, 4], points: { show: false }, value: (_u, v) => size(v) },
      ],
      legend: { show: true },
      cursor: {
        // the drag only selects; the page zooms every chart to it (setSelect below)
        drag: { x: true, y: false, setScale: false },
        // uPlot's double-click goes back to the data's range; here it steps between the page's windows
        bind: {
          dblclick: () => (e) => {
            if (e.button === 0) this.i.onDoubleClick();
            return null;
          },
        },
      },
      hooks: {
        draw: [(u) => this.marks(u)],
        setSelect: [(u) => this.selected(u)],
      },
    };
    const plot = new uPlot(opts, [c.tSec, c.workingSetBytes, c.ramBytes], this.holder);
    plot.over.addEventListener('wheel', (e) => this.wheel(plot, e), { passive: false });
    this.plot = plot;
    this.setWindow(this.window);
    return plot;
  }

  private selected(u: uPlot): void {
    const { left, width } = u.select;
    if (width < 3) return; // a click, or the select uPlot restores when it redraws
    const w = { startSec: u.posToVal(left, 'x'), endSec: u.posToVal(left + width, 'x') };
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.i.onSelect(w);
  }

  private wheel(u: uPlot, e: WheelEvent): void {
    e.preventDefault();
    const r = u.over.getBoundingClientRect();
    const atSec = u.posToVal(e.clientX - r.left, 'x');
    const px = e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? r.height : 1);
    this.i.onWheel(atSec, Math.exp(px * WHEEL_RATE));
  }

  private marks(u: uPlot): void {
    const c = this.i.chart;
    const t = this.theme;
    const ctx = u.ctx;
    const x = (sec: number) => u.valToPos(sec, 'x', true);
    const y = (bytes: number) => u.valToPos(bytes, 'y', true);
    const { left, top, width, height } = u.bbox;
    const data = this.root.dataset;
    data.xMin = String(u.scales.x.min);
    data.xMax = String(u.scales.x.max);
    data.yMin = String(u.scales.y.min);
    data.yMax = String(u.scales.y.max);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    // spells over RAM: a faint red ground
    ctx.fillStyle = t.marks.crossover;
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
    // the time the pages stayed held after NO RELIEF (only when the file shows them released)
    delete data.noReliefEndX;
    if (c.noRelief && c.noRelief.endSec !== null) {
      const a = x(c.noRelief.startSec);
      const b = x(c.noRelief.endSec);
      ctx.fillStyle = t.marks.noRelief;
      ctx.globalAlpha = 0.15;
      ctx.fillRect(a, top, Math.max(1, b - a), height);
      data.noReliefEndX = String(Math.round(b));
    }
    ctx.restore();
    for (const n of this.i.notes) if (n.shard === null || n.shard === c.shard) vline(u, x(n.tSec), t.marks.note, 1, [2, 3]);
    const drawn = drawMarks(u, this.wanted, t);
    const at = (k: Mark['kind']) => drawn.find((m) => m.kind === k)?.x;
    setOrDelete(data, 'alertX', at('alert'));
    setOrDelete(data, 'crossoverX', at('crossover'));
    setOrDelete(data, 'noReliefX', at('no-relief'));
    data.marks = JSON.stringify(drawn);
  }
}

function setOrDelete(data: DOMStringMap, key: string, v: number | undefined): void {
  if (v === undefined) delete data[key];
  else data[key] = String(Math.round(v));
}

/** What the chart's marks stand for, in words. */
function titleText(c: MetricsShardChart): string {
  return `${c.shard}: ${shardMarksLine(c)}`;
}

/**
 * The y range for a window: from zero on the full range, fitted (with a margin) to what is on screen in the window
 * otherwise (samples, the one just past each edge, forecast points), so a working set a few GB from RAM reads apart.
 */
function yRange(c: MetricsShardChart, w: TimeWindow, fromZero: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const inside = (ts: Float64Array, k: number) => (ts[k + 1] ?? ts[k]) >= w.startSec && (ts[k - 1] ?? ts[k]) <= w.endSec;
  const add = (...vs: number[]) => {
    for (const v of vs) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  };
  for (let k = 0; k < c.tSec.length; k++) if (inside(c.tSec, k)) add(c.workingSetBytes[k], c.ramBytes[k]);
  const b = c.band;
  if (b) for (let k = 0; k < b.tSec.length; k++) if (inside(b.tSec, k)) add(b.low[k], b.high[k]);
  if (!Number.isFinite(lo)) return [0, 1];
  if (fromZero) return [0, Math.max(1, hi) * 1.08];
  const margin = Math.max((hi - lo) * 0.1, hi * 0.02, 1);
  return [Math.max(0, lo - margin), hi + margin];
}

/** Decimals for a size axis: enough that ticks incr bytes apart do not print alike. */
function sizeDigits(splits: number[], incr: number, style: MetricsPayload['unitStyle']): number {
  const base = style === 'iec' ? 1024 : 1000;
  const top = Math.max(...splits.map(Math.abs));
  const unit = top >= base ? base ** Math.floor(Math.log(top) / Math.log(base)) : 1;
  return Math.min(3, Math.max(0, Math.ceil(-Math.log10(incr / unit) - 1e-9)));
}
