// Colours and fonts for the uPlot charts, read from VS Code's theme variables (a canvas cannot use CSS variables),
// and the axis and series options that follow from them, so dark, light and high-contrast themes all work. The
// shard chart's marks get a colour each that reads apart from the others in the theme at hand.
import type uPlot from 'uplot';

export interface MarkColours {
  alert: string;
  crossover: string;
  noRelief: string;
  note: string;
}

export interface ChartTheme {
  foreground: string;
  background: string;
  dim: string;
  grid: string;
  blue: string;
  red: string;
  orange: string;
  green: string;
  purple: string;
  yellow: string;
  /** series colours in turn, for charts with one line per target */
  cycle: string[];
  marks: MarkColours;
  font: string;
}

export function readChartTheme(el: Element): ChartTheme {
  const style = getComputedStyle(el);
  const fallback = style.color || 'CanvasText';
  const v = (name: string) => style.getPropertyValue(name).trim() || fallback;
  const t = {
    foreground: v('--vscode-editor-foreground'),
    background: style.getPropertyValue('--vscode-editor-background').trim() || 'Canvas',
    dim: v('--vscode-descriptionForeground'),
    grid: v('--vscode-editorWidget-border'),
    blue: v('--vscode-charts-blue'),
    red: v('--vscode-charts-red'),
    orange: v('--vscode-charts-orange'),
    green: v('--vscode-charts-green'),
    purple: v('--vscode-charts-purple'),
    yellow: v('--vscode-charts-yellow'),
  };
  const size = style.getPropertyValue('--vscode-font-size').trim() || '12px';
  const family = style.getPropertyValue('--vscode-font-family').trim() || 'sans-serif';
  return { ...t, cycle: [t.blue, t.orange, t.green, t.purple, t.yellow, t.red], marks: markColours(t), font: `${size} ${family}` };
}

/**
 * NO RELIEF is yellow where the theme's yellow reads apart from its orange (the alert) and red (the crossover). In
 * the light themes the two are a few units of ΔE apart (#bf8803 and #d18616), so it takes purple there, and the
 * notes, purple elsewhere, take the dim text colour. Themes are judged by their colours, not by their name.
 */
function markColours(t: Pick<ChartTheme, 'red' | 'orange' | 'yellow' | 'purple' | 'dim' | 'foreground'>): MarkColours {
  const taken = [t.orange, t.red];
  const noRelief = [t.yellow, t.purple, t.foreground].find((c) => taken.every((o) => deltaE(c, o) >= MIN_DELTA_E)) ?? t.yellow;
  return { alert: t.orange, crossover: t.red, noRelief, note: noRelief === t.purple ? t.dim : t.purple };
}

/** CIE76 ΔE under which two thin lines of these colours are easily taken for each other. */
const MIN_DELTA_E = 20;

/** The CIE76 distance of two CSS colours (any syntax the canvas understands), in CIELAB. */
export function deltaE(a: string, b: string): number {
  const p = lab(a);
  const q = lab(b);
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

let probe: CanvasRenderingContext2D | null = null;

/** sRGB 0–255 of a CSS colour, through a canvas, which turns any syntax into #rrggbb or rgba(…). */
export function rgb(colour: string): [number, number, number] {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return [0, 0, 0];
  probe.fillStyle = '#000000';
  probe.fillStyle = colour;
  const s = String(probe.fillStyle);
  if (s.startsWith('#')) {
    const n = parseInt(s.slice(1, 7), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const m = s.match(/[\d.]+/g) ?? [];
  return [Number(m[0] ?? 0), Number(m[1] ?? 0), Number(m[2] ?? 0)];
}

function lab(colour: string): [number, number, number] {
  const [r, g, b] = rgb(colour).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const f = (x: number) => (x > 216 / 24389 ? Math.cbrt(x) : ((24389 / 27) * x + 16) / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

export function axis(t: ChartTheme, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    stroke: t.foreground,
    font: t.font,
    labelFont: t.font,
    grid: { stroke: t.grid, width: 1 },
    ticks: { stroke: t.grid, width: 1 },
    ...extra,
  };
}

/** A vertical line across the plot area at x (canvas pixels), in the given colour and dash. */
export function vline(u: uPlot, x: number, colour: string, width: number, dash: number[] = []): void {
  const ctx = u.ctx;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = width * devicePixelRatio;
  ctx.setLineDash(dash.map((d) => d * devicePixelRatio));
  ctx.beginPath();
  ctx.moveTo(Math.round(x) + 0.5, top);
  ctx.lineTo(Math.round(x) + 0.5, top + height);
  ctx.stroke();
  ctx.restore();
}
