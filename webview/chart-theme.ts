// Colours and fonts for the uPlot charts, read from VS Code's theme variables (a canvas cannot use CSS variables),
// and the axis and series options that follow from them, so dark, light and high-contrast themes all work.
import type uPlot from 'uplot';

export interface ChartTheme {
  foreground: string;
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
  font: string;
}

export function readChartTheme(el: Element): ChartTheme {
  const style = getComputedStyle(el);
  const fallback = style.color || 'CanvasText';
  const v = (name: string) => style.getPropertyValue(name).trim() || fallback;
  const t = {
    foreground: v('--vscode-editor-foreground'),
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
  return { ...t, cycle: [t.blue, t.orange, t.green, t.purple, t.yellow, t.red], font: `${size} ${family}` };
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
