// The pieces the draft's own pictures share: XML escaping (transcript text is hostile input, even in a
// picture), number formatting that keeps the files small and stable, and the colours. A draft is read in any
// Markdown viewer, light or dark, so pictures carry their own white background and colours that read on it.

export const COLORS = {
  background: '#ffffff',
  text: '#1f2328',
  dim: '#59636e',
  grid: '#d1d9e0',
  workingSet: '#0969da',
  ram: '#1f2328',
  over: '#ffebe9',
  crossover: '#cf222e',
  alert: '#bc4c00',
  noRelief: '#8250df',
} as const;

export const FONT = 'font-family="Helvetica, Arial, sans-serif"';

export function esc(s: string): string {
  return s
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\uFFFD');
}

/** a coordinate with at most one decimal: the same input gives the same file */
export function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** cuts a label to `max` characters with an ellipsis */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${n(x)}" y="${n(y)}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;
}

/** the document around the drawing: size, background, a title and a description for screen readers */
export function svgDocument(width: number, height: number, title: string, desc: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12" role="img">`,
    `<title>${esc(title)}</title>`,
    `<desc>${esc(desc)}</desc>`,
    `<rect width="${width}" height="${height}" fill="${COLORS.background}"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
