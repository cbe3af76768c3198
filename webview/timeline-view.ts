// The interactive canvas: cursor stepping, finding jumps, play at a speed, wheel zoom, drag pan, click to select.
// Draws at most once a frame, and only when something changed. Reports cursor moves through onCursor, the event
// under the pointer through onHover, and a lane asked for (its label clicked, a right-click) through onLane.
import { EventKind } from '../extension/core/timeline/model';
import type { FindingNav } from './finding-nav';
import { drawTimeline, markY } from './render';
import type { TimelineStore } from './store';
import { readPalette, type Palette } from './theme';
import { AXIS_PX, GUTTER_PX, LANE_PX, Viewport } from './viewport';

export class TimelineView {
  readonly canvas: HTMLCanvasElement;
  readonly view = new Viewport();
  cursor = -1;
  /** the finding the cursor is on (an index into the findings), -1 when it is on none; nav.current outlives it */
  finding = -1;
  speed = 1;
  playing = false;
  private palette: Palette;
  private pending = false;
  private lastFrameMs = 0;
  private playUs = 0;
  private drag: { x: number; y: number; moved: boolean; lanes: number } | null = null;
  /** the pointer is over an event (-1: over none, or gone), at canvas x, y */
  onHover: ((event: number, xPx: number, yPx: number) => void) | null = null;
  /** a lane's label was clicked (tUs -1), or a lane right-clicked at a time: open its ladder */
  onLane: ((lane: number, tUs: number) => void) | null = null;

  constructor(
    doc: Document,
    private readonly store: TimelineStore,
    private readonly nav: FindingNav,
    private readonly onCursor: (reason: 'step' | 'play' | 'pick') => void,
    private readonly onView: () => void,
    private readonly onPlaying: (playing: boolean) => void,
  ) {
    this.canvas = doc.createElement('canvas');
    this.canvas.id = 'timeline';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Timeline: one lane per connection; arrows step, N and P jump between findings, wheel zooms, drag pans');
    this.palette = readPalette(doc.body);
    this.canvas.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
    this.canvas.addEventListener('pointerdown', (e) => this.down(e));
    this.canvas.addEventListener('pointermove', (e) => this.move(e));
    this.canvas.addEventListener('pointerup', (e) => this.up(e));
    this.canvas.addEventListener('pointerleave', () => this.onHover?.(-1, 0, 0));
    this.canvas.addEventListener('contextmenu', (e) => {
      const { x, y } = this.local(e);
      const lane = this.laneAt(y);
      if (lane < 0) return;
      e.preventDefault();
      this.onLane?.(lane, x >= GUTTER_PX ? this.view.t(x) : -1);
    });
    // a theme change rewrites the body's class and style: read the colours again
    new MutationObserver(() => {
      this.palette = readPalette(doc.body);
      this.redraw();
    }).observe(doc.body, { attributes: true, attributeFilter: ['class', 'style'] });
  }

