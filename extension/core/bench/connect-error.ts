// Turns a failed connection or login into one line that names host:port and says what to do. It is called only for
// what fails while connecting, so whatever else went wrong there (a server of another kind on that port answering
// in its own protocol, a driver's protocol error) is said as such too, never as a crash.
import { describeNetError, UserError } from '../errors';

const NET = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);
const AUTH = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', '28P01', '28000']);
const NO_DB = new Set(['ER_BAD_DB_ERROR', '3D000']);

/** What was being connected to: host:port, the kind of server (mysql, postgres, mongodb, redis), who, which database. */
export interface ConnectTarget {
  where: string;
  kind: string;
  user?: string;
  database?: string;
}

export function connectError(err: unknown, t: ConnectTarget): UserError {
  const e = err as { code?: unknown; codeName?: unknown; message?: string; cause?: unknown; reason?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const user = t.user || '(default user)';
  if (code && NET.has(code)) return new UserError(describeNetError(err, t.where));
  if (code && AUTH.has(code)) {
    return new UserError(`${t.where}: authentication failed for user "${user}" (wrong or missing password in the URL?)`);
  }
  if (code && NO_DB.has(code)) return new UserError(`${t.where}: database "${t.database}" does not exist (create it or name another in the URL)`);
  // MongoDB: code 18 is AuthenticationFailed; a refused connection surfaces as a server selection timeout
  if (e?.code === 18 || e?.codeName === 'AuthenticationFailed') {
    return new UserError(`${t.where}: authentication failed for user "${user}" (wrong or missing password in the URL?)`);
  }
  const msg = String(e?.message ?? '');
  if (/ECONNREFUSED/.test(msg)) return new UserError(describeNetError({ code: 'ECONNREFUSED' }, t.where));
  if (/Server selection timed out|connect ETIMEDOUT/.test(msg)) return new UserError(`${t.where}: no server answered (is it running?)`);
  if (/password must be a string|SASL|SCRAM/.test(msg))
    return new UserError(`${t.where}: the server asks user "${user}" for a password (SCRAM) and the URL gives none`);
  return new UserError(`${t.where}: did not answer as a ${kindName(t.kind)} server (${msg.split('\n')[0] || String(err)})`);
}

const KIND_NAME: Record<string, string> = { mysql: 'MySQL/MariaDB', postgres: 'PostgreSQL', mongodb: 'MongoDB', redis: 'Redis', mogilefs: 'MogileFS tracker' };

/** The kind of server as a user reads it (MySQL/MariaDB, PostgreSQL, …). */
export function kindName(kind: string): string {
  return KIND_NAME[kind] ?? kind;
}
