// Throwaway PostgreSQL and MariaDB servers for the tests that need real password logins: the machine's own servers
// accept logins without one. Each instance lives in a fresh folder on a spare loopback port, gets its users, and is
// stopped by its PID when the test file ends (and killed if the process exits first). A server that cannot be
// started fails the test with what is missing and the tail of its log, never skips it. Also what a client's login
// to them puts on the wire, read from a recording by hand (not by the decoders under test).
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import type { TranscriptEvent } from '../../extension/core/transcript';
import { closedPort } from './net';
import { bytesOf } from './transcripts';

export interface DbInstance {
  port: number;
  /** stops the server by its PID and waits for it to exit (bounded); safe to call twice */
  stop(): Promise<void>;
}

export interface PgLogin {
  user: string;
  password: string;
  /** the pg_hba method for this user; md5 users get their password stored as md5, as that method needs */
  method: 'password' | 'md5' | 'scram-sha-256';
}

export interface MariadbInstance extends DbInstance {
  /** why ed25519 logins cannot be tested here, or null when its plugin is installed */
  noEd25519: string | null;
}

const UP_MS = 30_000;

export async function startPostgres(logins: PgLogin[]): Promise<DbInstance> {
  const bin = readdirSync('/usr/lib/postgresql', { withFileTypes: true })
    .map((d) => join('/usr/lib/postgresql', d.name, 'bin'))
    .filter((b) => existsSync(join(b, 'initdb')))
    .sort((a, b) => Number(b.split('/')[4]) - Number(a.split('/')[4]))[0];
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)');
  // initdb and postgres refuse to run as root: as root, both run as the postgres OS user, who owns the folder
  const owner = process.getuid?.() === 0 ? { uid: idOf('-u'), gid: idOf('-g') } : {};
  const base = mkdtempSync(join(tmpdir(), 'ir-pg-'));
  if (owner.uid !== undefined) chownSync(base, owner.uid, owner.gid as number);
  const data = join(base, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], {
    ...owner,
    cwd: base,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (init.status !== 0) throw new Error(`initdb failed (${init.error?.message ?? `exit ${init.status}`}): ${tail(init.stderr ?? '')}`);
  const hba = [
    'local all all trust',
    ...logins.map((l) => `host all ${l.user} 127.0.0.1/32 ${l.method}`),
    'host all all 127.0.0.1/32 trust', // the setup's own superuser login
  ];
  writeFileSync(join(data, 'pg_hba.conf'), `${hba.join('\n')}\n`);
  const port = await closedPort();
  const log = join(base, 'postgres.log');
  const args = ['-D', data, '-p', String(port), '-k', base, '-h', '127.0.0.1', '-c', 'fsync=off'];
  const instance = launch(join(bin, 'postgres'), args, port, { ...owner, cwd: base }, log, base, 'SIGINT'); // SIGINT: fast shutdown
  try {
    await waitForPort('PostgreSQL', port, instance.child, log);
    const admin = await pgAdmin(port, instance.child, log);
    try {
      for (const l of logins) {
        await admin.query(`set password_encryption = '${l.method === 'md5' ? 'md5' : 'scram-sha-256'}'`);
        await admin.query(`create user ${admin.escapeIdentifier(l.user)} password ${admin.escapeLiteral(l.password)}`);
      }
    } finally {
      await admin.end();
    }
  } catch (err) {
    await instance.stop();
    throw err;
  }
  return instance;
}

export interface MariadbLogin {
  user: string;
  password: string;
  plugin: 'native' | 'ed25519';
}

export async function startMariadb(logins: MariadbLogin[]): Promise<MariadbInstance> {
  const install = ['mariadb-install-db', 'mysql_install_db'].find((b) => spawnSync('which', [b]).status === 0);
  const server = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find((b) => existsSync(b));
  if (!install || !server) throw new Error('MariaDB server not found (mariadb-install-db and /usr/sbin/mariadbd; apt-get install mariadb-server)');
  const base = mkdtempSync(join(tmpdir(), 'ir-mariadb-'));
  const data = join(base, 'data');
  const socket = join(base, 'sock');
  const init = spawnSync(install, ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--user=root', '--skip-test-db'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (init.status !== 0) throw new Error(`${install} failed (${init.error?.message ?? `exit ${init.status}`}): ${tail(init.stderr ?? '')}`);
  const port = await closedPort();
  const log = join(base, 'mariadbd.log');
  const args = [
    '--no-defaults',
    `--datadir=${data}`,
    `--port=${port}`,
    `--socket=${socket}`,
    '--bind-address=127.0.0.1',
    '--skip-networking=0',
    '--user=root',
    `--pid-file=${join(base, 'mariadbd.pid')}`,
    '--skip-name-resolve',
    '--skip-log-bin',
    '--innodb-buffer-pool-size=16M',
  ];
  const instance = launch(server, args, port, {}, log, base, 'SIGTERM');
  try {
    await waitForPort('MariaDB', port, instance.child, log);
    const admin = await mysql.createConnection({ socketPath: socket, user: 'root', connectTimeout: 10_000 });
    try {
      const q = (sql: string, values: string[] = []) => admin.query({ sql, values, timeout: 10_000 });
      const [rows] = await q('select @@plugin_dir as dir');
      const plugin = join((rows as Array<{ dir: string }>)[0].dir, 'auth_ed25519.so');
      const noEd25519 = existsSync(plugin) ? null : `the ed25519 plugin is not on this machine (${plugin})`;
      if (!noEd25519) await q("install soname 'auth_ed25519'");
      for (const l of logins) {
        if (l.plugin === 'native') await q('create user ?@? identified by ?', [l.user, '%', l.password]);
        else if (!noEd25519) await q('create user ?@? identified via ed25519 using password(?)', [l.user, '%', l.password]);
      }
      return { ...instance, noEd25519 };
    } finally {
      await admin.end();
    }
  } catch (err) {
    await instance.stop();
    throw err;
  }
}

/** The Debian mariadb client, for the logins mysql2 cannot make (it has no client_ed25519); TLS off, so the login
 *  is readable on the wire. Bounded: 10 s to connect, 20 s in all. */
export function mariadbClient(port: number, user: string, password: string): Promise<void> {
  const args = ['--no-defaults', '-h', '127.0.0.1', '-P', String(port), '-u', user, `-p${password}`, '--skip-ssl', '--connect-timeout=10', '-e', 'select 1'];
  return new Promise((resolve, reject) =>
    execFile('mariadb', args, { timeout: 20_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`mariadb ${user}@127.0.0.1:${port}: ${stderr || err.message}`)) : resolve(),
    ),
  );
}

