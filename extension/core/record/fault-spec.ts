// Fault specs in the spirit of Toxiproxy's toxics, one per --fault:
//   latency:300ms[,jitter=50ms][,share=5%][,dir=down]   (also latency:300ms@5%)
//   stall[:5s][,share=1%][,dir=down]                      (no duration: hold the bytes until the connection ends)
//   reset[,share=1%][,after=64KB][,dir=down]              (RST both sides)
//   bandwidth:64KB/s[,dir=down]
// dir is down (server→client, the default), up (client→server) or both. A share applies to each chunk read.
import { UserError } from '../errors';
import type { Direction } from '../transcript/format';

export type FaultKind = 'latency' | 'stall' | 'reset' | 'bandwidth';

export interface FaultSpec {
  kind: FaultKind;
  dirs: Direction[];
  /** 0..1: the share of chunks the fault applies to */
  share: number;
  latencyMs?: number;
  jitterMs?: number;
  /** stall: how long; undefined = until the connection ends */
  stallMs?: number;
  /** reset: after this many bytes in the direction */
  afterBytes?: number;
  bytesPerSecond?: number;
  text: string;
}

export function parseFaultSpec(text: string): FaultSpec {
  const bad = (why: string) => new UserError(`--fault "${text}": ${why}`);
  const m = /^\s*(latency|stall|reset|bandwidth)\s*(?:[:=]\s*([^,]*))?(.*)$/i.exec(text);
  if (!m) throw bad('expected latency:…, stall, reset or bandwidth:… (e.g. latency:300ms@5%)');
  const kind = m[1].toLowerCase() as FaultKind;
  const spec: FaultSpec = { kind, dirs: ['s2c'], share: 1, text };
  let value = (m[2] ?? '').trim();
  const at = value.indexOf('@');
  if (at >= 0) {
    spec.share = share(value.slice(at + 1), bad);
    value = value.slice(0, at).trim();
  }
  for (const part of m[3].split(',').map((p) => p.trim()).filter(Boolean)) {
    const [k, v = ''] = part.split('=').map((x) => x.trim());
    switch (k) {
      case 'share':
        spec.share = share(v, bad);
        break;
      case 'jitter':
        spec.jitterMs = duration(v, bad);
        break;
      case 'dir':
        spec.dirs = dirs(v, bad);
        break;
      case 'after':
        spec.afterBytes = size(v, bad);
        break;
      default:
        throw bad(`unknown option "${k}" (options: share, jitter, dir, after)`);
    }
  }
  if (kind === 'latency') {
    if (!value) throw bad('latency needs a duration, e.g. latency:300ms');
    spec.latencyMs = duration(value, bad);
  } else if (kind === 'stall') {
    if (value) spec.stallMs = duration(value, bad);
  } else if (kind === 'bandwidth') {
    const b = /^(.+?)\/s$/i.exec(value);
    if (!b) throw bad('bandwidth needs a rate, e.g. bandwidth:64KB/s');
    spec.bytesPerSecond = size(b[1], bad);
    if (spec.bytesPerSecond <= 0) throw bad('the rate must be above zero');
  } else if (value) {
    throw bad('reset takes no value; use reset,after=64KB or reset@1%');
  }
  return spec;
}

function share(v: string, bad: (w: string) => Error): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(v.trim());
  const n = m ? Number(m[1]) / 100 : Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1 || v.trim() === '') throw bad(`share "${v}" is not a percentage from 0% to 100%`);
  return n;
}

export function duration(v: string, bad: (w: string) => Error): number {
  const m = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m)?$/.exec(v.trim());
  if (!m) throw bad(`"${v}" is not a duration (like 300ms or 2s)`);
  const ms = Number(m[1]) * ({ us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60000 }[m[2] ?? 'ms'] as number);
  // a timer cannot wait past 2^31 ms (it would fire at once); a fault longer than a day is a typo
  if (!Number.isFinite(ms) || ms > 24 * 3600 * 1000) throw bad(`"${v}" is longer than 24h`);
  return ms;
}

function size(v: string, bad: (w: string) => Error): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i.exec(v.trim());
  if (!m) throw bad(`"${v}" is not a size (like 64KB)`);
  const units: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1048576, gb: 1e9, gib: 1073741824 };
  const n = Math.round(Number(m[1]) * units[(m[2] ?? 'b').toLowerCase()]);
  if (!Number.isFinite(n) || n > 2 ** 50) throw bad(`"${v}" is past any size this tool handles`);
  return n;
}

function dirs(v: string, bad: (w: string) => Error): Direction[] {
  switch (v.toLowerCase()) {
    case 'down':
    case 's2c':
    case 'downstream':
      return ['s2c'];
    case 'up':
    case 'c2s':
    case 'upstream':
      return ['c2s'];
    case 'both':
      return ['c2s', 's2c'];
    default:
      throw bad(`dir "${v}" is not down, up or both`);
  }
}
