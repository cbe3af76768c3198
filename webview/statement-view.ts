// A database message in the details pane: its statement, its bound parameters and its result rows as a table
// (EventDetails.view, read from the decoders' fields by the host). Text only, like the rest of the pane.
import type { DecodedView } from '../extension/core/timeline/decoded-view';

/** Field names the view shows better, left out of the flat field table when the view has them. */
export function shownByView(v: DecodedView | undefined): Set<string> {
  const s = new Set<string>();
  if (!v) return s;
  if (v.tables) for (const k of ['rows', 'columns', 'results']) s.add(k);
  if (v.statement !== undefined) s.add('sql');
  if (v.parameters !== undefined) s.add('params');
  return s;
}

export function renderStatementView(doc: Document, v: DecodedView): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (v.statement !== undefined) {
    const pre = doc.createElement('pre');
    pre.id = 'details-statement';
    pre.textContent = v.statement;
    out.push(pre);
  }
  if (v.parameters?.length) {
    const ul = doc.createElement('ul');
    ul.id = 'details-params';
    ul.setAttribute('aria-label', 'Parameters');
    for (const p of v.parameters) {
      const li = doc.createElement('li');
      li.textContent = p;
      ul.append(li);
    }
    out.push(ul);
  }
  for (const t of v.tables ?? []) {
    const table = doc.createElement('table');
    table.className = 'details-result';
    const caption = table.createCaption();
    caption.textContent = t.rowCount > t.rows.length ? `${t.rowCount} rows (first ${t.rows.length} shown)` : `${t.rowCount} row${t.rowCount === 1 ? '' : 's'}`;
    const head = table.createTHead().insertRow();
    for (const c of t.columns) {
      const th = doc.createElement('th');
      th.textContent = c;
      head.append(th);
    }
    const body = table.createTBody();
    for (const r of t.rows) {
      const tr = body.insertRow();
      for (const c of r) tr.insertCell().textContent = c;
    }
    out.push(table);
  }
  return out;
}
