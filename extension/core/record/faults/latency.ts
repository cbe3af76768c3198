// latency: each chunk waits `latency` ± `jitter` before it is delivered (Toxiproxy's latency toxic); the order of the
// bytes is kept, so a chunk read behind a delayed one waits for it, as on a slow link.
import { duration } from './units';
import type { FaultKind } from './types';

export const latency: FaultKind = {
  name: 'latency',
  options: ['jitter'],
  holds: true,
  parse(value, option, bad) {
    if (!value) throw bad('latency needs a duration, e.g. latency:300ms');
    const jitter = option('jitter');
    return { latencyMs: duration(value, bad), ...(jitter !== undefined ? { jitterMs: duration(jitter, bad) } : {}) };
  },
  attributes: [
    { name: 'latency', field: 'latencyMs', factor: 1 },
    { name: 'jitter', field: 'jitterMs', factor: 1 },
  ],
  chunk(spec, plan, link) {
    if (!link.hit()) return;
    const jitter = spec.jitterMs ? spec.jitterMs * (2 * link.rand() - 1) : 0;
    const ms = Math.max(0, (spec.latencyMs ?? 0) + jitter);
    plan.delayMs += ms;
    link.acted({ latencyMs: Math.round(ms * 1000) / 1000, bytes: plan.bytes.length });
  },
};
