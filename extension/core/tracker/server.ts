// The embedded tracker: a real TCP server on loopback speaking the MogileFS tracker protocol. Each connection's
// commands are answered in the order they came (the protocol has no request ids), each after the configured
// metadata slow-down, so that a slow database behind the tracker can be replayed.
import { createServer, type Socket } from 'node:net';
import { formatHostPort, isLoopback, type HostPort } from '../address';
import { describeNetError, UserError } from '../errors';
import { LineFramer, lineText, parseRequest } from '../protocols/mogilefs';
import { seeded } from '../random';
import { handleCommand, METADATA_COMMANDS, type TrackerCounters } from './commands';
import { pickDelayMs, type SlowSpec } from './slow-spec';
import { MetadataStore } from './store';

export interface TrackerOptions {
  host?: string;
  port?: number;
  slow?: SlowSpec | null;
  seed?: number;
  allowRemote?: boolean;
}

export interface Tracker {
  address: HostPort;
  store: MetadataStore;
  counters: TrackerCounters;
  /** changes the metadata slow-down from now on (null: none) */
  setSlow(slow: SlowSpec | null): void;
  close(): Promise<void>;
}

export async function startTracker(opts: TrackerOptions = {}): Promise<Tracker> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host) && !opts.allowRemote) throw new UserError(`tracker: ${host} is not a loopback address`);
  const store = new MetadataStore();
  const counters: TrackerCounters = { connections: 0, requests: 0, startedAt: Date.now() };
  let slow = opts.slow ?? null;
  const seed = opts.seed ?? 2008;
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    const conn = ++counters.connections;
    // each connection draws its delays from its own seeded sequence, so a run repeats whatever the interleaving
    const rand = seeded(seed * 7919 + conn);
    sockets.add(sock);
    sock.setNoDelay(true);
    sock.on('error', () => {});
    sock.on('close', () => sockets.delete(sock));
    const framer = new LineFramer();
    let chain = Promise.resolve();
    sock.on('data', (chunk: Buffer) => {
      for (const frame of framer.push(chunk, 0)) {
        const text = lineText(frame.bytes);
        if (text.trim() === '') continue;
        const req = parseRequest(text);
        counters.requests++;
        const delayMs = METADATA_COMMANDS.has(req.command) ? pickDelayMs(slow, rand) : 0;
        chain = chain.then(async () => {
          if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
          const answer = handleCommand(store, req, counters);
          if (!sock.destroyed && sock.writable) sock.write(answer);
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new UserError(describeNetError(err, `tracker ${formatHostPort({ host, port: opts.port ?? 0 })}`))));
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const bound = server.address() as { address: string; port: number };
  return {
    address: { host: bound.address, port: bound.port },
    store,
    counters,
    setSlow: (s) => {
      slow = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
