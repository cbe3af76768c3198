// The contract of a fault kind (Toxiproxy's toxic): how its --fault text reads, its Toxiproxy attributes, and what it
// does to one direction of one connection, through hooks the pipe calls. A kind is a module registered by name
// (index.ts), one file each, as Toxiproxy keeps one file per toxic.
import type { Direction } from '../../transcript/format';
import type { Random } from '../../random';
import type { FaultSpec } from '../fault-spec';
import type { Bad } from './units';

/** What becomes of one chunk read, as the faults that apply to it are run over it in order. */
export interface ChunkPlan {
  /** the bytes to deliver: a fault may cut them short (the rest is dropped) */
  bytes: Buffer;
  /** ms on the performance.now clock when the chunk was read */
  readonly now: number;
  /** ms added to the chunk's delivery */
  delayMs: number;
  /** nothing of this direction is delivered before this time (ms, performance.now; Infinity: until the end) */
  holdUntil: number;
  /** bytes per second this direction may deliver (Infinity: no limit) */
  rate: number;
  /** delivered in slices of about `average` bytes (± `variation`), `gapMs` apart */
  slices: { average: number; variation: number; gapMs: number } | null;
  /** deliver it; drop it (read, never delivered); cut the connection at once with RST */
  fate: 'deliver' | 'drop' | 'reset';
  /** once these bytes are delivered, close the connection (both sides, FIN) */
  thenClose: boolean;
}

/** One fault on one direction of one connection: what a kind may ask of the connection, and its own state. */
export interface FaultLink {
  readonly dir: Direction;
  readonly rand: Random;
  /** bytes read in this direction so far, the chunk at hand included */
  readonly readBytes: number;
  /** the kind's own state for this link (limit_data's count, stall's end) */
  readonly state: Record<string, number>;
  /** true for the spec's `share` of the chunks (a roll per call) */
  hit(): boolean;
  /** records that the fault acted here: a `fault` event on this connection */
  acted(detail: Record<string, unknown>): void;
  /** cuts the connection now: RST to both sides */
  reset(): void;
  /** closes the connection now: FIN to both sides, anything held dropped */
  close(): void;
  /** runs `fn` after `ms` unless the connection ends or the fault leaves the link first */
  after(ms: number, fn: () => void): void;
}

/** A Toxiproxy attribute: its JSON name, the spec field it sets and the factor from its unit to the field's. */
export interface ToxicAttribute {
  name: string;
  field: keyof FaultSpec;
  factor: number;
}

export interface FaultKind {
  /** the name in --fault and Toxiproxy's `type` */
  name: string;
  /** the kind's own --fault options besides dir, share, toxicity and nth */
  options: string[];
  /** reads the value after `kind:` and the kind's options into the spec's fields */
  parse(value: string, option: (name: string) => string | undefined, bad: Bad): Partial<FaultSpec>;
  /** Toxiproxy's attributes of this toxic; a kind without them is not offered by `serve --api` */
  attributes?: ToxicAttribute[];
  /** a chunk read in a direction this fault applies to, on a connection it was picked for */
  chunk?(spec: FaultSpec, plan: ChunkPlan, link: FaultLink): void;
  /** the source of this direction ended: ms to wait before ending the destination */
  ended?(spec: FaultSpec, link: FaultLink): number;
  /** the fault begins on this link (the connection opened, or the fault was added) */
  attach?(spec: FaultSpec, link: FaultLink): void;
  /** the fault leaves this link: removed from the proxy, or replaced by an update */
  detach?(spec: FaultSpec, link: FaultLink, why: 'remove' | 'update'): void;
  /** whether bytes this fault held should be let go when it leaves (a latency, a stall) */
  holds?: boolean;
}
