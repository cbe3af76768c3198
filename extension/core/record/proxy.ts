// The recording proxy: listens on loopback, forwards each connection to the target, injects the configured
// faults and writes every byte both ways to a transcript. It survives clients and servers that vanish mid-stream
// (recorded as reset/close events), refuses to overwrite a transcript and to listen beyond loopback unless allowed.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { formatHostPort, isLoopback, parseHostPort, type HostPort } from '../address';
import { describeNetError, UserError } from '../errors';
import { seeded } from '../random';
import { TranscriptWriter } from '../transcript/writer';
import { parseFaultSpec, type FaultSpec } from './fault-spec';
import { Pipe } from './pipe';
import { connectionMask, type Recordable } from './connection-mask';

export interface RecorderOptions {
  listen: string;
  target: string;
  out: string;
  /** the protocol for the header and for masking; none or "auto": told per connection from its first bytes */
  protocol?: string;
  faults?: (string | FaultSpec)[];
  allowRemote?: boolean;
  keepAuth?: boolean;
  seed?: number;
  source?: Record<string, unknown>;
  /** what the proxy has to say (a refused target, a reset): one line each */
  log?: (line: string) => void;
}

export interface RecorderStats {
  connections: number;
  open: number;
  c2sBytes: number;
  s2cBytes: number;
  faults: number;
  resets: number;
  refused: number;
  droppedBytes: number;
  /** connections whose protocol could not be told, recorded masked */
  maskedConnections: number;
}

export interface Recorder {
  address: HostPort;
  file: string;
  writer: TranscriptWriter;
  stats: RecorderStats;
  /** the connection number the proxy gave the client whose local port this is (waits for the accept) */
  connectionFor(clientPort: number): Promise<number>;
  /** the write error that stopped the recording, if one did */
  readonly failure: Error | null;
  close(): Promise<void>;
}

export async function startRecorder(opts: RecorderOptions): Promise<Recorder> {
  const listen = parseHostPort(opts.listen, '--listen');
  const target = parseHostPort(opts.target, '--target');
  if (!isLoopback(listen.host) && !opts.allowRemote) {
    throw new UserError(`--listen ${opts.listen}: not a loopback address; the recorder listens on loopback unless told --allow-remote`);
  }
  const faults = (opts.faults ?? []).map((f) => (typeof f === 'string' ? parseFaultSpec(f) : f));
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: false });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new UserError(describeNetError(err, `--listen ${formatHostPort(listen)}`))));
    server.listen(listen.port, listen.host, () => resolve());
  });
  const bound = server.address() as { address: string; port: number };
  const address = { host: bound.address, port: bound.port };
  let writer: TranscriptWriter;
  try {
    writer = await TranscriptWriter.create(opts.out, {
      protocol: opts.protocol ?? 'auto',
      source: { tool: 'incident-replay record', listen: formatHostPort(address), target: formatHostPort(target), faults: faults.map((f) => f.text), ...opts.source },
    });
  } catch (err) {
    server.close();
    throw err;
  }
  const rec = new RecordingProxy(server, address, target, writer, faults, opts);
  return rec;
}

