// slow_close: when the source of this direction ends, its end reaches the destination `delay` later (Toxiproxy's
// slow_close toxic): a server that answers and then lingers before it closes.
import { duration } from './units';
import type { FaultKind } from './types';

export const slowClose: FaultKind = {
  name: 'slow_close',
  options: [],
  parse(value, _option, bad) {
    if (!value) throw bad('slow_close needs a delay, e.g. slow_close:2s');
    return { delayMs: duration(value, bad) };
  },
  attributes: [{ name: 'delay', field: 'delayMs', factor: 1 }],
  ended(spec, link) {
    link.acted({ delayMs: spec.delayMs ?? 0 });
    return spec.delayMs ?? 0;
  },
};
