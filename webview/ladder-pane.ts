// The ladder pane beside the lanes: one connection as a message sequence chart (extension/core/ladder), drawn as SVG
// elements made from the layout's nodes (createElementNS and textContent, no markup parsed). It follows the
// timeline's cursor (the current event's row banded and scrolled into view; on another connection, the row nearest
// in time) and a click on an arrow or a row selects that event. A long connection is laid out a window at a time.
import { ladderInput, laneEvents, windowAround } from '../extension/core/ladder/input';
import { ladderLayout, type LadderLayout } from '../extension/core/ladder/layout';
import { ladderSvgTree, type LadderTheme, type SvgNode } from '../extension/core/ladder/svg';
import type { TimelineStore } from './store';

/** events laid out at once: a few screens of rows, a few thousand SVG elements */
const WINDOW = 400;
const SVG_NS = 'http://www.w3.org/2000/svg';

export class LadderPane {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly scroller: HTMLElement;
  /** the lane shown, -1 when closed */
  lane = -1;
  private events: number[] = [];
  private from = 0;
  private to = 0;
  private layout: LadderLayout | null = null;
  private band: SVGRectElement | null = null;
  /** the layout has events whose texts were not here yet: lay it out again when they come */
  private missing = false;
  private cursor = -1;

  constructor(
    doc: Document,
    private readonly store: TimelineStore,
    private readonly select: (event: number) => void,
  ) {
    this.root = doc.createElement('section');
    this.root.id = 'ladder-pane';
    this.root.setAttribute('aria-label', 'Ladder of one connection');
    this.root.hidden = true;
    const head = doc.createElement('div');
    head.id = 'ladder-head';
    this.title = doc.createElement('h2');
    this.title.id = 'ladder-title';
    const close = doc.createElement('button');
    close.id = 'ladder-close';
    close.type = 'button';
    close.textContent = '✕';
    close.title = 'Close the ladder (Escape)';
    close.setAttribute('aria-label', 'Close the ladder');
    close.addEventListener('click', () => this.close());
    head.append(this.title, close);
    this.scroller = doc.createElement('div');
    this.scroller.id = 'ladder';
    this.scroller.tabIndex = 0;
    this.root.append(head, this.scroller);
    this.scroller.addEventListener('click', (e) => {
      const hit = (e.target as Element | null)?.closest?.('[data-event]');
      const event = hit ? Number(hit.getAttribute('data-event')) : NaN;
      if (Number.isInteger(event) && event >= 0) this.select(event);
    });
    // a theme change rewrites the body's class and style: draw again in the new colours
    new MutationObserver(() => this.lane >= 0 && this.draw()).observe(doc.body, { attributes: true, attributeFilter: ['class', 'style'] });
  }

  get isOpen(): boolean {
    return this.lane >= 0;
  }

  /** Opens the ladder of a lane around an event (of that lane or not: the nearest in time), with the cursor banded. */
  open(lane: number, focus: number, cursor: number): void {
    if (lane < 0 || lane >= this.store.lanes.length) return;
    if (lane !== this.lane) this.events = laneEvents(this.store, lane);
    this.lane = lane;
    this.root.hidden = false;
    this.title.textContent = `Ladder · conn ${this.store.lanes[lane]} · ${this.events.length.toLocaleString('en-US')} events`;
    this.cursor = cursor;
    [this.from, this.to] = windowAround(this.store, this.events, focus >= 0 ? focus : (this.events[0] ?? -1), WINDOW);
    this.draw();
    this.follow(cursor, true);
  }

  close(): void {
    this.lane = -1;
    this.layout = null;
    this.band = null;
    this.events = [];
    this.root.hidden = true;
    this.scroller.replaceChildren();
  }

