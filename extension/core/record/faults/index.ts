// The fault kinds by name, as --fault and Toxiproxy's `type` name them. A new kind is a module of this folder
// registered here (or from outside with registerFaultKind), like a toxic in Toxiproxy's toxics/.
import { bandwidth } from './bandwidth';
import { latency } from './latency';
import { limitData } from './limit-data';
import { reset } from './reset';
import { resetPeer } from './reset-peer';
import { slicer } from './slicer';
import { slowClose } from './slow-close';
import { stall } from './stall';
import { timeout } from './timeout';
import type { FaultKind } from './types';

export type { ChunkPlan, FaultKind, FaultLink, ToxicAttribute } from './types';
export { sliceLengths } from './slicer';

const registry = new Map<string, FaultKind>([latency, stall, reset, bandwidth, slowClose, timeout, resetPeer, slicer, limitData].map((k) => [k.name, k]));

export function registerFaultKind(kind: FaultKind): void {
  registry.set(kind.name, kind);
}

export function faultKind(name: string): FaultKind | undefined {
  return registry.get(name.toLowerCase());
}

export function faultKindNames(): string[] {
  return [...registry.keys()];
}
