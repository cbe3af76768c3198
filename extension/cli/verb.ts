// What a CLI verb is, and the argument parsing every verb shares (node:util parseArgs, strict), so that a bad
// argument is one clear line and exit 2 everywhere.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../core/errors';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface Verb {
  name: string;
  /** one line for the verb list */
  summary: string;
  /** the --help text */
  help: string;
  /** returns the exit code: 0 fine, 1 failures found, 2 bad input or usage */
  run(argv: string[], io: Io): Promise<number>;
}

export class UsageError extends UserError {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<O extends Options>(verb: string, argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError(`${verb}: ${msg} (see incident-replay ${verb} --help)`);
  }
}

/** Parses a duration such as 250ms, 1.5s, 2m or 300 (ms). */
export function parseDurationMs(s: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new UsageError(`${what}: "${s}" is not a duration (like 250ms, 2s)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const factor = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60000, h: 3600000 }[unit] as number;
  const ms = n * factor;
  // a timer cannot wait longer than 2^31 ms (it would fire at once); no run of this tool needs more than a day
  if (!Number.isFinite(ms) || ms > MAX_DURATION_MS) throw new UsageError(`${what}: "${s}" is longer than 24h`);
  return ms;
}

export const MAX_DURATION_MS = 24 * 3600 * 1000;

export function parseIntArg(s: string | undefined, what: string, min: number, max: number): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${what}: "${s}" is not a whole number from ${min} to ${max}`);
  return n;
}
