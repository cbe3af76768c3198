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

export function parseIntArg(s: string | undefined, what: string, min: number, max: number): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${what}: "${s}" is not a whole number from ${min} to ${max}`);
  return n;
}

/** --key-pattern: where payloads carry their own key, the regular expression that finds it; a bad one is a usage error. */
export function parseKeyPattern(verb: string, s: string | undefined): RegExp | undefined {
  if (s === undefined) return undefined;
  try {
    return new RegExp(s);
  } catch (err) {
    throw new UsageError(`${verb}: --key-pattern is not a regular expression: ${(err as Error).message}`);
  }
}
