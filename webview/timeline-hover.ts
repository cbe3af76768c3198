// The card shown over the lanes for the event under the pointer: what it is (kind, number, connection), its key and
// summary, when, and what it is paired with (the answer, the request it answers, the request that took it). Texts
// and keys come from the store, asked of the host when missing; the card is filled again when they come. Text only,
// through textContent: the transcript is hostile input.
import { EventFlag, EventKind } from '../extension/core/timeline/model';
import { exchangeOf } from './exchange';
import type { TimelineStore } from './store';
import { fmtTime } from './viewport';

const KIND_NAMES = ['request', 'response', 'open', 'close', 'reset', 'fault', 'client', 'event'];

export class HoverCard {
  readonly root: HTMLElement;
  /** the event shown, -1 when hidden */
  event = -1;
  private x = 0;
  private y = 0;

  constructor(
    doc: Document,
    private readonly store: TimelineStore,
  ) {
    this.root = doc.createElement('div');
    this.root.id = 'hover-card';
    this.root.setAttribute('role', 'tooltip');
    this.root.hidden = true;
  }

  /** Shows the card for an event at a point of the plot (-1 hides it). */
  show(event: number, xPx: number, yPx: number): void {
    if (event < 0 || event >= this.store.count) {
      this.event = -1;
      this.root.hidden = true;
      return;
    }
    const moved = event !== this.event;
    this.event = event;
    this.x = xPx;
    this.y = yPx;
    if (moved) this.fill();
    this.place();
  }

  /** Texts have come: fill the card again if it waits for some. */
  refresh(): void {
    if (this.event >= 0) this.fill();
  }

  private fill(): void {
    const lines = hoverLines(this.store, this.event);
    const doc = this.root.ownerDocument;
    this.root.replaceChildren(
      ...lines.map((l, k) => {
        const p = doc.createElement('div');
        p.className = k === 0 ? 'hover-title' : 'hover-line';
        p.textContent = l;
        return p;
      }),
    );
    this.root.dataset.event = String(this.event);
    this.root.hidden = false;
  }

  private place(): void {
    const parent = this.root.parentElement;
    const w = parent?.clientWidth ?? 800;
    const h = parent?.clientHeight ?? 400;
    const cw = this.root.offsetWidth;
    const ch = this.root.offsetHeight;
    // beside the pointer, flipped to the other side near the plot's right and bottom edges
    this.root.style.left = `${Math.max(0, this.x + 14 + cw > w ? this.x - 14 - cw : this.x + 14)}px`;
    this.root.style.top = `${Math.max(0, this.y + 14 + ch > h ? this.y - 14 - ch : this.y + 14)}px`;
  }
}

/** The card's lines for an event: what, key and summary, when, paired with. No DOM: tested under Node. */
export function hoverLines(s: TimelineStore, i: number): string[] {
  const k = s.kind[i];
  const seq = s.seq[i];
  const conn = s.lanes[s.lane[i]];
  const lines = [`${KIND_NAMES[k] ?? 'event'}${seq > 0 ? ` #${seq}` : ''} · conn ${conn}`];
  const b = s.briefOf(i);
  if (b === undefined) lines.push('…');
  else {
    if (b.key) lines.push(`key ${b.key}`);
    if (b.text) lines.push(b.text.length > 160 ? `${b.text.slice(0, 159)}…` : b.text);
  }
  lines.push(`at ${fmtTime(s.tUs[i])}`);
  const name = (j: number) => {
    const jb = s.briefOf(j);
    const key = jb?.key ? `, ${jb.key}` : '';
    return `${s.kind[j] === EventKind.request ? 'request' : 'response'} #${s.seq[j]}${key}`;
  };
  const x = exchangeOf(s, i);
  if (x?.role === 'request') {
    lines.push(x.paired >= 0 ? `paired with ${name(x.paired)} at ${fmtTime(s.tUs[x.paired])}` : 'paired with no response');
    if (x.gaveUpUs >= 0) lines.push(`given up at ${fmtTime(x.gaveUpUs)}`);
    if (x.taken >= 0) lines.push(`took ${name(x.taken)}: a mismatch`);
  } else if (x?.role === 'response') {
    lines.push(x.paired >= 0 ? `paired with ${name(x.paired)} sent at ${fmtTime(s.tUs[x.paired])}` : 'paired with no request');
    if (s.flags[i] & EventFlag.late) lines.push('late: the client had given up on it');
    if (x.taken >= 0) lines.push(`taken by ${name(x.taken)}: a mismatch`);
  }
  return lines;
}