  resize(widthCss: number, heightCss: number): void {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.floor(widthCss * dpr));
    this.canvas.height = Math.max(1, Math.floor(heightCss * dpr));
    this.canvas.style.width = `${widthCss}px`;
    this.canvas.style.height = `${heightCss}px`;
    this.view.widthPx = widthCss;
    this.view.heightPx = heightCss;
    this.redraw();
  }

  redraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame((now) => this.frame(now));
  }

  private frame(nowMs: number): void {
    this.pending = false;
    if (this.playing) this.advance(nowMs);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const dpr = this.canvas.width / Math.max(1, this.view.widthPx);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    // how many labels are drawn, for the tests (the canvas shows text only as pixels)
    this.canvas.dataset.labels = String(drawTimeline(ctx, this.store, this.view, this.palette, { cursor: this.cursor, finding: this.finding }));
    // where the cursor's mark is, for the tests (they point at it to hover)
    const at = this.markAt(this.cursor);
    if (at) this.canvas.dataset.cursorAt = `${Math.round(at.x)},${Math.round(at.y)}`;
    else delete this.canvas.dataset.cursorAt;
    if (this.playing) this.redraw();
  }

  fitAll(): void {
    this.view.fit(this.store.firstUs, this.store.lastUs);
    this.onView();
    this.redraw();
  }

  /** Zooms about the cursor (the middle when there is none); a factor below 1 zooms in. */
  zoomBy(factor: number): void {
    const v = this.view;
    v.zoomAt(this.cursor >= 0 ? v.x(this.store.tUs[this.cursor]) : v.widthPx / 2, factor);
    this.onView();
    this.redraw();
  }

  /** Scrolls the lanes by d. */
  panLanes(d: number): void {
    this.view.pan(0, d, this.store.lanes.length);
    this.onView();
    this.redraw();
  }

  setCursor(i: number, reason: 'step' | 'play' | 'pick'): void {
    if (this.store.count === 0) return;
    this.cursor = Math.max(0, Math.min(this.store.count - 1, i));
    if (reason !== 'pick') this.view.reveal(this.store.tUs[this.cursor], this.store.lane[this.cursor]);
    // on the current finding's event it stays current; on another shown finding's event, that one becomes current
    const current = this.nav.current;
    this.finding = current >= 0 && this.store.findings[current]?.event === this.cursor ? current : this.nav.atEvent(this.cursor);
    if (this.finding >= 0) this.nav.current = this.finding;
    this.onCursor(reason);
    this.redraw();
  }

  /** Pans (never zooms) so that the cursor is on screen, if there is one. */
  revealCursor(): void {
    if (this.cursor < 0 || this.cursor >= this.store.count) return;
    this.view.reveal(this.store.tUs[this.cursor], this.store.lane[this.cursor]);
    this.onView();
    this.redraw();
  }

  step(delta: number): void {
    this.setCursor(this.cursor < 0 ? (delta > 0 ? 0 : this.store.count - 1) : this.cursor + delta, 'step');
  }

  /** Moves to the next (dir 1) or previous (dir -1) finding the list shows, in its order, from the current one. */
  jumpFinding(dir: 1 | -1): void {
    const n = this.nav.step(dir);
    if (n >= 0) this.selectFinding(n);
  }

  /** Moves the cursor to a finding (an index into the findings) and makes it the current one. */
  selectFinding(n: number): void {
    const f = this.store.findings[n];
    if (!f) return;
    this.nav.current = n;
    this.finding = n;
    this.setCursor(f.event, 'step');
  }

  setPlaying(on: boolean): void {
    if (on === this.playing || this.store.count === 0) return;
    this.playing = on;
    if (on) {
      if (this.cursor >= this.store.count - 1) this.cursor = -1;
      this.playUs = this.cursor >= 0 ? this.store.tUs[this.cursor] : this.store.firstUs;
      this.lastFrameMs = performance.now();
    }
    this.onPlaying(on);
    this.redraw();
  }

  /** Play: transcript time runs at `speed` × wall time; the cursor follows the last event reached. */
  private advance(nowMs: number): void {
    const dt = Math.max(0, nowMs - this.lastFrameMs);
    this.lastFrameMs = nowMs;
    this.playUs += dt * 1000 * this.speed;
    const reached = this.store.lowerBound(this.playUs + 0.5) - 1;
    if (reached > this.cursor) this.setCursor(reached, 'play');
    if (reached >= this.store.count - 1) this.setPlaying(false);
  }

  private wheel(e: WheelEvent): void {
    e.preventDefault();
    const rect = this.canvas.getBoundingClientRect();
    const dx = e.shiftKey ? e.deltaY : e.deltaX;
    if (Math.abs(dx) > 0 && !e.ctrlKey) this.view.pan(-dx, 0, this.store.lanes.length);
    else this.view.zoomAt(Math.max(GUTTER_PX, e.clientX - rect.left), Math.pow(1.0015, e.deltaY));
    this.onView();
    this.redraw();
  }

  private down(e: PointerEvent): void {
    this.canvas.setPointerCapture(e.pointerId);
    this.drag = { x: e.clientX, y: e.clientY, moved: false, lanes: 0 };
  }

  private local(e: MouseEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  /** The lane under a canvas y; -1 above the lanes or past the last. */
  laneAt(y: number): number {
    const v = this.view;
    if (y < AXIS_PX) return -1;
    const lane = v.laneTop + Math.floor((y - v.laneY(v.laneTop)) / LANE_PX);
    return lane < this.store.lanes.length ? lane : -1;
  }

  /** Where an event's mark is on the canvas; null when it is off screen. */
  markAt(i: number): { x: number; y: number } | null {
    if (i < 0 || i >= this.store.count) return null;
    const v = this.view;
    const lane = this.store.lane[i];
    const x = v.x(this.store.tUs[i]);
    if (lane < v.laneTop || lane >= v.laneTop + v.lanesShown || x < GUTTER_PX || x > v.widthPx) return null;
    return { x, y: markY(v, lane, this.store.kind[i]) };
  }

  private move(e: PointerEvent): void {
    const d = this.drag;
    if (!d) {
      const { x, y } = this.local(e);
      this.onHover?.(x >= GUTTER_PX ? this.hit(x, y) : -1, x, y);
      return;
    }
    const dx = e.clientX - d.x;
    const lanes = Math.trunc((d.y - e.clientY) / LANE_PX);
    if (!d.moved && Math.abs(dx) < 3 && lanes === 0) return;
    d.moved = true;
    this.view.pan(dx, lanes - d.lanes, this.store.lanes.length);
    d.x = e.clientX;
    d.lanes = lanes;
    this.onView();
    this.redraw();
  }

  private up(e: PointerEvent): void {
    const d = this.drag;
    this.drag = null;
    if (!d || d.moved) return;
    const { x, y } = this.local(e);
    // a lane's label opens its ladder
    if (x < GUTTER_PX) {
      const lane = this.laneAt(y);
      if (lane >= 0) this.onLane?.(lane, -1);
      return;
    }
    const hit = this.hit(x, y);
    if (hit >= 0) this.setCursor(hit, 'pick');
  }

  /**
   * The event nearest a point, within 8 px across on the lane under it: the nearest mark (requests are drawn in the
   * lane's upper half, responses in its lower), the first of marks as near (two answers read at once); -1 when none.
   */
  hit(x: number, y: number): number {
    const v = this.view;
    const lane = this.laneAt(y);
    if (lane < 0) return -1;
    let best = -1;
    let bestD = Infinity;
    const end = this.store.lowerBound(v.t(x + 8));
    // at a million events a pixel can hold thousands: look at the nearest few hundred only
    for (let i = Math.max(this.store.lowerBound(v.t(x - 8)), end - 400); i < end; i++) {
      if (this.store.lane[i] !== lane) continue;
      const dx = Math.abs(v.x(this.store.tUs[i]) - x);
      if (dx > 8) continue;
      // marks without a shape of their own (client events) only where nothing else is
      const d = dx + Math.abs(markY(v, lane, this.store.kind[i]) - y) / 2 + (this.store.kind[i] === EventKind.other ? 100 : 0);
      if (d < bestD) {
        best = i;
        bestD = d;
      }
    }
    return best;
  }
}
