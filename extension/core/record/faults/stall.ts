// stall: a chunk it hits holds this direction for a time, or (no duration) until the connection ends: the bytes are
// read and kept, and recorded as dropped if the connection ends first.
import { duration } from './units';
import type { FaultKind } from './types';

export const stall: FaultKind = {
  name: 'stall',
  options: [],
  holds: true,
  parse(value, _option, bad) {
    return value ? { stallMs: duration(value, bad) } : {};
  },
  chunk(spec, plan, link) {
    const until = link.state.until ?? 0;
    if (until <= plan.now && link.hit()) {
      link.state.until = spec.stallMs === undefined ? Infinity : plan.now + spec.stallMs;
      link.acted({ stallMs: spec.stallMs ?? null });
    }
    plan.holdUntil = Math.max(plan.holdUntil, link.state.until ?? 0);
  },
};
