// The findings list beside the timeline: a chip per kind with its count and a connection select that filter it, then
// one item per finding shown, mismatches first. Activating an item (click, Enter, Space) moves the cursor to it; its
// ladder button shows its connection as a ladder. Long lists show their first items only, the rest are reached with
// Next Finding. Chips and select are @vscode-elements.
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { FINDING_KINDS, type TimelineFinding, type TimelineFindingKind } from '../extension/core/timeline/model';
import { NO_FILTER, type FindingFilter } from './finding-nav';
import { fmtTime } from './viewport';

const SHOWN = 2000;
const ALL = 'all';

type Chip = HTMLElement & { checked: boolean };
type Select = HTMLElement & { value: string };

export interface FindingsHandlers {
  /** a finding was activated: its index in the findings */
  pick(index: number): void;
  /** the filter was changed in the chips or the select */
  filter(f: FindingFilter): void;
  /** a finding's ladder button: show its connection as a ladder, at it */
  ladder(index: number): void;
}

export class FindingsList {
  readonly root: HTMLElement;
  private readonly chips: HTMLElement;
  private readonly connSelect: Select;
  private readonly list: HTMLOListElement;
  private readonly note: HTMLElement;
  private items = new Map<number, HTMLLIElement>();
  private filter: FindingFilter = NO_FILTER;

