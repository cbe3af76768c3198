// The fragmentation what-if: two sliders (document size, share of the key space moved) and the core model's
// answer (extension/core/metrics/fragmentation.ts, the same code the CLI runs): the RAM a move frees, how full the
// pages left are, and what a compaction afterwards would reclaim. @vscode-elements has no slider: native range
// inputs, coloured by the theme.
import { fragmentationModel, PAGE_BYTES } from '../extension/core/metrics/fragmentation';

/** Document sizes offered, smallest to largest: the post-mortem's 300 B up to documents of many pages. */
export const DOC_SIZES = [64, 128, 200, 256, 300, 400, 512, 1000, 1024, 2000, 2048, 4096, 6000, 8192, 16384, 32768, 65536];

export class FragmentationPanel {
  readonly root: HTMLElement;
  private readonly size: HTMLInputElement;
  private readonly move: HTMLInputElement;
  private readonly sizeOut: HTMLElement;
  private readonly moveOut: HTMLElement;
  private readonly answer: HTMLElement;
  private readonly freed: HTMLElement;

  constructor(
    doc: Document,
    docBytes: number,
    movePercent: number,
    private readonly changed: (docBytes: number, movePercent: number) => void,
  ) {
    this.root = doc.createElement('section');
    this.root.id = 'fragmentation';
    const h = doc.createElement('h2');
    h.textContent = `Fragmentation what-if: moving documents by shard key off ${PAGE_BYTES}-byte pages`;
    this.size = range(doc, 'frag-doc-bytes', 0, DOC_SIZES.length - 1, 1, nearest(docBytes));
    this.move = range(doc, 'frag-move', 0, 100, 0.5, Math.min(100, Math.max(0, movePercent)));
    this.sizeOut = doc.createElement('output');
    this.moveOut = doc.createElement('output');
    this.freed = doc.createElement('div');
    this.freed.id = 'frag-freed';
    this.freed.setAttribute('role', 'status');
    this.answer = doc.createElement('div');
    this.answer.id = 'frag-answer';
    this.root.append(h, row(doc, 'Document size', this.size, this.sizeOut), row(doc, 'Share moved', this.move, this.moveOut), this.freed, this.answer);
    for (const el of [this.size, this.move]) el.addEventListener('input', () => this.update(true));
    this.update(false);
  }

  get docBytes(): number {
    return DOC_SIZES[Number(this.size.value)] ?? 300;
  }

  get movePercent(): number {
    return Number(this.move.value);
  }

  private update(notify: boolean): void {
    const a = fragmentationModel({ docBytes: this.docBytes, moveShare: this.movePercent / 100 });
    const pct = (x: number, d = 1) => `${(x * 100).toFixed(d)}%`;
    this.sizeOut.textContent = `${a.docBytes} B (${a.docsPerPage.toFixed(1)} documents touch a page)`;
    this.moveOut.textContent = `${this.movePercent}% of the documents`;
    this.freed.dataset.freedShare = String(a.pagesFreedShare);
    this.freed.textContent = `RAM freed by the move: ${pct(a.pagesFreedShare, 2)} of the pages`;
    this.answer.textContent =
      `The pages left are ${pct(a.fillAfterMove)} full; ${pct(a.pagesStillNeededShare)} of the pages are still needed. ` +
      `A compaction afterwards reclaims ${pct(a.compactionReclaimsShare)} more.`;
    if (notify) this.changed(this.docBytes, this.movePercent);
  }
}

function nearest(bytes: number): number {
  let best = 0;
  DOC_SIZES.forEach((s, i) => {
    if (Math.abs(s - bytes) < Math.abs(DOC_SIZES[best] - bytes)) best = i;
  });
  return best;
}

function range(doc: Document, id: string, min: number, max: number, step: number, value: number): HTMLInputElement {
  const el = doc.createElement('input');
  el.type = 'range';
  el.id = id;
  el.min = String(min);
  el.max = String(max);
  el.step = String(step);
  el.value = String(value);
  return el;
}

function row(doc: Document, label: string, input: HTMLInputElement, out: HTMLElement): HTMLElement {
  const r = doc.createElement('div');
  r.className = 'frag-row';
  const l = doc.createElement('label');
  l.htmlFor = input.id;
  l.textContent = label;
  r.append(l, input, out);
  return r;
}