  /** The cursor moved: band its row (or the nearest in time) and scroll to it; lay out another window if needed. */
  follow(cursor: number, always = false): void {
    if (this.lane < 0 || !this.layout) return;
    this.cursor = cursor;
    if (cursor >= 0 && this.store.lane[cursor] === this.lane && !this.inWindow(cursor)) {
      [this.from, this.to] = windowAround(this.store, this.events, cursor, WINDOW);
      this.draw();
    }
    const row = this.rowOf(cursor);
    const band = this.band;
    if (!band || !row) {
      band?.setAttribute('visibility', 'hidden');
      return;
    }
    const l = this.layout;
    band.setAttribute('y', String(row.y - l.rowPx / 2));
    band.setAttribute('visibility', 'visible');
    band.setAttribute('data-event', String(row.event));
    band.setAttribute('fill-opacity', row.event === cursor ? '1' : '0.4');
    // keep the row in view, with a few rows above it
    const top = this.scroller.scrollTop;
    const h = this.scroller.clientHeight;
    if (always || row.y - l.rowPx * 3 < top || row.y + l.rowPx * 2 > top + h) this.scroller.scrollTop = Math.max(0, row.y - h / 3);
  }

  /** Texts have come from the host: lay out again if this layout lacked some. */
  textsArrived(): void {
    if (this.lane >= 0 && this.missing) this.draw();
  }

  private inWindow(event: number): boolean {
    return this.to > this.from && event >= this.events[this.from] && event <= this.events[this.to - 1];
  }

  /** The row of an event: its own when on the ladder, else the row nearest in time. */
  private rowOf(event: number): LadderLayout['rows'][number] | null {
    const rows = this.layout?.rows ?? [];
    if (event < 0 || rows.length === 0) return null;
    const own = rows.find((r) => r.event === event && r.kind !== 'giveUp');
    if (own) return own;
    const t = this.store.tUs[event];
    let best = rows[0];
    for (const r of rows) if (Math.abs(r.tUs - t) < Math.abs(best.tUs - t)) best = r;
    return best;
  }

  private draw(): void {
    const doc = this.root.ownerDocument;
    const shown = this.events.slice(this.from, this.to);
    let missing = false;
    const input = ladderInput(this.store, shown, (e) => {
      const b = this.store.briefOf(e);
      if (!b) missing = true;
      return b;
    });
    this.missing = missing;
    this.layout = ladderLayout(input);
    const scroll = this.scroller.scrollTop;
    const svg = toElement(doc, ladderSvgTree(this.layout, themeOf(doc.body), { cursor: this.cursor, title: this.title.textContent ?? '' }));
    this.scroller.replaceChildren(svg);
    this.scroller.scrollTop = scroll;
    this.band = svg.querySelector('[data-role="cursor"]');
    this.root.dataset.events = String(shown.length);
    this.root.dataset.conn = String(input.conn);
  }
}

function toElement(doc: Document, n: SvgNode): Element {
  const el = doc.createElementNS(SVG_NS, n.tag);
  for (const [k, v] of Object.entries(n.attrs)) if (k !== 'xmlns') el.setAttribute(k, String(v));
  if (n.text !== undefined) el.textContent = n.text;
  for (const c of n.children ?? []) el.append(toElement(doc, c));
  return el;
}

/** The ladder's colours from VS Code's theme variables (an unset one falls back to the text colour). */
export function themeOf(el: Element): LadderTheme {
  const style = getComputedStyle(el);
  const v = (...names: string[]) => names.map((n) => style.getPropertyValue(n).trim()).find(Boolean) || style.color || 'CanvasText';
  return {
    background: v('--vscode-editor-background'),
    foreground: v('--vscode-editor-foreground'),
    dim: v('--vscode-descriptionForeground'),
    grid: v('--vscode-editorWidget-border'),
    request: v('--vscode-charts-blue'),
    response: v('--vscode-charts-green'),
    mismatch: v('--vscode-charts-red'),
    warning: v('--vscode-charts-orange'),
    highlight: v('--vscode-editor-selectionBackground', '--vscode-list-activeSelectionBackground', '--vscode-focusBorder'),
    fontFamily: v('--vscode-font-family') || 'sans-serif',
    fontSizePx: 11,
  };
}
