// Durations and sizes as a user writes them, for every flag and spec of the tool (CLI flags, --fault specs, the
// tracker's --slow, import's --from +30s): one grammar, one unit for a bare number (ms for a duration, bytes for a
// size), and one message that names the flag. A flag whose bare number meant something else before (hours, seconds)
// asks for a unit instead of changing its meaning without a word.
import { UserError } from './errors';
// the size units are those of the metrics files (SI and IEC, any case), kept there: the webview shows sizes with them
import { unitNamed } from './metrics/units';

/** Where a value came from: a flag's name ("--timeout"), or a function that makes the error (a fault spec's). */
export type Where = string | ((problem: string) => Error);

const MS_PER: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A timer cannot wait past 2^31 ms (it would fire at once); no wait of this tool needs more than a day. */
export const MAX_DURATION_MS = 24 * 3600 * 1000;

/** The line each verb's --help carries about the units of its flags. */
const DURATION_FORMS = 'like 500us, 250ms, 1.5s, 2m, 1h, 1d; a bare number is ms';
const SIZE_FORMS = 'like 300B, 64KB (1000 B), 64KiB (1024 B), MB/MiB, GB/GiB, TB/TiB; a bare number is bytes';
export const DURATION_HELP = `Durations: ${DURATION_FORMS.slice(5)}.`;
export const SIZE_HELP = `Sizes: ${SIZE_FORMS.slice(5)}.`;

export interface DurationRule {
  /** the longest accepted (default MAX_DURATION_MS) */
  maxMs?: number;
  /** the shortest accepted (default 0) */
  minMs?: number;
  /** what a bare number meant on this flag before bare numbers were ms everywhere ("hours"): then a unit is required */
  bareWas?: string;
}

export interface SizeRule {
  /** the largest accepted (default 2^50) */
  max?: number;
  /** the smallest accepted (default 0) */
  min?: number;
  bareWas?: string;
}

const NUMBER_UNIT = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-zµ]*)$/i;

/** A duration in ms: `250ms`, `1.5s`, `2m`, `1h`, `500us`, `300` (ms). */
export function parseDurationMs(text: string, where: Where, rule: DurationRule = {}): number {
  const m = NUMBER_UNIT.exec(text.trim());
  const unit = m?.[2] ?? '';
  const factor = unit === '' ? 1 : MS_PER[unit];
  if (!m || factor === undefined) return fail(where, `"${text}" is not a duration (${DURATION_FORMS})`);
  if (unit === '' && rule.bareWas)
    return fail(where, `"${text}" needs a unit, like ${m[1]}ms or ${m[1]}s (a bare number here was ${rule.bareWas}; now it is ms everywhere)`);
  const ms = Number(m[1]) * factor;
  const max = rule.maxMs ?? MAX_DURATION_MS;
  if (!Number.isFinite(ms) || ms > max) return fail(where, `"${text}" is longer than ${showMs(max)}`);
  if (ms < (rule.minMs ?? 0)) return fail(where, `"${text}" is shorter than ${showMs(rule.minMs ?? 0)}`);
  return ms;
}

/** A size in bytes: `64KB`, `1MiB`, `300B`, `300` (bytes). Whole bytes: a fraction of a byte is rounded. */
export function parseSizeBytes(text: string, where: Where, rule: SizeRule = {}): number {
  const m = NUMBER_UNIT.exec(text.trim());
  const unit = m ? unitNamed(m[2]) : undefined;
  if (!m || !unit) return fail(where, `"${text}" is not a size (${SIZE_FORMS})`);
  if (m[2] === '' && rule.bareWas)
    return fail(where, `"${text}" needs a unit, like ${m[1]}B or ${m[1]}KB (a bare number here was ${rule.bareWas}; now it is bytes everywhere)`);
  const n = Math.round(Number(m[1]) * unit.factor);
  const max = rule.max ?? 2 ** 50;
  if (!Number.isFinite(n) || n > max) return fail(where, `"${text}" is more than ${showBytes(max)}`);
  if (n < (rule.min ?? 0)) return fail(where, `"${text}" is less than ${showBytes(rule.min ?? 0)}`);
  return n;
}

function fail(where: Where, problem: string): never {
  throw typeof where === 'string' ? new UserError(`${where}: ${problem}`) : where(problem);
}

function showMs(ms: number): string {
  // a day reads as 24h, as a timer's limit is usually said; longer spans in days
  if (ms > 86_400_000 && ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  for (const [u, f] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms >= f && ms % f === 0) return `${ms / f}${u}`;
  return `${ms}ms`;
}

function showBytes(n: number): string {
  for (const [u, f] of [
    ['PiB', 2 ** 50],
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 1024],
  ] as const)
    if (n >= f && n % f === 0) return `${n / f}${u}`;
  return `${n} byte${n === 1 ? '' : 's'}`;
}
