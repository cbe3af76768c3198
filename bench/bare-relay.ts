// An anchor for the recorder's benchmarks: the least a Node.js relay does per chunk, to tell what this machine allows a
// Node proxy at all from what our recorder costs. Each accepted connection is joined to the target with Node's own
// stream pipe both ways, TCP_NODELAY on both sockets (as the recorder sets them), nothing recorded, no faults.
// `npm run bench engine` runs it inside the bench's process (bareRelay); `npm run bench recorder` as a process of its
// own:
//   node bench/bare-relay.ts LISTEN_PORT TARGET_PORT      (through tsx, as the bench runs it)
// which says "relaying" on standard error once it listens, and stops on SIGINT or SIGTERM.
import { connect, createServer, type Socket } from 'node:net';

/** Listens on 127.0.0.1:`port` (0: any free port) and relays each connection to 127.0.0.1:`target`. */
export async function bareRelay(target: number, port = 0): Promise<{ port: number; close: () => void }> {
  const socks = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: target });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    socks.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => (upstream.destroy(), socks.delete(client)));
    upstream.on('close', () => (client.destroy(), socks.delete(upstream)));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return { port: (server.address() as { port: number }).port, close: () => (socks.forEach((s) => s.destroy()), server.close()) };
}

if (require.main === module) {
  const [listenPort, targetPort] = process.argv.slice(2).map(Number);
  void bareRelay(targetPort, listenPort).then(({ port }) => process.stderr.write(`relaying 127.0.0.1:${port} -> 127.0.0.1:${targetPort}\n`));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
}
