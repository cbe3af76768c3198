// reset: cuts the connection with RST both ways, on a chunk it hits or once `after` bytes were read in its direction.
import { size } from './units';
import type { FaultKind } from './types';

export const reset: FaultKind = {
  name: 'reset',
  options: ['after'],
  parse(value, option, bad) {
    if (value) throw bad('reset takes no value; use reset,after=64KB or reset@1%');
    const after = option('after');
    return after !== undefined ? { afterBytes: size(after, bad) } : {};
  },
  chunk(spec, plan, link) {
    if (spec.afterBytes !== undefined ? link.readBytes >= spec.afterBytes : link.hit()) {
      link.acted({ afterBytes: link.readBytes });
      plan.fate = 'reset';
    }
  },
};
