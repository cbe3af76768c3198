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
