// The findings list beside the timeline: one item per finding, in time order; activating an item (click, Enter,
// Space) moves the cursor to it. Long lists show their first items only, the rest are reached with Next Finding.
import type { TimelineFinding } from '../extension/core/timeline/model';
import { fmtTime } from './viewport';

const SHOWN = 2000;

export class FindingsList {
  readonly root: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly note: HTMLElement;
  private items: HTMLLIElement[] = [];

  constructor(doc: Document, private readonly onPick: (index: number) => void) {
    this.root = doc.createElement('section');
    this.root.id = 'findings-pane';
    this.root.setAttribute('aria-label', 'Findings');
    const h = doc.createElement('h2');
    h.textContent = 'Findings';
    this.list = doc.createElement('ol');
    this.list.id = 'findings';
    this.note = doc.createElement('p');
    this.note.id = 'findings-note';
    this.root.append(h, this.list, this.note);
    this.list.addEventListener('click', (e) => this.pick(e.target));
    this.list.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.pick(e.target);
      }
    });
  }

  private pick(target: EventTarget | null): void {
    const li = (target as HTMLElement | null)?.closest?.('li');
    const index = li ? Number(li.dataset.index) : NaN;
    if (Number.isInteger(index)) this.onPick(index);
  }

  render(findings: TimelineFinding[], total: number, noneText: string | null, timeOf: (f: TimelineFinding) => number = (f) => f.tUs): void {
    const doc = this.root.ownerDocument;
    this.items = findings.slice(0, SHOWN).map((f, index) => {
      const li = doc.createElement('li');
      li.tabIndex = 0;
      li.dataset.index = String(index);
      li.dataset.kind = f.kind;
      li.setAttribute('role', 'button');
      const kind = doc.createElement('span');
      kind.className = `kind kind-${f.kind}`;
      kind.textContent = f.kind;
      const where = doc.createElement('span');
      where.className = 'where';
      where.textContent = `${fmtTime(timeOf(f))} · conn ${f.conn}`;
      const text = doc.createElement('span');
      text.className = 'text';
      text.textContent = f.text;
      li.append(kind, where, text);
      return li;
    });
    this.list.replaceChildren(...this.items);
    const hidden = total - this.items.length;
    this.note.textContent = noneText ?? (hidden > 0 ? `… ${hidden} more (Next Finding reaches them)` : '');
  }

  select(index: number): void {
    for (const li of this.list.querySelectorAll('li[aria-current]')) li.removeAttribute('aria-current');
    const li = this.items[index];
    if (!li) return;
    li.setAttribute('aria-current', 'true');
    li.scrollIntoView({ block: 'nearest' });
  }
}
