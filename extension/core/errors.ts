// Errors a user can cause (a bad file, a refused connection, a wrong argument): their message is one line the
// user can act on, naming the file and line or the host and port. Anything else thrown is our own bug.
export class UserError extends Error {
  override name = 'UserError';
}

/** Turns a socket error into words that name the host. */
export function describeNetError(err: unknown, where: string): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `${where}: connection refused (is the server running?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where}: host not found`;
    case 'ETIMEDOUT':
      return `${where}: connection timed out`;
    case 'ECONNRESET':
      return `${where}: connection reset by peer`;
    case 'EADDRINUSE':
      return `${where}: address already in use`;
    case 'EACCES':
      return `${where}: permission denied`;
    default:
      return `${where}: ${e?.message ?? String(err)}`;
  }
}

/**
 * An error a database server sent back (it carries the server's code: a PostgreSQL SQLSTATE, a MySQL ER_* name, a
 * MongoDB code) while the tool set up its own tables, as one line a user can act on: the server said no, for a
 * reason of the user's setup (a read-only user, no CREATE on the schema, a full disk), not a bug of ours. Other
 * errors are returned unchanged.
 */
export function serverRefused(err: unknown, where: string, what: string): unknown {
  const e = err as { code?: unknown; message?: unknown };
  const code = e?.code;
  const fromServer = (typeof code === 'string' && (/^[0-9A-Z]{5}$/.test(code) || code.startsWith('ER_'))) || typeof code === 'number';
  if (!fromServer) return err;
  const msg = String(e.message ?? '').split('\n')[0];
  const denied = code === '42501' || (typeof code === 'string' && /DENIED/.test(code)) || code === 13;
  const hint = denied ? ' (use a user who may create and drop tables in that database, or grant it)' : '';
  return new UserError(`${where}: the server refused ${what}: ${msg}${hint}`);
}
