// The registry of wire protocols, by the name a transcript header gives.
import { mogilefs } from './mogilefs';
import type { Protocol } from './types';

export * from './types';

const registry = new Map<string, Protocol>([[mogilefs.name, mogilefs]]);

export function registerProtocol(p: Protocol): void {
  registry.set(p.name, p);
}

export function protocolByName(name: string): Protocol | undefined {
  return registry.get(name.toLowerCase());
}

export function protocolNames(): string[] {
  return [...registry.keys()];
}
