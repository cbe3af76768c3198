// Review notes on the timeline: a canvas over the plot marks each note (a flag on its lane at its time, a bar over
// the axis for a range), Shift+drag selects a time range (on the lane where the drag starts, or on all lanes when it
// starts on the axis), the details pane shows the notes of the event selected, and the view tells the host what is
// selected whenever that changes, so that Add Review Note… writes on it. Note text goes in through textContent.
import type { TimelineStore } from './store';
import type { TimelineView } from './timeline-view';
import type { NoteMark, TimelineSelection } from './review-protocol';
import { AXIS_PX, fmtTime, GUTTER_PX, LANE_PX } from './viewport';

export class ReviewLayer {
  readonly overlay: HTMLCanvasElement;
  private readonly section: HTMLElement;
  private notes: NoteMark[] = [];
  private range: { fromUs: number; toUs: number; conn: number | null } | null = null;
  private drag: { fromUs: number; conn: number | null } | null = null;
  private pending = false;
  private lastSent = '';

  constructor(
    doc: Document,
    private readonly plot: HTMLElement,
    private readonly store: TimelineStore,
    private readonly view: TimelineView,
    details: HTMLElement,
    private readonly report: (s: TimelineSelection) => void,
  ) {
    this.overlay = doc.createElement('canvas');
    this.overlay.id = 'review-marks';
    this.overlay.setAttribute('aria-hidden', 'true');
    this.overlay.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none';
    plot.append(this.overlay);
    this.section = doc.createElement('section');
    this.section.id = 'review-notes';
    this.section.setAttribute('aria-label', 'Review notes');
    // under the event's title and time, above its fields and bytes
    const meta = details.querySelector('#details-meta');
    if (meta) meta.after(this.section);
    else details.append(this.section);
    // Shift+drag selects a range; caught before the canvas sees it (it would pan)
    plot.addEventListener('pointerdown', (e) => this.down(e), { capture: true });
    plot.addEventListener('pointermove', (e) => this.move(e), { capture: true });
    plot.addEventListener('pointerup', (e) => this.up(e), { capture: true });
    new ResizeObserver(() => this.redraw()).observe(plot);
  }

  setNotes(notes: NoteMark[]): void {
    this.notes = notes;
    this.showDetails();
    this.redraw();
  }

  /** The model was replaced: a range over the old one means nothing. */
  reset(): void {
    this.range = null;
    this.drag = null;
    this.notes = [];
    this.showDetails();
    this.redraw();
  }

  /** The cursor or the view moved: the marks follow, the details show the cursor's notes, the host is told. */
  changed(): void {
    this.showDetails();
    this.redraw();
    this.tell();
  }

  selection(): TimelineSelection {
    const f = this.view.finding >= 0 ? this.store.findings[this.view.finding] : undefined;
    const c = this.view.cursor;
    const on = c >= 0 && c < this.store.count;
    const r = this.range;
    return {
      event: on ? c : -1,
      tUs: on ? this.store.tUs[c] : 0,
      conn: on ? (this.store.lanes[this.store.lane[c]] ?? -1) : -1,
      finding: f ? { kind: f.kind, event: f.event } : null,
      range: r && { fromUs: Math.max(0, r.fromUs), toUs: Math.max(0, r.toUs), conn: r.conn, event: this.firstIn(r) },
    };
  }

  /** The range's first event (on its lane, when it has one); -1 when it holds none. */
  private firstIn(r: { fromUs: number; toUs: number; conn: number | null }): number {
    const lane = r.conn === null ? -1 : this.store.lanes.indexOf(r.conn);
    for (let i = this.store.lowerBound(r.fromUs); i < this.store.count && this.store.tUs[i] <= r.toUs; i++) {
      if (lane < 0 || this.store.lane[i] === lane) return i;
    }
    return -1;
  }

  private tell(): void {
    const s = this.selection();
    const key = JSON.stringify(s);
    if (key === this.lastSent) return;
    this.lastSent = key;
    this.report(s);
  }

  private at(e: PointerEvent): { tUs: number; conn: number | null } {
    const rect = this.plot.getBoundingClientRect();
    const v = this.view.view;
    const x = Math.max(GUTTER_PX, e.clientX - rect.left);
    const y = e.clientY - rect.top;
    const lane = y < AXIS_PX ? -1 : v.laneTop + Math.floor((y - AXIS_PX) / LANE_PX);
    return { tUs: v.t(x), conn: lane >= 0 && lane < this.store.lanes.length ? this.store.lanes[lane] : null };
  }

  private down(e: PointerEvent): void {
    if (!e.shiftKey || e.button !== 0 || this.store.count === 0) {
      if (this.range && e.button === 0) {
        this.range = null;
        this.changed();
      }
      return;
    }
    e.stopPropagation();
    e.preventDefault();
    this.plot.setPointerCapture(e.pointerId);
    const a = this.at(e);
    this.drag = { fromUs: a.tUs, conn: a.conn };
    this.range = { fromUs: a.tUs, toUs: a.tUs, conn: a.conn };
    this.redraw();
  }

