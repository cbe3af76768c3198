// The lanes' legend: each mark the canvas draws, in its colour (the same theme variables as the canvas, through CSS),
// and how to open a connection's ladder.

const ITEMS: ReadonlyArray<[kind: string, glyph: string, text: string]> = [
  ['request', '▲', 'request'],
  ['response', '■', 'response'],
  ['pair', '╱', 'request → its answer'],
  ['mismatch', '⌒', 'mismatch (answer taken by another request)'],
  ['timeout', '✕', 'timeout (given up)'],
  ['late', '■', 'late or orphan answer'],
  ['fault', '◆', 'fault'],
  ['open', '│', 'open / close'],
];

export function timelineLegend(doc: Document): HTMLElement {
  const root = doc.createElement('div');
  root.id = 'legend';
  root.setAttribute('aria-label', 'Legend');
  for (const [kind, glyph, text] of ITEMS) {
    const item = doc.createElement('span');
    item.className = 'legend-item';
    item.dataset.kind = kind;
    const mark = doc.createElement('span');
    mark.className = `legend-mark legend-${kind}`;
    mark.setAttribute('aria-hidden', 'true');
    mark.textContent = glyph;
    item.append(mark, ` ${text}`);
    root.append(item);
  }
  const hint = doc.createElement('span');
  hint.className = 'legend-hint';
  hint.textContent = 'L or a click on a lane’s name: its ladder';
  root.append(hint);
  return root;
}
