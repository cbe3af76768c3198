// The details pane: what the selected request or response is paired with (exchange.ts), its decoded fields as a
// table and its raw bytes as hex and text; with nothing to show, a sentence that says why (nothing selected, an empty
// transcript, a failed load). Everything from the transcript goes in through textContent: it is hostile input.
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

export const NOTHING_SELECTED = 'Nothing selected: click an event or a finding, or step with ← → (N and P jump between findings).';

export class DetailsPane {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly pairing: HTMLElement;
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
    this.pairing = el(doc, 'div', 'details-pairing');
    this.error = el(doc, 'div', 'details-error');
    this.statement = el(doc, 'div', 'details-view');
    const table = doc.createElement('table');
    table.id = 'details-args';
    this.table = table.createTBody();
    this.raw = doc.createElement('pre');
    this.raw.id = 'details-raw';
    this.raw.tabIndex = 0;
    this.root.append(this.title, this.meta, this.pairing, this.error, this.statement, table, this.raw);
    this.clear(NOTHING_SELECTED, 'none');
  }

  /** Shows a sentence in place of details; `state` names the case (loading, empty, failed, none, …) for the tests. */
  clear(message: string, state: string): void {
    this.root.dataset.state = state;
    this.title.textContent = message;
    this.meta.textContent = '';
    this.pairing.replaceChildren();
    this.error.textContent = '';
    this.statement.replaceChildren();
    this.table.replaceChildren();
    this.raw.textContent = '';
  }

  /** Shows an event's details; `pairing`: its exchange in sentences (none for an event that is not a message). */
  show(d: EventDetails, tUs: number, pairing: string[]): void {
    this.root.dataset.state = 'event';
    this.title.textContent = d.title;
    this.meta.textContent = `event ${d.event + 1} at ${fmtTime(tUs)} · transcript line ${d.line}${d.totalBytes ? ` · ${d.totalBytes} bytes` : ''}`;
    const doc = this.root.ownerDocument;
    this.pairing.replaceChildren(
      ...pairing.map((line) => {
        const p = doc.createElement('p');
        p.textContent = line;
        return p;
      }),
    );
    this.error.textContent = d.error ? `could not decode: ${d.error}` : '';
    this.statement.replaceChildren(...(d.view ? renderStatementView(doc, d.view) : []));
    const shown = shownByView(d.view);
    this.table.replaceChildren(
      ...d.fields
        .filter(([k]) => !shown.has(k))
        .map(([k, v]) => {
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
