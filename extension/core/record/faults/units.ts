// The words of a fault spec's values, shared by every fault kind: durations, sizes, shares and directions, each read
// from the user's text with a message that names what was expected.
import type { Direction } from '../../transcript/format';

export type Bad = (why: string) => Error;

/** A share written 5% or 0.05, from 0 to 1. */
export function share(v: string, bad: Bad): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(v.trim());
  const n = m ? Number(m[1]) / 100 : Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1 || v.trim() === '') throw bad(`share "${v}" is not a percentage from 0% to 100%`);
  return n;
}

// Durations (a bare number is ms) and sizes (a bare number is bytes) are the tool's one grammar, core/units.ts: a
// fault's 300ms reads as --timeout 300ms does. A fault longer than a day is a typo (and past what a timer can wait).
export { parseDurationMs as duration, parseSizeBytes as size, MAX_DURATION_MS as MAX_FAULT_MS } from '../../units';

export function dirs(v: string, bad: Bad): Direction[] {
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
