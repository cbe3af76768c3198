// A compact per-shard time series for the chart: one Float64Array per column (NaN = not given), grown by doubling
// and thinned 2:1 whenever it reaches its cap, so a shard costs at most cap × 7 × 8 bytes however long the file.
// The analysis never reads it (it streams and is exact); only the chart does, and a chart shows ~2,000 pixels.
import type { Sample } from './format';

export const SERIES_COLUMNS = ['tSec', 'dataBytes', 'indexBytes', 'storageBytes', 'ramBytes', 'residentBytes', 'chunks'] as const;
export type SeriesColumn = (typeof SERIES_COLUMNS)[number];

export class ShardSeries {
  readonly columns: Record<SeriesColumn, Float64Array>;
  length = 0;
  /** every stride-th sample is kept; doubles at each thinning */
  stride = 1;
  private seen = 0;

  constructor(
    readonly shard: string,
    readonly cap = 1 << 14,
  ) {
    if (cap < 4 || cap % 2 !== 0) throw new Error(`series cap must be an even number ≥ 4, not ${cap}`);
    this.columns = Object.fromEntries(SERIES_COLUMNS.map((c) => [c, new Float64Array(64)])) as Record<SeriesColumn, Float64Array>;
  }

  push(s: Sample): void {
    if (this.seen++ % this.stride !== 0) return;
    if (this.length === this.cap) this.thin();
    if (this.length === this.columns.tSec.length) this.grow();
    const i = this.length++;
    const c = this.columns;
    c.tSec[i] = s.tSec;
    c.dataBytes[i] = s.dataBytes;
    c.indexBytes[i] = s.indexBytes ?? NaN;
    c.storageBytes[i] = s.storageBytes ?? NaN;
    c.ramBytes[i] = s.ramBytes;
    c.residentBytes[i] = s.residentBytes ?? NaN;
    c.chunks[i] = s.chunks ?? NaN;
  }

  /** A column trimmed to its length (a view, not a copy). */
  get(column: SeriesColumn): Float64Array {
    return this.columns[column].subarray(0, this.length);
  }

  private grow(): void {
    const n = Math.min(this.cap, this.columns.tSec.length * 2);
    for (const c of SERIES_COLUMNS) {
      const a = new Float64Array(n);
      a.set(this.columns[c].subarray(0, this.length));
      this.columns[c] = a;
    }
  }

  private thin(): void {
    for (const c of SERIES_COLUMNS) {
      const a = this.columns[c];
      for (let i = 0; i < this.length / 2; i++) a[i] = a[i * 2];
    }
    this.length /= 2;
    // the sample being pushed is number cap·stride, a multiple of the doubled stride (cap is even): the grid stays aligned
    this.stride *= 2;
  }
}
