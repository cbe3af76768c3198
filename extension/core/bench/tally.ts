// What one phase of one level produced in one thread, and how tallies from several threads add up. Errors are
// counted by kind with the first message of each kind kept as a sample: nothing is dropped or hidden.

export interface Tally {
  /** statements that succeeded (and, for selects, returned their row) */
  ops: number;
  errors: Record<string, number>;
  /** the first message seen of each error kind */
  samples: Record<string, string>;
  /** clients that stopped because their connection became unusable */
  lost: number;
  /** hdr histogram of the successful statements' latency in µs, compressed base64 */
  histogram: string;
}

export function addError(t: Pick<Tally, 'errors' | 'samples'>, kind: string, message: string): void {
  t.errors[kind] = (t.errors[kind] ?? 0) + 1;
  if (!(kind in t.samples)) t.samples[kind] = message.split('\n')[0].slice(0, 300);
}

export function errorCount(errors: Record<string, number>): number {
  return Object.values(errors).reduce((a, b) => a + b, 0);
}

export function mergeErrors(into: Pick<Tally, 'errors' | 'samples'>, from: Pick<Tally, 'errors' | 'samples'>): void {
  for (const [k, n] of Object.entries(from.errors)) into.errors[k] = (into.errors[k] ?? 0) + n;
  for (const [k, m] of Object.entries(from.samples)) if (!(k in into.samples)) into.samples[k] = m;
}

/** The kind an error is counted under: the driver's code (ER_LOCK_DEADLOCK, a SQLSTATE, ECONNRESET), else its name. */
export function errorKind(err: unknown): string {
  const e = err as { code?: unknown; codeName?: unknown; name?: unknown; message?: unknown };
  if (typeof e?.codeName === 'string' && e.codeName) return e.codeName;
  if (typeof e?.code === 'string' && e.code) return e.code;
  if (typeof e?.code === 'number') return `code-${e.code}`;
  if (/Connection terminated|not queryable|closed state/i.test(String(e?.message ?? ''))) return 'connection-lost';
  return typeof e?.name === 'string' && e.name ? e.name : 'error';
}
