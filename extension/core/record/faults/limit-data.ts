// limit_data: this direction delivers `bytes` in all, then the connection is closed (Toxiproxy's limit_data toxic);
// bytes read past the limit are dropped.
import { size } from './units';
import type { FaultKind } from './types';

export const limitData: FaultKind = {
  name: 'limit_data',
  options: [],
  parse(value, _option, bad) {
    if (!value) throw bad('limit_data needs a size, e.g. limit_data:64KB');
    return { limitBytes: size(value, bad) };
  },
  attributes: [{ name: 'bytes', field: 'limitBytes', factor: 1 }],
  chunk(spec, plan, link) {
    const limit = spec.limitBytes ?? 0;
    const sent = link.state.sent ?? 0;
    const room = Math.max(0, limit - sent);
    if (plan.bytes.length > room) plan.bytes = plan.bytes.subarray(0, room);
    link.state.sent = sent + plan.bytes.length;
    if (link.state.sent >= limit) {
      plan.thenClose = true;
      if (!link.state.told) {
        link.state.told = 1;
        link.acted({ limitBytes: limit });
      }
    }
  },
};