  private move(e: PointerEvent): void {
    if (!this.drag) return;
    e.stopPropagation();
    const t = this.at(e).tUs;
    this.range = { fromUs: Math.min(this.drag.fromUs, t), toUs: Math.max(this.drag.fromUs, t), conn: this.drag.conn };
    this.redraw();
  }

  private up(e: PointerEvent): void {
    if (!this.drag) return;
    e.stopPropagation();
    this.drag = null;
    this.plot.releasePointerCapture(e.pointerId);
    if (this.range && this.range.toUs - this.range.fromUs < this.view.view.usPerPx * 2) this.range = null;
    this.changed();
  }

  redraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    const v = this.view.view;
    const dpr = window.devicePixelRatio || 1;
    const w = this.plot.clientWidth;
    const h = this.plot.clientHeight;
    if (this.overlay.width !== Math.floor(w * dpr) || this.overlay.height !== Math.floor(h * dpr)) {
      this.overlay.width = Math.max(1, Math.floor(w * dpr));
      this.overlay.height = Math.max(1, Math.floor(h * dpr));
      this.overlay.style.width = `${w}px`;
      this.overlay.style.height = `${h}px`;
    }
    const ctx = this.overlay.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.save();
    ctx.beginPath();
    ctx.rect(GUTTER_PX, 0, w - GUTTER_PX, h);
    ctx.clip();
    const css = getComputedStyle(this.plot);
    const noteColour = css.getPropertyValue('--vscode-charts-yellow').trim() || '#cca700';
    const rangeColour = css.getPropertyValue('--vscode-focusBorder').trim() || '#0078d4';
    const laneOf = (conn: number | null) => (conn === null ? -1 : this.store.lanes.indexOf(conn));
    const band = (fromUs: number, toUs: number, conn: number | null, colour: string, alpha: number) => {
      const lane = laneOf(conn);
      const y0 = lane >= 0 ? v.laneY(lane) : AXIS_PX;
      const hh = lane >= 0 ? LANE_PX : h - AXIS_PX;
      ctx.globalAlpha = alpha;
      ctx.fillStyle = colour;
      ctx.fillRect(v.x(fromUs), y0, Math.max(2, v.x(toUs) - v.x(fromUs)), hh);
      ctx.globalAlpha = 1;
    };
    if (this.range) band(this.range.fromUs, this.range.toUs, this.range.conn, rangeColour, 0.18);
    let shown = 0;
    for (const n of this.notes) {
      const x = v.x(n.tUs);
      if (n.on === 'range') {
        const x1 = v.x(n.toUs ?? n.tUs);
        if (x1 < GUTTER_PX || x > w) continue;
        band(n.tUs, n.toUs ?? n.tUs, n.conn, noteColour, 0.1);
        ctx.fillStyle = noteColour;
        ctx.fillRect(x, AXIS_PX - 4, Math.max(2, x1 - x), 3);
        shown++;
        continue;
      }
      const lane = laneOf(n.conn);
      if (x < GUTTER_PX - 8 || x > w + 8 || lane < v.laneTop || lane >= v.laneTop + v.lanesShown) continue;
      // a flag on the lane's top edge: a pole and a pennant
      const y = v.laneY(lane);
      ctx.fillStyle = noteColour;
      ctx.fillRect(Math.round(x) - 0.5, y + 1, 1.5, LANE_PX - 2);
      ctx.beginPath();
      ctx.moveTo(x + 1, y + 1);
      ctx.lineTo(x + 9, y + 4.5);
      ctx.lineTo(x + 1, y + 8);
      ctx.fill();
      shown++;
    }
    ctx.restore();
    // for the tests: the notes marked on screen, and the range selected
    this.overlay.dataset.notes = String(shown);
    this.overlay.dataset.range = this.range ? `${Math.round(this.range.fromUs)}-${Math.round(this.range.toUs)}` : '';
  }

  /** The notes on the cursor's event, and the range notes over its time on its connection. */
  private showDetails(): void {
    const c = this.view.cursor;
    const doc = this.section.ownerDocument;
    if (c < 0 || c >= this.store.count) return this.section.replaceChildren();
    const t = this.store.tUs[c];
    const conn = this.store.lanes[this.store.lane[c]];
    const here = this.notes.filter((n) => (n.on === 'range' ? t >= n.tUs && t <= (n.toUs ?? n.tUs) && (n.conn === null || n.conn === conn) : n.event === c));
    this.section.replaceChildren(
      ...here.map((n) => {
        const box = doc.createElement('div');
        box.className = 'review-note';
        box.dataset.note = String(n.id);
        const head = doc.createElement('div');
        head.className = 'review-note-head';
        head.textContent = n.on === 'range' ? `Note ${n.id} · from ${fmtTime(n.tUs)} to ${fmtTime(n.toUs ?? n.tUs)}` : `Note ${n.id} · on this ${n.on}`;
        const body = doc.createElement('div');
        body.className = 'review-note-text';
        body.textContent = n.text;
        box.append(head, body);
        return box;
      }),
    );
  }
}
