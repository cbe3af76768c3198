// What the shard metrics charts expose to the Chromium tests, read back: the window a chart shows, the marks as it
// drew them (its data-windows and data-marks), the pixels of a marker, and a theme change done as VS Code does it.
import assert from 'node:assert/strict';
import type { WebviewHarness } from './harness';

/** A mark as the shard chart drew it (its data-marks): canvas pixels. */
export interface DrawnMark {
  kind: string;
  label: string;
  shape: string;
  dash: string;
  colour: string;
  x: number;
  y: number;
  size: number;
  row: number;
  box: [number, number, number, number];
}

export const HOUR = 3600;
export const SHARD0 = '.shard-chart[data-shard="shard0"]';

/** The time window a chart shows, epoch seconds, as its x scale has it. */
export async function windowOf(h: WebviewHarness, chart: string): Promise<[number, number]> {
  return h.evaluate<[number, number]>(`(() => {
    const d = document.querySelector(${JSON.stringify(chart)}).dataset;
    return [Number(d.xMin), Number(d.xMax)];
  })()`);
}

export async function marksOf(h: WebviewHarness, chart: string): Promise<DrawnMark[]> {
  return JSON.parse((await h.page.locator(chart).getAttribute('data-marks')) ?? '[]') as DrawnMark[];
}

/** Waits (bounded) for the page to have redrawn so that check holds; a redraw is a frame away. */
export async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const end = Date.now() + 5000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const changed = (before: [number, number]) => (w: [number, number]) => w[0] !== before[0] || w[1] !== before[1];

/** Where a chart's canvas pixel x is on the page (CSS pixels), at the middle of its plot. */
export async function clientPoint(h: WebviewHarness, chart: string, canvasX: number): Promise<{ x: number; y: number }> {
  const c = await h.page.locator(`${chart} canvas`).boundingBox();
  const o = await h.page.locator(`${chart} .u-over`).boundingBox();
  const dpr = await h.evaluate<number>('devicePixelRatio');
  assert.ok(c && o);
  return { x: c.x + canvasX / dpr, y: o.y + o.height / 2 };
}

/** The marker's square (its half size around its centre): how much of it, and of its upper and lower thirds, is its colour. */
export async function markerFill(h: WebviewHarness, chart: string, m: DrawnMark): Promise<{ fill: number; upper: number; lower: number }> {
  const rgb = hexRgb(m.colour);
  return h.evaluate(`(() => {
    const c = document.querySelector(${JSON.stringify(`${chart} canvas`)});
    const s = ${m.size}, n = 2 * s + 1;
    const d = c.getContext('2d').getImageData(${m.x} - s, ${m.y} - s, n, n).data;
    let fill = 0, upper = 0, lower = 0;
    for (let i = 0; i < n * n; i++) {
      const near = Math.abs(d[4 * i] - ${rgb[0]}) < 10 && Math.abs(d[4 * i + 1] - ${rgb[1]}) < 10 && Math.abs(d[4 * i + 2] - ${rgb[2]}) < 10 && d[4 * i + 3] > 200;
      if (!near) continue;
      fill++;
      const row = Math.floor(i / n), third = Math.floor(n / 3);
      if (row < third) upper++;
      if (row >= n - third) lower++;
    }
    return { fill: fill / (n * n), upper, lower };
  })()`);
}

export function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.replace('#', '').slice(0, 6), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** VS Code's Light Modern and Dark High Contrast values of the variables the charts read. */
export const LIGHT = {
  '--vscode-editor-background': '#ffffff',
  '--vscode-editor-foreground': '#3b3b3b',
  '--vscode-descriptionForeground': '#3b3b3b',
  '--vscode-editorWidget-border': '#e5e5e5',
  '--vscode-panel-border': '#e5e5e5',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-purple': '#652d90',
};
export const HIGH_CONTRAST = {
  '--vscode-editor-background': '#000000',
  '--vscode-editor-foreground': '#ffffff',
  '--vscode-descriptionForeground': '#ffffff',
  '--vscode-editorWidget-border': '#6fc3df',
  '--vscode-panel-border': '#6fc3df',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-red': '#f48771',
  '--vscode-charts-orange': '#ab5a00',
  '--vscode-charts-yellow': '#ffd370',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
};

/** What VS Code does on a theme change: the variables on the root's style, the kind on the body's class. */
export async function switchTheme(
  h: WebviewHarness,
  kind: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast',
  vars: Record<string, string>,
): Promise<void> {
  await h.evaluate(`(() => {
    const s = document.documentElement.style;
    for (const k of [...s]) if (k.startsWith('--vscode-')) s.removeProperty(k);
    for (const [k, v] of Object.entries(${JSON.stringify(vars)})) s.setProperty(k, v);
    document.body.className = ${JSON.stringify(kind)};
  })()`);
}
