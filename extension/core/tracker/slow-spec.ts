// How the tracker's metadata store is slowed, to replay a database that answers slowly (the 2008 "too many
// connections"): `300ms` every operation; `100ms..900ms` uniform; `600ms@15%` a share of operations.
import { UserError } from '../errors';
import { parseDurationMs } from '../units';
import type { Random } from '../random';

export interface SlowSpec {
  minMs: number;
  maxMs: number;
  /** 0..1 */
  share: number;
  text: string;
}

export function parseSlowSpec(text: string): SlowSpec {
  const bad = (why: string) => new UserError(`--slow "${text}": ${why}`);
  const m = /^\s*([^@]+?)\s*(?:@\s*(\d+(?:\.\d+)?)%)?\s*$/.exec(text);
  const ends = m ? m[1].split(/\s*(?:\.\.|-)\s*/) : [];
  if (!m || ends.length > 2) throw bad('expected a delay like 300ms, 100ms..900ms or 600ms@15%');
  // "1..2s" once meant 1s..2s; a bare number is ms now, so an end without a unit beside one with a unit is an error
  if (ends.length === 2 && /\d$/.test(ends[0]) !== /\d$/.test(ends[1])) throw bad('give both ends a unit (like 1s..2s), or neither (ms)');
  const minMs = parseDurationMs(ends[0], bad);
  const maxMs = ends.length === 2 ? parseDurationMs(ends[1], bad) : minMs;
  const share = m[2] !== undefined ? Number(m[2]) / 100 : 1;
  if (maxMs < minMs) throw bad('the range runs backwards');
  if (share > 1) throw bad('the share is over 100%');
  return { minMs, maxMs, share, text: text.trim() };
}

/** The delay for one operation. */
export function pickDelayMs(spec: SlowSpec | null, rand: Random): number {
  if (!spec) return 0;
  if (spec.share < 1 && rand() >= spec.share) return 0;
  return spec.minMs + (spec.maxMs - spec.minMs) * rand();
}
