// reset_peer: the first chunk read in this direction is dropped, and `timeout` later (at once for 0) the connection
// is cut with RST both ways (Toxiproxy's reset_peer toxic); what is read meanwhile is dropped too.
import { duration } from './units';
import type { FaultKind } from './types';

export const resetPeer: FaultKind = {
  name: 'reset_peer',
  options: [],
  parse(value, _option, bad) {
    return { timeoutMs: value ? duration(value, bad) : 0 };
  },
  attributes: [{ name: 'timeout', field: 'timeoutMs', factor: 1 }],
  chunk(spec, plan, link) {
    plan.fate = 'drop';
    if (link.state.armed) return;
    link.state.armed = 1;
    link.acted({ timeoutMs: spec.timeoutMs ?? 0 });
    if (spec.timeoutMs) link.after(spec.timeoutMs, () => link.reset());
    else plan.fate = 'reset';
  },
};
