// Latency histograms in microseconds (hdr-histogram-js, 3 significant digits): recorded per thread, shipped
// between threads as compressed base64, merged, and summarised as the percentiles a result file carries.
import type * as Hdr from 'hdr-histogram-js';

// required on first use, not when the bundle loads: the editor's activation need not evaluate it (extension/core/drivers.ts)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hdr = (): typeof Hdr => require('hdr-histogram-js');

export interface LatencyUs {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export type LatencyHistogram = Hdr.Histogram;

export function newHistogram(): LatencyHistogram {
  return hdr().build({ bitBucketSize: 32, lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3, autoResize: true });
}

/** Records one latency; sub-microsecond values count as 1 µs so that every operation is in the histogram. */
export function recordUs(h: LatencyHistogram, us: number): void {
  h.recordValue(us < 1 ? 1 : Math.round(us));
}

export function encodeHistogram(h: LatencyHistogram): string {
  return hdr().encodeIntoCompressedBase64(h);
}

export function decodeHistogram(s: string): LatencyHistogram {
  return hdr().decodeFromCompressedBase64(s, 32);
}

/** Sums histograms recorded in different threads into one. */
export function mergeHistograms(encoded: string[]): LatencyHistogram {
  const total = newHistogram();
  for (const e of encoded) {
    const h = decodeHistogram(e);
    total.add(h);
    h.destroy();
  }
  return total;
}

export function summarise(h: LatencyHistogram): LatencyUs {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
    mean: Math.round(h.mean * 10) / 10,
  };
}
