// What part of the timeline is on screen: time at the left edge, µs per pixel, first lane. Pure arithmetic for
// zoom about a point, pan, fit-all and keeping the cursor in view; no DOM, so it is tested under Node.

export const GUTTER_PX = 84;
export const AXIS_PX = 22;
export const LANE_PX = 24;

export class Viewport {
  t0Us = 0;
  usPerPx = 1;
  laneTop = 0;
  widthPx = 800;
  heightPx = 400;

  /** x in canvas pixels of a time */
  x(tUs: number): number {
    return GUTTER_PX + (tUs - this.t0Us) / this.usPerPx;
  }

  /** time at a canvas x */
  t(xPx: number): number {
    return this.t0Us + (xPx - GUTTER_PX) * this.usPerPx;
  }

  get plotWidth(): number {
    return Math.max(1, this.widthPx - GUTTER_PX);
  }

  get t1Us(): number {
    return this.t0Us + this.plotWidth * this.usPerPx;
  }

  get lanesShown(): number {
    return Math.max(1, Math.floor((this.heightPx - AXIS_PX) / LANE_PX));
  }

  laneY(lane: number): number {
    return AXIS_PX + (lane - this.laneTop) * LANE_PX;
  }

  /** Shows the whole span with a little room at both ends. */
  fit(firstUs: number, lastUs: number): void {
    const span = Math.max(1, lastUs - firstUs);
    this.usPerPx = (span * 1.04) / this.plotWidth;
    this.t0Us = firstUs - span * 0.02;
    this.laneTop = 0;
  }

  /** Zooms by factor (>1 zooms out) keeping the time under xPx where it is. */
  zoomAt(xPx: number, factor: number): void {
    const at = this.t(xPx);
    // between 1 ns a pixel and about 30 years across the screen
    this.usPerPx = Math.min(1e12, Math.max(0.001, this.usPerPx * factor));
    this.t0Us = at - (xPx - GUTTER_PX) * this.usPerPx;
  }

  pan(dxPx: number, dLanes: number, laneCount: number): void {
    this.t0Us -= dxPx * this.usPerPx;
    this.laneTop = Math.max(0, Math.min(Math.max(0, laneCount - this.lanesShown), this.laneTop + dLanes));
  }

  /** Pans (never zooms) so that tUs and the lane are on screen, with a margin. */
  reveal(tUs: number, lane: number): void {
    const margin = this.plotWidth * 0.02 * this.usPerPx;
    if (tUs < this.t0Us + margin || tUs > this.t1Us - margin) this.t0Us = tUs - this.plotWidth * 0.5 * this.usPerPx;
    if (lane < this.laneTop) this.laneTop = lane;
    else if (lane >= this.laneTop + this.lanesShown) this.laneTop = lane - this.lanesShown + 1;
  }
}

/**
 * The times of the axis ticks on screen, every tickStep apart. None before 0: a transcript's times count from its
 * start, and fit-all leaves a little room before the first event, which is no reason to label "-1 s".
 */
export function axisTicks(v: Viewport, minPx: number): number[] {
  const step = tickStep(v.usPerPx, minPx);
  const out: number[] = [];
  for (let t = Math.max(0, Math.ceil(v.t0Us / step) * step); t <= v.t1Us; t += step) out.push(t);
  return out;
}

/** A tick step of 1, 2 or 5 × 10^k µs giving at least minPx between ticks. */
export function tickStep(usPerPx: number, minPx: number): number {
  const raw = usPerPx * minPx;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export { fmtUsFine as fmtTime } from '../extension/core/time-text';
