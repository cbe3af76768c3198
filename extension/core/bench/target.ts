// What the runner needs from a database, whatever the driver: an admin connection that prepares the table and
// counts rows, and sessions, one connection per simulated client, that run one statement at a time.
import { defaultPort } from '../protocols/detect';
import { UserError } from '../errors';

export type TargetKind = 'mysql' | 'postgres' | 'mongodb';

export interface TargetUrl {
  kind: TargetKind;
  url: string;
  /** the URL with its password replaced by *** (what result files and messages show) */
  shown: string;
  /** host:port, for messages */
  where: string;
  user: string;
  database: string;
}

const SCHEMES: Record<string, TargetKind> = {
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mongodb:': 'mongodb',
};

export function parseTargetUrl(url: string): TargetUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`"${url}" is not a URL (like mysql://root@127.0.0.1:3306/test)`);
  }
  const kind = SCHEMES[u.protocol];
  if (!kind) throw new UserError(`"${u.protocol}//" is not a supported target (mysql://, postgres://, postgresql://, mongodb://)`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database && kind !== 'mongodb') throw new UserError(`${url}: name the database in the path (like ${u.protocol}//${u.host}/test)`);
  const shown = new URL(url);
  if (shown.password) shown.password = '***';
  return {
    kind,
    url,
    shown: shown.toString(),
    where: `${u.hostname}:${u.port || defaultPort(kind)}`,
    user: decodeURIComponent(u.username),
    database: database || 'test',
  };
}

/** One simulated client's connection. One statement outstanding at a time: no pipelining. */
export interface Session {
  insert(val: number, txt: string): Promise<void>;
  /** the val of each row the select returned */
  select(val: number): Promise<number[]>;
  /** true once the connection is unusable (the server closed it, the network failed) */
  readonly broken: boolean;
}

export interface SessionSet {
  sessions: Session[];
  close(): Promise<void>;
}

export interface Admin {
  serverVersion(): Promise<string>;
  /** drops and recreates the table (index on val unless told not to), then seeds rows with val 1..rows */
  prepare(table: string, opts: { index: boolean; rows: number }): Promise<void>;
  truncate(table: string): Promise<void>;
  countRows(table: string): Promise<number>;
  drop(table: string): Promise<void>;
  close(): Promise<void>;
}

export interface SessionOptions {
  /**
   * Run statements through the driver's ordinary query call, as an application would (pg's Query, with a
   * Describe and a Result per statement; mysql2's execute, with every column of every row), instead of the
   * leanest path (pg-statement.ts, mysql-statement.ts). The MongoDB driver runs the same calls either way.
   */
  driverQuery: boolean;
}

export interface Driver {
  kind: TargetKind;
  /** what the server calls itself: MariaDB, MySQL, PostgreSQL, MongoDB */
  admin(t: TargetUrl): Promise<Admin>;
  sessions(t: TargetUrl, table: string, n: number, opts: SessionOptions): Promise<SessionSet>;
}

/** The seed's txt column: '<client> in <n>'. */
export function seedText(client: number, n: number): string {
  return `${client} in ${n}`;
}

/** Opens n connections; if any fails, closes those that opened and throws the first failure. */
export async function openAll<C>(n: number, open: () => Promise<C>, close: (c: C) => Promise<unknown>): Promise<C[]> {
  const settled = await Promise.allSettled(Array.from({ length: n }, open));
  const conns = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(conns.map((c) => close(c).catch(() => undefined)));
    throw failed.reason;
  }
  return conns;
}
