// A trailing time window of (t, y) points with a least-squares line through it, updated in O(1) per point:
// running sums about a reference point (re-based from the ring every so often, so removals never lose precision).
// Points closer together than window/maxPoints are skipped, which bounds the ring for densely sampled files.
export interface LineFit {
  n: number;
  /** y per second */
  slope: number;
  /** the fitted y at tEnd (the newest point) */
  levelAtEnd: number;
  tEnd: number;
  /** residual standard deviation, in y units */
  sigma: number;
  /** standard error of the slope */
  slopeSe: number;
}

export class TrailingWindow {
  private t: Float64Array;
  private y: Float64Array;
  private head = 0;
  private n = 0;
  private tRef = 0;
  private yRef = 0;
  private st = 0;
  private sy = 0;
  private stt = 0;
  private sty = 0;
  private syy = 0;
  private removals = 0;
  private readonly minGapSec: number;
  private lastT = -Infinity;

  constructor(
    readonly windowSec: number,
    readonly maxPoints = 4096,
  ) {
    if (!(windowSec > 0)) throw new Error(`window must be > 0 s, not ${windowSec}`);
    this.t = new Float64Array(Math.min(64, maxPoints + 1));
    this.y = new Float64Array(this.t.length);
    this.minGapSec = windowSec / maxPoints;
  }

  get size(): number {
    return this.n;
  }

  push(t: number, y: number): void {
    if (t - this.lastT < this.minGapSec) return;
    this.lastT = t;
    while (this.n > 0 && this.t[this.head] <= t - this.windowSec) this.removeOldest();
    if (this.n === 0) {
      this.tRef = t;
      this.yRef = y;
    }
    if (this.n === this.t.length) this.grow();
    const i = (this.head + this.n) % this.t.length;
    this.t[i] = t;
    this.y[i] = y;
    this.n++;
    this.add(t, y, 1);
  }

  fit(): LineFit | null {
    const n = this.n;
    if (n < 3) return null;
    const mt = this.st / n;
    const my = this.sy / n;
    const sxx = this.stt - n * mt * mt;
    if (!(sxx > 0)) return null;
    const sxy = this.sty - n * mt * my;
    const syy = this.syy - n * my * my;
    const slope = sxy / sxx;
    const sse = Math.max(0, syy - slope * sxy);
    const sigma = Math.sqrt(sse / (n - 2));
    const last = (this.head + n - 1) % this.t.length;
    const tEnd = this.t[last];
    const levelAtEnd = this.yRef + my + slope * (tEnd - this.tRef - mt);
    return { n, slope, levelAtEnd, tEnd, sigma, slopeSe: sigma / Math.sqrt(sxx) };
  }

  private add(t: number, y: number, sign: 1 | -1): void {
    const dt = t - this.tRef;
    const dy = y - this.yRef;
    this.st += sign * dt;
    this.sy += sign * dy;
    this.stt += sign * dt * dt;
    this.sty += sign * dt * dy;
    this.syy += sign * dy * dy;
  }

  private removeOldest(): void {
    this.add(this.t[this.head], this.y[this.head], -1);
    this.head = (this.head + 1) % this.t.length;
    this.n--;
    if (++this.removals >= Math.max(16, this.n)) this.rebase();
  }

  private rebase(): void {
    this.removals = 0;
    this.st = this.sy = this.stt = this.sty = this.syy = 0;
    if (this.n === 0) return;
    this.tRef = this.t[this.head];
    this.yRef = this.y[this.head];
    for (let k = 0; k < this.n; k++) {
      const i = (this.head + k) % this.t.length;
      this.add(this.t[i], this.y[i], 1);
    }
  }

  private grow(): void {
    const cap = this.t.length * 2;
    const t = new Float64Array(cap);
    const y = new Float64Array(cap);
    for (let k = 0; k < this.n; k++) {
      const i = (this.head + k) % this.t.length;
      t[k] = this.t[i];
      y[k] = this.y[i];
    }
    this.t = t;
    this.y = y;
    this.head = 0;
  }
}
