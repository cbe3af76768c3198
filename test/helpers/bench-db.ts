// The local databases the bench tests run against, a table name of each test's own, a port nothing listens on,
// and the CLI run as a child process. A database that cannot be reached fails the test with how to start it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';

export const MARIADB_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const HOW_TO_START: Record<string, string> = {
  MariaDB: 'start it with `start-stop-daemon --start --background --exec /usr/sbin/mariadbd` (or run .ci/run)',
  PostgreSQL: 'start it with `pg_ctlcluster <version> main start` (or run .ci/run)',
};

/** Throws (failing the test) unless something accepts connections at the URL's host and port. */
export async function requireServer(name: 'MariaDB' | 'PostgreSQL', url: string): Promise<void> {
  const u = new URL(url);
  const port = Number(u.port || (name === 'MariaDB' ? 3306 : 5432));
  const ok = await new Promise<boolean>((resolve) => {
    const s = connect({ host: u.hostname, port });
    s.setTimeout(3000, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
  if (!ok) throw new Error(`${name} is not reachable at ${u.hostname}:${port}; this test needs it: ${HOW_TO_START[name]}`);
}

/** A table name no other test run uses. */
export function testTable(prefix: string): string {
  return `ir_${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

/** A loopback port that refuses connections: bound once, then closed. */
export { closedPort as refusingPort } from './net';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `incident-replay ARGS` from the sources (through tsx), as a user would run the CLI. */
export function runCli(args: string[], cwd?: string): Promise<CliRun> {
  const root = join(__dirname, '..', '..');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'extension', 'cli', 'main.ts'), ...args], {
      cwd: cwd ?? root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
