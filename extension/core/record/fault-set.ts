// The faults of a running proxy, each under a name (Toxiproxy's toxic name): added, changed and removed while
// connections flow. Listeners hear every change (the proxy writes it to the transcript and tells its connections).
import { UserError } from '../errors';
import type { FaultSpec } from './fault-spec';

export interface ActiveFault {
  /** unique for the proxy's life: a fault removed and added again under its name is another fault */
  readonly id: number;
  readonly name: string;
  spec: FaultSpec;
}

export type FaultChange = { op: 'add'; fault: ActiveFault } | { op: 'update'; fault: ActiveFault; previous: FaultSpec } | { op: 'remove'; fault: ActiveFault };

export class FaultNameError extends UserError {
  constructor(
    readonly fault: string,
    readonly problem: 'exists' | 'unknown',
  ) {
    super(problem === 'exists' ? `fault "${fault}" already exists` : `no fault named "${fault}"`);
  }
}

export class FaultSet {
  private list: ActiveFault[] = [];
  private nextId = 1;
  private readonly listeners: Array<(change: FaultChange) => void> = [];

  constructor(initial: FaultSpec[] = []) {
    // the --fault specs of a run: named as Toxiproxy names a toxic without one, numbered when a name repeats
    for (const spec of initial) {
      let name = defaultName(spec);
      for (let i = 2; this.find(name); i++) name = `${defaultName(spec)}_${i}`;
      this.list.push({ id: this.nextId++, name, spec });
    }
  }

  /** The faults in the order they were added: the order they act in. */
  get all(): readonly ActiveFault[] {
    return this.list;
  }

  find(name: string): ActiveFault | undefined {
    return this.list.find((f) => f.name === name);
  }

  onChange(listener: (change: FaultChange) => void): void {
    this.listeners.push(listener);
  }

  add(spec: FaultSpec, name = defaultName(spec)): ActiveFault {
    if (this.find(name)) throw new FaultNameError(name, 'exists');
    const fault: ActiveFault = { id: this.nextId++, name, spec };
    this.list = [...this.list, fault];
    this.tell({ op: 'add', fault });
    return fault;
  }

  update(name: string, spec: FaultSpec): ActiveFault {
    const fault = this.find(name);
    if (!fault) throw new FaultNameError(name, 'unknown');
    const previous = fault.spec;
    fault.spec = spec;
    this.tell({ op: 'update', fault, previous });
    return fault;
  }

  remove(name: string): ActiveFault {
    const fault = this.find(name);
    if (!fault) throw new FaultNameError(name, 'unknown');
    this.list = this.list.filter((f) => f !== fault);
    this.tell({ op: 'remove', fault });
    return fault;
  }

  /** Removes every fault (Toxiproxy's POST /reset). */
  clear(): void {
    for (const f of [...this.list]) this.remove(f.name);
  }

  private tell(change: FaultChange): void {
    for (const l of this.listeners) l(change);
  }
}

/** Toxiproxy's default toxic name: `<type>_<stream>`. */
export function defaultName(spec: FaultSpec): string {
  const stream = spec.dirs.length === 2 ? 'both' : spec.dirs[0] === 'c2s' ? 'upstream' : 'downstream';
  return `${spec.kind}_${stream}`;
}
