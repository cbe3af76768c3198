// timeout: nothing of this direction gets through (read and dropped), and the connection is closed `timeout` after
// the fault began on it; 0 keeps it open, dropping, until the fault is removed (Toxiproxy's timeout toxic). As in
// Toxiproxy, removing the fault closes the connections it held: bytes were dropped, the stream cannot go on.
import { duration } from './units';
import type { FaultKind } from './types';

export const timeout: FaultKind = {
  name: 'timeout',
  options: [],
  parse(value, _option, bad) {
    return { timeoutMs: value ? duration(value, bad) : 0 };
  },
  attributes: [{ name: 'timeout', field: 'timeoutMs', factor: 1 }],
  attach(spec, link) {
    link.acted({ timeoutMs: spec.timeoutMs ?? 0 });
    if (spec.timeoutMs) link.after(spec.timeoutMs, () => link.close());
  },
  chunk(_spec, plan) {
    plan.fate = 'drop';
  },
  detach(_spec, link, why) {
    if (why === 'remove') link.close();
  },
};
