// slicer: each chunk is delivered in slices of about `average_size` bytes (± `size_variation`), `delay` µs apart
// (Toxiproxy's slicer toxic, which halves a chunk at a jittered middle until the halves are small enough).
import { duration, size } from './units';
import type { FaultKind } from './types';

export const slicer: FaultKind = {
  name: 'slicer',
  options: ['variation', 'delay'],
  holds: true,
  parse(value, option, bad) {
    if (!value) throw bad('slicer needs an average slice size, e.g. slicer:64B,variation=16B,delay=1ms');
    const average = size(value, bad);
    if (average < 1) throw bad('the average slice size must be at least 1 byte');
    const variation = option('variation');
    const delay = option('delay');
    return {
      sliceBytes: average,
      sliceVariation: variation !== undefined ? size(variation, bad) : 0,
      sliceDelayUs: delay !== undefined ? duration(delay, bad) * 1000 : 0,
    };
  },
  attributes: [
    { name: 'average_size', field: 'sliceBytes', factor: 1 },
    { name: 'size_variation', field: 'sliceVariation', factor: 1 },
    { name: 'delay', field: 'sliceDelayUs', factor: 1 },
  ],
  chunk(spec, plan, link) {
    // Toxiproxy recurses forever on an average of 0; here it slices nothing
    if (!spec.sliceBytes || spec.sliceBytes < 1) return;
    plan.slices = { average: spec.sliceBytes, variation: spec.sliceVariation ?? 0, gapMs: (spec.sliceDelayUs ?? 0) / 1000 };
    link.acted({ bytes: plan.bytes.length, average: spec.sliceBytes });
  },
};

/** The lengths of the slices of `length` bytes, as Toxiproxy's slicer cuts them. */
export function sliceLengths(length: number, average: number, variation: number, rand: () => number): number[] {
  const out: number[] = [];
  const cut = (start: number, end: number): void => {
    if (end - start - average <= variation || end - start <= 1) {
      if (end > start) out.push(end - start);
      return;
    }
    let mid = start + Math.floor((end - start) / 2);
    if (variation > 0) mid += Math.floor(rand() * variation * 2) - variation;
    mid = Math.min(end - 1, Math.max(start + 1, mid));
    cut(start, mid);
    cut(mid, end);
  };
  cut(0, length);
  return out;
}
