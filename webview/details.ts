// The details pane: the selected event's decoded fields as a table and its raw bytes as hex and text. Everything
// from the transcript goes in through textContent: the transcript is hostile input.
import type { EventDetails } from '../extension/core/timeline/model';
import { renderStatementView, shownByView } from './statement-view';
import { fmtTime } from './viewport';

export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, Math.min(bytes.length, off + 16));
    let hex = '';
    let text = '';
    for (let i = 0; i < 16; i++) {
      if (i < row.length) {
        hex += row[i].toString(16).padStart(2, '0') + (i === 7 ? '  ' : ' ');
        text += row[i] >= 0x20 && row[i] < 0x7f ? String.fromCharCode(row[i]) : '.';
      } else {
        hex += i === 7 ? '    ' : '   ';
      }
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} ${text}`);
  }
  return lines.join('\n');
}

export class DetailsPane {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly error: HTMLElement;
  private readonly statement: HTMLElement;
  private readonly table: HTMLTableSectionElement;
  private readonly raw: HTMLPreElement;

  constructor(doc: Document) {
    this.root = doc.createElement('section');
    this.root.id = 'details';
    this.root.setAttribute('aria-label', 'Event details');
    this.title = el(doc, 'h2', 'details-title');
    this.meta = el(doc, 'div', 'details-meta');
    this.error = el(doc, 'div', 'details-error');
    this.statement = el(doc, 'div', 'details-view');
    const table = doc.createElement('table');
    table.id = 'details-args';
    this.table = table.createTBody();
    this.raw = doc.createElement('pre');
    this.raw.id = 'details-raw';
    this.raw.tabIndex = 0;
    this.root.append(this.title, this.meta, this.error, this.statement, table, this.raw);
    this.clear('Select an event (click it, or step with ← →) to see its details.');
  }

  clear(message: string): void {
    this.title.textContent = message;
    this.meta.textContent = '';
    this.error.textContent = '';
    this.statement.replaceChildren();
    this.table.replaceChildren();
    this.raw.textContent = '';
  }

  show(d: EventDetails, tUs: number): void {
    this.title.textContent = d.title;
    this.meta.textContent = `event ${d.event + 1} at ${fmtTime(tUs)} · transcript line ${d.line}${d.totalBytes ? ` · ${d.totalBytes} bytes` : ''}`;
    this.error.textContent = d.error ? `could not decode: ${d.error}` : '';
    const doc = this.root.ownerDocument;
    this.statement.replaceChildren(...(d.view ? renderStatementView(doc, d.view) : []));
    const shown = shownByView(d.view);
    this.table.replaceChildren(
      ...d.fields.filter(([k]) => !shown.has(k)).map(([k, v]) => {
        const tr = doc.createElement('tr');
        const th = doc.createElement('th');
        th.textContent = k;
        const td = doc.createElement('td');
        td.textContent = v;
        tr.append(th, td);
        return tr;
      }),
    );
    const more = d.totalBytes > d.bytes.length ? `\n… ${d.totalBytes - d.bytes.length} more bytes not shown` : '';
    this.raw.textContent = d.bytes.length ? hexDump(d.bytes) + more : '';
  }
}

function el(doc: Document, tag: string, id: string): HTMLElement {
  const e = doc.createElement(tag);
  e.id = id;
  return e;
}
