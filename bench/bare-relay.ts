// An anchor for `npm run bench recorder`: the least a Node.js relay does per chunk, to tell what this machine allows a
// Node proxy at all from what our recorder costs. Each accepted connection is joined to the target with Node's own
// stream pipe both ways, TCP_NODELAY on both sockets (as the recorder sets them), nothing recorded, no faults. Run as
// its own process:
//   node bench/bare-relay.ts LISTEN_PORT TARGET_PORT      (through tsx, as the bench runs it)
// says "relaying" on standard error once it listens; stops on SIGINT or SIGTERM.
import { connect, createServer } from 'node:net';

const [listenPort, targetPort] = process.argv.slice(2).map(Number);

const server = createServer((client) => {
  const upstream = connect({ host: '127.0.0.1', port: targetPort });
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pipe(upstream);
  upstream.pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
});
server.listen(listenPort, '127.0.0.1', () => process.stderr.write(`relaying 127.0.0.1:${listenPort} -> 127.0.0.1:${targetPort}\n`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
