// A loopback TCP relay that records real database traffic for the decoder tests: the driver connects to the relay,
// the relay connects to the real server, and every chunk is kept in the order the relay saw it, both ways, per
// connection. A server that is not reachable fails the test with what to start, never skips it.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Direction } from '../../extension/core/transcript/format';

export interface Chunk {
  conn: number;
  dir: Direction;
  bytes: Buffer;
  tUs: number;
}

export interface Relay {
  port: number;
  chunks: Chunk[];
  /** waits until every relayed connection has closed (the driver ended), then stops listening */
  close(): Promise<void>;
}

/** Fails with the service's name and how to start it when nothing answers on host:port. */
export async function requireService(name: string, port: number, howToStart: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = connect({ host, port });
    s.setTimeout(3000, () => s.destroy(new Error('timed out')));
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
    s.once('error', (err) => reject(new Error(`${name} is not reachable on ${host}:${port} (${err.message}); start it: ${howToStart}`)));
  });
}

export async function startRelay(targetPort: number, targetHost = '127.0.0.1'): Promise<Relay> {
  const chunks: Chunk[] = [];
  const open = new Set<Socket>();
  const t0 = process.hrtime.bigint();
  const now = (): number => Number((process.hrtime.bigint() - t0) / 1000n);
  let conns = 0;
  const server: Server = createServer((client) => {
    const conn = ++conns;
    const upstream = connect({ host: targetHost, port: targetPort });
    open.add(client);
    client.on('data', (d: Buffer) => {
      chunks.push({ conn, dir: 'c2s', bytes: Buffer.from(d), tUs: now() });
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      chunks.push({ conn, dir: 's2c', bytes: Buffer.from(d), tUs: now() });
      client.write(d);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      upstream.destroy();
      open.delete(client);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    chunks,
    close: async () => {
      for (let i = 0; i < 100 && open.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