class RecordingProxy implements Recorder {
  readonly stats: RecorderStats = { connections: 0, open: 0, c2sBytes: 0, s2cBytes: 0, faults: 0, resets: 0, refused: 0, droppedBytes: 0, maskedConnections: 0 };
  readonly file: string;
  private readonly sockets = new Set<Socket>();
  private readonly byPort = new Map<number, number>();
  private readonly portWaiters = new Map<number, (c: number) => void>();
  private readonly rand;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly server: Server,
    readonly address: HostPort,
    private readonly target: HostPort,
    readonly writer: TranscriptWriter,
    private readonly faults: FaultSpec[],
    private readonly opts: RecorderOptions,
  ) {
    this.file = writer.file;
    this.rand = seeded(opts.seed ?? 2008);
    server.on('connection', (client) => this.accept(client));
    // a transcript that cannot be written stops the recording: nothing is relayed unrecorded
    writer.onFailure((err) => {
      const code = (err as NodeJS.ErrnoException).code;
      this.opts.log?.(`${writer.file}: write failed (${code ? `${code}: ` : ''}${err.message}); recording stopped, ${this.stats.open} open connections closed`);
      server.close();
      for (const s of this.sockets) s.destroy();
    });
  }

  get failure(): Error | null {
    return this.writer.failure;
  }

  connectionFor(clientPort: number): Promise<number> {
    const c = this.byPort.get(clientPort);
    if (c !== undefined) return Promise.resolve(c);
    return new Promise((resolve) => this.portWaiters.set(clientPort, resolve));
  }

  private accept(client: Socket): void {
    if (this.writer.failure) {
      client.destroy();
      return;
    }
    const c = ++this.stats.connections;
    this.stats.open++;
    const peer = `${client.remoteAddress}:${client.remotePort}`;
    this.writer.event(c, 'open', { peer });
    if (client.remotePort !== undefined) {
      this.byPort.set(client.remotePort, c);
      this.portWaiters.get(client.remotePort)?.(c);
      this.portWaiters.delete(client.remotePort);
    }
    const upstream = connect({ host: this.target.host, port: this.target.port, allowHalfOpen: true });
    this.sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);

    let ended: 'client' | 'server' | null = null;
    let resetBy: 'client' | 'server' | 'proxy' | null = null;
    let error: string | undefined;
    let closed = 0;
    const mask = this.opts.keepAuth
      ? null
      : connectionMask({
          protocol: this.opts.protocol,
          port: this.target.port,
          onUnknown: () => {
            this.stats.maskedConnections++;
            this.opts.log?.(`connection ${c}: its protocol cannot be told from its first bytes or the target's port; its bytes are recorded masked (--protocol P or --keep-auth keeps them)`);
          },
        });
    const record = (out: Recordable) => {
      for (const [dir, bytes] of out) this.writer.data(c, dir, bytes);
    };
    const congested = () => (this.writer.congested ? this.writer.drained() : null);
    const hooksFor = (dir: 'c2s' | 's2c') => ({
      record: (bytes: Buffer) => {
        if (dir === 'c2s') this.stats.c2sBytes += bytes.length;
        else this.stats.s2cBytes += bytes.length;
        if (mask) record(mask.take(dir, bytes));
        else this.writer.data(c, dir, bytes);
      },
      fault: (spec: FaultSpec, detail: Record<string, unknown>) => {
        this.stats.faults++;
        this.writer.event(c, 'fault', { fault: spec.kind, dir, ...detail });
      },
      reset: () => {
        resetBy = 'proxy';
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      },
      congested,
    });
    const up = new Pipe('c2s', client, this.faults, this.rand, hooksFor('c2s'));
    const down = new Pipe('s2c', upstream, this.faults, this.rand, hooksFor('s2c'));
    down.setDest(client);

    upstream.once('connect', () => up.setDest(upstream));
    client.on('data', (chunk: Buffer) => up.push(chunk));
    upstream.on('data', (chunk: Buffer) => down.push(chunk));
    client.on('end', () => {
      ended ??= 'client';
      up.end();
    });
    upstream.on('end', () => {
      ended ??= 'server';
      down.end();
    });
    // a reset is passed on as a reset, as a wire would: the other side sees ECONNRESET, not a clean end
    client.on('error', (err: NodeJS.ErrnoException) => {
      const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE';
      if (reset) resetBy ??= 'client';
      error ??= `client ${peer}: ${err.code ?? err.message}`;
      if (err.code === 'ECONNRESET' && !upstream.destroyed) upstream.resetAndDestroy();
      else upstream.destroy();
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      const where = formatHostPort(this.target);
      if (err.code === 'ECONNREFUSED') {
        this.stats.refused++;
        this.opts.log?.(`connection ${c}: ${describeNetError(err, `target ${where}`)}`);
      } else if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
        resetBy ??= 'server';
      }
      error ??= describeNetError(err, `target ${where}`);
      ended ??= 'server';
      if (err.code === 'ECONNRESET' && !client.destroyed) client.resetAndDestroy();
      else client.destroy();
    });
    const onClose = () => {
      if (++closed < 2) {
        // one side is gone: a side that closed without FIN (destroy) takes the other down with it
        if (client.destroyed && !upstream.destroyed && (client.readableEnded === false || resetBy)) upstream.destroy();
        if (upstream.destroyed && !client.destroyed && (upstream.readableEnded === false || resetBy)) client.destroy();
        return;
      }
      up.stop();
      down.stop();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      this.stats.open--;
      if (mask) record(mask.flush());
      const dropped = up.undelivered + down.undelivered;
      if (dropped > 0) {
        this.stats.droppedBytes += dropped;
        if (up.undelivered) this.writer.event(c, 'drop', { dir: 'c2s', bytes: up.undelivered });
        if (down.undelivered) this.writer.event(c, 'drop', { dir: 's2c', bytes: down.undelivered });
      }
      if (resetBy) {
        this.stats.resets++;
        this.writer.event(c, 'reset', { by: resetBy, ...(error ? { error } : {}) });
      } else {
        this.writer.event(c, 'close', { by: ended ?? 'client', ...(error ? { error } : {}) });
      }
    };
    client.once('close', onClose);
    upstream.once('close', onClose);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        for (const s of this.sockets) s.destroy();
      });
      // let the sockets' close handlers write their last events (bounded: 2 s)
      for (let i = 0; i < 400 && this.sockets.size > 0; i++) await new Promise((r) => setTimeout(r, 5));
      await this.writer.close();
    })();
    return this.closing;
  }
}
