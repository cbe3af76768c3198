// How the tracker's metadata store is slowed, to replay a database that answers slowly (the 2008 "too many
// connections"): `300ms` every operation; `100ms..900ms` uniform; `600ms@15%` a share of operations.
import { UserError } from '../errors';
import type { Random } from '../random';

export interface SlowSpec {
  minMs: number;
  maxMs: number;
  /** 0..1 */
  share: number;
  text: string;
}

export function parseSlowSpec(text: string): SlowSpec {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*(?:(?:\.\.|-)\s*(\d+(?:\.\d+)?)\s*(ms|s)?)?\s*(?:@\s*(\d+(?:\.\d+)?)%)?\s*$/.exec(text);
  if (!m) throw new UserError(`--slow "${text}": expected a delay like 300ms, 100ms..900ms or 600ms@15%`);
  const unit = (u: string | undefined, fallback: string | undefined) => ((u ?? fallback ?? 'ms') === 's' ? 1000 : 1);
  const minMs = Number(m[1]) * unit(m[2], m[4]);
  const maxMs = m[3] !== undefined ? Number(m[3]) * unit(m[4], m[2]) : minMs;
  const share = m[5] !== undefined ? Number(m[5]) / 100 : 1;
  if (maxMs < minMs) throw new UserError(`--slow "${text}": the range runs backwards`);
  if (share > 1) throw new UserError(`--slow "${text}": the share is over 100%`);
  return { minMs, maxMs, share, text: text.trim() };
}

/** The delay for one operation. */
export function pickDelayMs(spec: SlowSpec | null, rand: Random): number {
  if (!spec) return 0;
  if (spec.share < 1 && rand() >= spec.share) return 0;
  return spec.minMs + (spec.maxMs - spec.minMs) * rand();
}
