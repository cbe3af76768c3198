// Colours for the canvas, read from VS Code's theme variables so dark, light and high-contrast themes all work.
// The canvas cannot use CSS variables directly, so they are read once per theme change.

export interface Palette {
  background: string;
  foreground: string;
  dim: string;
  grid: string;
  request: string;
  response: string;
  pairLine: string;
  mismatch: string;
  warning: string;
  open: string;
  close: string;
  fault: string;
  cursor: string;
  font: string;
}

const VARS: Record<keyof Omit<Palette, 'font'>, string> = {
  background: '--vscode-editor-background',
  foreground: '--vscode-editor-foreground',
  dim: '--vscode-descriptionForeground',
  grid: '--vscode-editorWidget-border',
  request: '--vscode-charts-blue',
  response: '--vscode-charts-green',
  pairLine: '--vscode-editorLineNumber-foreground',
  mismatch: '--vscode-charts-red',
  warning: '--vscode-charts-orange',
  open: '--vscode-charts-green',
  close: '--vscode-descriptionForeground',
  fault: '--vscode-charts-purple',
  cursor: '--vscode-focusBorder',
};

export function readPalette(el: Element): Palette {
  const style = getComputedStyle(el);
  const p = {} as Palette;
  for (const [key, name] of Object.entries(VARS) as Array<[keyof typeof VARS, string]>) {
    // an unset variable (a host that defines none) falls back to the text colour, never to a made-up colour
    p[key] = style.getPropertyValue(name).trim() || style.color || 'CanvasText';
  }
  const size = style.getPropertyValue('--vscode-editor-font-size').trim() || '12px';
  const family = style.getPropertyValue('--vscode-font-family').trim() || 'sans-serif';
  p.font = `${size} ${family}`;
  return p;
}
