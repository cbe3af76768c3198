// The registry of wire protocols, by the name a transcript header gives.
import { http } from './http';
import { mogilefs } from './mogilefs';
import { mongodb } from './mongodb';
import { mysql } from './mysql';
import { postgres } from './postgres';
import { redis } from './redis';
import type { Protocol } from './types';

export * from './types';
export { detectProtocol, isTlsHello, tellConnection, type DetectInput } from './detect';

const registry = new Map<string, Protocol>([mogilefs, mysql, postgres, mongodb, redis, http].map((p) => [p.name, p]));

export function registerProtocol(p: Protocol): void {
  registry.set(p.name, p);
}

export function protocolByName(name: string): Protocol | undefined {
  return registry.get(name.toLowerCase());
}

export function protocolNames(): string[] {
  return [...registry.keys()];
}
