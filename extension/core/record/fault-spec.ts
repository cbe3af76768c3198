// Fault specs in the spirit of Toxiproxy's toxics, one per --fault: KIND[:VALUE][@SHARE][,option=value]…
//   latency:300ms[,jitter=50ms]   stall[:5s]   reset[,after=64KB]   bandwidth:64KB/s   slow_close:2s   timeout[:5s]
//   reset_peer[:100ms]   slicer:64B[,variation=16B][,delay=1ms]   limit_data:64KB
// Every kind (a module of faults/) also takes: dir=down|up|both (down, server→client, by default); share=5% or @5%:
// of the chunks read; toxicity=50%: of the connections, decided once per connection when it opens (or when the fault
// is added while it is open), Toxiproxy's meaning; nth=3: only the bytes of the third message in the direction (the
// third answer, downwards), where the connection's protocol frames its messages. The three combine.
import { UserError } from '../errors';
import type { Direction } from '../transcript/format';
import { faultKind, faultKindNames } from './faults';
import { dirs, share, type Bad } from './faults/units';

export { duration } from './faults/units';

/** The name of a registered fault kind (faults/index.ts). */
export type FaultKind = string;

export interface FaultSpec {
  kind: FaultKind;
  dirs: Direction[];
  /** 0..1: the share of chunks the fault applies to */
  share: number;
  /** 0..1: the share of connections the fault applies to, picked when each opens; undefined = all */
  toxicity?: number;
  /** only the bytes of the n-th message (1-based) of each connection in the fault's direction */
  nth?: number;
  latencyMs?: number;
  jitterMs?: number;
  /** stall: how long; undefined = until the connection ends */
  stallMs?: number;
  /** reset: after this many bytes in the direction */
  afterBytes?: number;
  bytesPerSecond?: number;
  /** slow_close: how long the end is held */
  delayMs?: number;
  /** timeout, reset_peer: ms until the connection is closed or reset */
  timeoutMs?: number;
  /** slicer: average slice, its variation (bytes) and the gap between slices (µs) */
  sliceBytes?: number;
  sliceVariation?: number;
  sliceDelayUs?: number;
  /** limit_data: bytes delivered before the connection is closed */
  limitBytes?: number;
  text: string;
}

const COMMON = ['share', 'toxicity', 'nth', 'dir'];

export function parseFaultSpec(text: string): FaultSpec {
  const bad: Bad = (why: string) => new UserError(`--fault "${text}": ${why}`);
  // the value after ':' or '=', or straight after the kind a share alone (reset@2%)
  const m = /^\s*([a-z_]+)\s*(?:([:=@])\s*([^,]*))?(.*)$/i.exec(text);
  const kind = m ? faultKind(m[1]) : undefined;
  if (!m || !kind) throw bad(`expected one of ${faultKindNames().join(', ')} (e.g. latency:300ms@5%)`);
  const spec: FaultSpec = { kind: kind.name, dirs: ['s2c'], share: 1, text };
  let value = m[2] === '@' ? `@${m[3]}` : (m[3] ?? '').trim();
  const at = value.indexOf('@');
  if (at >= 0) {
    spec.share = share(value.slice(at + 1), bad);
    value = value.slice(0, at).trim();
  }
  const own = new Map<string, string>();
  for (const part of m[4]
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [k, v = ''] = part.split('=').map((x) => x.trim());
    switch (k) {
      case 'share':
        spec.share = share(v, bad);
        break;
      case 'toxicity':
        spec.toxicity = share(v, bad);
        break;
      case 'nth':
        spec.nth = nth(v, bad);
        break;
      case 'dir':
        spec.dirs = dirs(v, bad);
        break;
      default:
        if (!kind.options.includes(k)) throw bad(`unknown option "${k}" (options: ${[...COMMON, ...kind.options].join(', ')})`);
        own.set(k, v);
    }
  }
  return { ...spec, ...kind.parse(value, (name) => own.get(name), bad) };
}

function nth(v: string, bad: Bad): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || v.trim() === '') throw bad(`nth "${v}" is not a message number from 1 up`);
  return n;
}