  constructor(
    doc: Document,
    private readonly h: FindingsHandlers,
  ) {
    this.root = doc.createElement('section');
    this.root.id = 'findings-pane';
    this.root.setAttribute('aria-label', 'Findings');
    const head = doc.createElement('h2');
    head.textContent = 'Findings';
    this.chips = doc.createElement('div');
    this.chips.id = 'findings-kinds';
    this.chips.setAttribute('role', 'group');
    this.chips.setAttribute('aria-label', 'Show findings of these kinds');
    this.connSelect = doc.createElement('vscode-single-select') as Select;
    this.connSelect.id = 'findings-conn';
    this.connSelect.setAttribute('aria-label', 'Show findings of this connection');
    this.connSelect.addEventListener('change', () => {
      const v = this.connSelect.value;
      this.changed({ kinds: this.filter.kinds, conn: v === ALL ? null : Number(v) });
    });
    this.list = doc.createElement('ol');
    this.list.id = 'findings';
    this.note = doc.createElement('p');
    this.note.id = 'findings-note';
    this.root.append(head, this.chips, this.connSelect, this.list, this.note);
    this.list.addEventListener('click', (e) => {
      const ladder = (e.target as HTMLElement | null)?.closest?.('.ladder-button');
      const index = Number(ladder?.closest('li')?.dataset.index);
      if (ladder && Number.isInteger(index)) this.h.ladder(index);
      else this.pick(e.target);
    });
    this.list.addEventListener('keydown', (e) => {
      // the ladder button takes its own Enter and Space (a click)
      if ((e.target as HTMLElement | null)?.closest?.('.ladder-button')) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.pick(e.target);
      }
    });
  }

  private pick(target: EventTarget | null): void {
    const li = (target as HTMLElement | null)?.closest?.('li');
    const index = li ? Number(li.dataset.index) : NaN;
    if (Number.isInteger(index)) this.h.pick(index);
  }

  private changed(f: FindingFilter): void {
    this.setFilter(f);
    this.h.filter(this.filter);
  }

  /**
   * The filter's controls for a new model: a chip per kind found (its count) after one for all, and an option per
   * connection with findings. Empty when there are none (nothing to filter).
   */
  setChoices(kinds: ReadonlyMap<TimelineFindingKind, number>, conns: ReadonlyMap<number, number>): void {
    const doc = this.root.ownerDocument;
    const chip = (kind: string, label: string): Chip => {
      const c = doc.createElement('vscode-toolbar-button') as Chip;
      c.setAttribute('toggleable', '');
      c.dataset.kind = kind;
      const name = doc.createElement('span');
      name.className = `kind kind-${kind}`;
      name.textContent = label;
      const count = doc.createElement('span');
      count.className = 'count';
      c.append(name, ' ', count);
      // the chip toggles itself; the filter decides what is on, and the chips are set from it
      c.addEventListener('change', () => this.changed(this.toggled(kind)));
      return c;
    };
    const found = FINDING_KINDS.filter((k) => (kinds.get(k) ?? 0) > 0);
    this.chips.replaceChildren(...(found.length ? [chip(ALL, 'all'), ...found.map((k) => chip(k, k))] : []));
    const option = (value: string, text: string) => {
      const o = doc.createElement('vscode-option');
      o.setAttribute('value', value);
      o.textContent = text;
      return o;
    };
    const byConn = [...conns].sort((a, b) => a[0] - b[0]);
    this.connSelect.replaceChildren(option(ALL, 'All connections'), ...byConn.map(([c, n]) => option(String(c), `conn ${c} · ${n}`)));
    this.connSelect.hidden = byConn.length < 2;
    this.setCounts(kinds);
    this.setFilter(this.filter);
  }

  /** The count on each kind's chip (and the sum on "all"). */
  setCounts(kinds: ReadonlyMap<TimelineFindingKind, number>): void {
    let total = 0;
    for (const c of this.chips.children as HTMLCollectionOf<HTMLElement>) {
      const k = c.dataset.kind as TimelineFindingKind | typeof ALL;
      const n = k === ALL ? 0 : (kinds.get(k) ?? 0);
      total += n;
      const count = c.querySelector('.count');
      if (count && k !== ALL) count.textContent = String(n);
    }
    const all = this.chips.querySelector(`[data-kind="${ALL}"] .count`);
    if (all) all.textContent = String(total);
  }

  private toggled(kind: string): FindingFilter {
    if (kind === ALL) return { kinds: [], conn: this.filter.conn };
    const k = kind as TimelineFindingKind;
    const kinds = this.filter.kinds.includes(k) ? this.filter.kinds.filter((x) => x !== k) : [...this.filter.kinds, k];
    return { kinds, conn: this.filter.conn };
  }

  /** Shows a filter in the controls (a restored one, or one just chosen). */
  setFilter(f: FindingFilter): void {
    this.filter = f;
    for (const c of this.chips.children as HTMLCollectionOf<Chip>) {
      const k = c.dataset.kind as TimelineFindingKind | typeof ALL;
      c.checked = k === ALL ? f.kinds.length === 0 : f.kinds.includes(k);
    }
    this.connSelect.value = f.conn === null ? ALL : String(f.conn);
  }

  /** Lists the findings shown (indices into `findings`, in list order); `note` says what the list leaves out. */
  render(findings: TimelineFinding[], shown: number[], note: string, timeOf: (f: TimelineFinding) => number = (f) => f.tUs): void {
    const doc = this.root.ownerDocument;
    this.items = new Map();
    for (const index of shown.slice(0, SHOWN)) {
      const f = findings[index];
      const li = doc.createElement('li');
      li.tabIndex = 0;
      li.dataset.index = String(index);
      li.dataset.kind = f.kind;
      li.dataset.event = String(f.event);
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
      const ladder = doc.createElement('button');
      ladder.type = 'button';
      ladder.className = 'ladder-button';
      ladder.textContent = 'ladder';
      ladder.title = 'Show this connection as a ladder, at this finding (L)';
      li.append(kind, where, ladder, text);
      this.items.set(index, li);
    }
    this.list.replaceChildren(...this.items.values());
    const hidden = shown.length - this.items.size;
    this.note.textContent = [note, hidden > 0 ? `… ${hidden} more (Next Finding reaches them)` : ''].filter(Boolean).join('\n');
  }

  /** Marks the current finding (an index into the findings; -1 for none) and scrolls it into view. */
  select(index: number): void {
    for (const li of this.list.querySelectorAll('li[aria-current]')) li.removeAttribute('aria-current');
    const li = this.items.get(index);
    if (!li) return;
    li.setAttribute('aria-current', 'true');
    li.scrollIntoView({ block: 'nearest' });
  }
}