/** What a PostgreSQL client proved its login with: the PasswordMessage (cleartext or md5), the SCRAM client-final
 *  message, its proof as sent (base64) and decoded. */
export function pgProofs(events: TranscriptEvent[]): Buffer[] {
  const up = bytesOf(events, 1, 'c2s');
  const out: Buffer[] = [];
  for (let at = up.readInt32BE(0); at + 5 <= up.length; at += 1 + up.readInt32BE(at + 1)) {
    if (up[at] !== 0x70) continue;
    let p = up.subarray(at + 5, at + 1 + up.readInt32BE(at + 1));
    if (p.subarray(0, 6).toString() === 'SCRAM-') continue; // SASLInitialResponse: a nonce the server echoes, no secret
    if (p[p.length - 1] === 0) p = p.subarray(0, -1);
    out.push(p);
    const proof = /,p=([A-Za-z0-9+/=]+)$/.exec(p.toString('latin1'));
    if (proof) out.push(Buffer.from(proof[1], 'latin1'), Buffer.from(proof[1], 'base64'));
  }
  return out;
}

/** The auth responses a MySQL client sent: in its handshake response, in COM_CHANGE_USER, and each auth-switch answer. */
export function mysqlProofs(events: TranscriptEvent[]): Buffer[] {
  const up = bytesOf(events, 1, 'c2s');
  const out: Buffer[] = [];
  for (let at = 0; at + 4 <= up.length; at += 4 + up.readUIntLE(at, 3)) {
    const seq = up[at + 3];
    const p = up.subarray(at + 4, at + 4 + up.readUIntLE(at, 3));
    if (seq === 1 && p.length > 32 && at === 0) {
      const user = p.indexOf(0, 32); // capabilities, max packet, charset, 23 reserved, the user
      out.push(p.subarray(user + 2, user + 2 + p[user + 1])); // a 1-byte length (lenenc below 251)
    } else if (seq === 0 && p[0] === 0x11) {
      const user = p.indexOf(0, 1);
      out.push(p.subarray(user + 2, user + 2 + p[user + 1]));
    } else if (seq >= 2) out.push(p);
  }
  return out.filter((p) => p.length >= 8);
}

interface Launched extends DbInstance {
  child: ChildProcess;
}

/** Starts a server in the background, its output to `log`; stop() signals its PID, waits, and removes `base`. */
function launch(
  cmd: string,
  args: string[],
  port: number,
  opts: { uid?: number; gid?: number; cwd?: string },
  log: string,
  base: string,
  signal: NodeJS.Signals,
): Launched {
  const fd = openSync(log, 'a');
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let running = true;
  const exited = new Promise<void>((r) => {
    child.once('exit', () => ((running = false), r()));
    child.once('error', () => ((running = false), r())); // it never started
  });
  // a test process that dies before `after` must not leave a server behind
  const onExit = () => running && child.pid && process.kill(child.pid, 'SIGKILL');
  process.on('exit', onExit);
  let stopping: Promise<void> | null = null;
  return {
    port,
    child,
    stop: () =>
      (stopping ??= (async () => {
        if (running && child.pid) process.kill(child.pid, signal);
        const kill = setTimeout(() => running && child.pid && process.kill(child.pid, 'SIGKILL'), 15_000); // a shutdown that hangs
        await exited;
        clearTimeout(kill);
        process.off('exit', onExit);
        rmSync(base, { recursive: true, force: true });
      })()),
  };
}

async function waitForPort(name: string, port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + UP_MS;
  while (Date.now() < deadline) {
    if (!child.pid || child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited before listening on 127.0.0.1:${port}: ${tail(readLog(log))}`);
    const up = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.0.1', port });
      s.setTimeout(1000, () => s.destroy(new Error('timed out')));
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (up) return;
    await delay(100);
  }
  throw new Error(`${name} did not listen on 127.0.0.1:${port} within ${UP_MS / 1000} s: ${tail(readLog(log))}`);
}

/**
 * The setup's superuser connection. PostgreSQL listens before it takes logins: until its startup is done it answers
 * "the database system is starting up" (57P03), so that answer is waited out, within the same bound as the port.
 */
async function pgAdmin(port: number, child: ChildProcess, log: string): Promise<Client> {
  const deadline = Date.now() + UP_MS;
  for (;;) {
    const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 10_000, query_timeout: 10_000 });
    try {
      await admin.connect();
      return admin;
    } catch (err) {
      await admin.end().catch(() => undefined);
      const startingUp = (err as { code?: string }).code === '57P03';
      if (!startingUp || Date.now() > deadline || child.exitCode !== null)
        throw new Error(`PostgreSQL on 127.0.0.1:${port} took no login: ${(err as Error).message}: ${tail(readLog(log))}`);
      await delay(100);
    }
  }
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ') || '(no output)';
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
