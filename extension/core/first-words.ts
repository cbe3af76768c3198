// Before a driver talks to a server that should wait for the client (MongoDB), a look at whether the server speaks
// first. A MongoDB driver pointed at a MySQL/MariaDB port reads the greeting's first four bytes as a message length
// and keeps buffering and reconnecting (seen to reach 4 GB); one short look at the port says it in one line instead.
import { connect } from 'node:net';
import { formatHostPort, parseHostPort, type HostPort } from './address';
import { UserError } from './errors';
import { kindName } from './bench/connect-error';
import { detectProtocol } from './protocols/detect';

/**
 * Resolves when the server at `server` stays silent for `quietMs` after the connection opens (as a `kind` server
 * does), and rejects with one line when it speaks first. A refused or unreachable port resolves: the driver says so.
 */
export function expectServerToWait(server: HostPort, kind: string, quietMs = 250): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: server.host, port: server.port });
    const done = (err?: Error) => {
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(), quietMs + 5000);
    s.once('connect', () => {
      clearTimeout(timer);
      setTimeout(() => done(), quietMs);
    });
    s.once('data', (d: Buffer) => {
      const other = detectProtocol({ firstS2C: d });
      const what = other ? `a ${kindName(other)} server` : 'a server that speaks first';
      done(new UserError(`${formatHostPort(server)}: ${what} answered, not ${kind} (a ${kind} server waits for the client)`));
    });
    s.once('error', () => done());
  });
}

/** The same for a "host:port" as messages show it; a list of hosts (a replica set, mongos) is left to the driver. */
export async function expectServerToWaitAt(where: string, kind: string): Promise<void> {
  let server: HostPort;
  try {
    server = parseHostPort(where, 'URL');
  } catch {
    return;
  }
  await expectServerToWait(server, kind);
}
