// bandwidth: this direction delivers at most `rate` bytes a second (Toxiproxy's `rate` is in KB/s, 1000 bytes each).
import { size } from './units';
import type { FaultKind } from './types';

export const bandwidth: FaultKind = {
  name: 'bandwidth',
  options: [],
  holds: true,
  parse(value, _option, bad) {
    const b = /^(.+?)\/s$/i.exec(value);
    if (!b) throw bad('bandwidth needs a rate, e.g. bandwidth:64KB/s');
    const bytesPerSecond = size(b[1], bad);
    if (bytesPerSecond <= 0) throw bad('the rate must be above zero');
    return { bytesPerSecond };
  },
  attributes: [{ name: 'rate', field: 'bytesPerSecond', factor: 1000 }],
  chunk(spec, plan) {
    // Toxiproxy reads a rate of 0 as no limit
    if (spec.bytesPerSecond) plan.rate = Math.min(plan.rate, spec.bytesPerSecond);
  },
};
