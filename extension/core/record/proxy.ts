// The recording proxy: listens on loopback, forwards each connection to the target, injects the configured faults
// and writes every byte both ways to a transcript. Its faults may be added, changed and removed while it runs (each
// change a `fault` event with an `op`), and it may be taken down, brought back up or pointed elsewhere (Toxiproxy's
// proxy fields), all into the same transcript. It refuses to overwrite a transcript and to listen beyond loopback.
import { createServer, type Server, type Socket } from 'node:net';
import { formatHostPort, isLoopback, parseHostPort, type HostPort } from '../address';
import { describeNetError, UserError } from '../errors';
import { seeded } from '../random';
import { TranscriptWriter } from '../transcript/writer';
import { ProxiedConnection } from './connection';
import { parseFaultSpec, type FaultSpec } from './fault-spec';
import { FaultSet, type FaultChange } from './fault-set';

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
  /** frame every connection's messages so faults on the n-th answer (nth=) can act; default: when a fault has nth */
  frameAnswers?: boolean;
  /** start listening (default true); false: created down, until enable() (Toxiproxy's `enabled: false`) */
  enabled?: boolean;
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
  /** the proxy's faults, live: a change acts on the open connections and is written to the transcript */
  faults: FaultSet;
  /** the connection number the proxy gave the client whose local port this is (waits for the accept) */
  connectionFor(clientPort: number): Promise<number>;
  /** the write error that stopped the recording, if one did */
  readonly failure: Error | null;
  /** whether it listens (Toxiproxy's `enabled`) */
  readonly enabled: boolean;
  /** where it forwards to */
  readonly target: HostPort;
  /** takes it down (closes the listener and every connection) or brings it back up, on the same address */
  setEnabled(enabled: boolean): Promise<void>;
  /** listens elsewhere and/or forwards elsewhere; open connections are closed (as Toxiproxy does) */
  move(to: { listen?: string; target?: string }): Promise<void>;
  /** resolves once every event so far is in the file */
  synced(): Promise<void>;
  close(): Promise<void>;
}

export async function startRecorder(opts: RecorderOptions): Promise<Recorder> {
  const listen = parseHostPort(opts.listen, '--listen');
  const target = parseHostPort(opts.target, '--target');
  checkLoopback(listen, opts);
  const faults = (opts.faults ?? []).map((f) => (typeof f === 'string' ? parseFaultSpec(f) : f));
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: false });
  const address = opts.enabled === false ? listen : await listenOn(server, listen);
  let writer: TranscriptWriter;
  try {
    writer = await TranscriptWriter.create(opts.out, {
      protocol: opts.protocol ?? 'auto',
      source: {
        tool: 'incident-replay record',
        listen: formatHostPort(address),
        target: formatHostPort(target),
        faults: faults.map((f) => f.text),
        ...opts.source,
      },
    });
  } catch (err) {
    server.close();
    throw err;
  }
  return new RecordingProxy(server, address, target, writer, new FaultSet(faults), opts);
}

function checkLoopback(listen: HostPort, opts: RecorderOptions): void {
  if (!isLoopback(listen.host) && !opts.allowRemote) {
    throw new UserError(`--listen ${formatHostPort(listen)}: not a loopback address; the recorder listens on loopback unless told --allow-remote`);
  }
}

async function listenOn(server: Server, at: HostPort): Promise<HostPort> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new UserError(describeNetError(err, `--listen ${formatHostPort(at)}`))));
    server.listen(at.port, at.host, () => resolve());
  });
  const bound = server.address() as { address: string; port: number };
  return { host: bound.address, port: bound.port };
}

class RecordingProxy implements Recorder {
  readonly stats: RecorderStats = {
    connections: 0,
    open: 0,
    c2sBytes: 0,
    s2cBytes: 0,
    faults: 0,
    resets: 0,
    refused: 0,
    droppedBytes: 0,
    maskedConnections: 0,
  };
  readonly file: string;
  private readonly conns = new Set<ProxiedConnection>();
  private readonly byPort = new Map<number, number>();
  private readonly portWaiters = new Map<number, (c: number) => void>();
  private readonly rand;
  private readonly headerTarget: string;
  private closing: Promise<void> | null = null;
  private listening: boolean;

  constructor(
    private server: Server,
    public address: HostPort,
    public target: HostPort,
    readonly writer: TranscriptWriter,
    readonly faults: FaultSet,
    private readonly opts: RecorderOptions,
  ) {
    this.file = writer.file;
    this.rand = seeded(opts.seed ?? 2008);
    this.headerTarget = formatHostPort(target);
    this.listening = opts.enabled !== false;
    server.on('connection', (client) => this.accept(client));
    faults.onChange((change) => this.changed(change));
    // a transcript that cannot be written stops the recording: nothing is relayed unrecorded
    writer.onFailure((err) => {
      const code = (err as NodeJS.ErrnoException).code;
      this.opts.log?.(`${writer.file}: write failed (${code ? `${code}: ` : ''}${err.message}); recording stopped, ${this.stats.open} open connections closed`);
      this.server.close();
      for (const c of this.conns) c.destroy();
    });
  }

  get failure(): Error | null {
    return this.writer.failure;
  }

  get enabled(): boolean {
    return this.listening;
  }

  connectionFor(clientPort: number): Promise<number> {
    const c = this.byPort.get(clientPort);
    if (c !== undefined) return Promise.resolve(c);
    return new Promise((resolve) => this.portWaiters.set(clientPort, resolve));
  }

  async setEnabled(enabled: boolean): Promise<void> {
    if (enabled === this.listening || this.closing) return;
    if (enabled) {
      this.address = await listenOn(this.server, this.address);
      this.listening = true;
      this.writer.event(0, 'fault', { fault: 'down', op: 'remove' });
    } else {
      this.listening = false;
      this.writer.event(0, 'fault', { fault: 'down', op: 'add' });
      await this.takeDown();
    }
  }

  async move(to: { listen?: string; target?: string }): Promise<void> {
    const listen = to.listen !== undefined ? parseHostPort(to.listen, 'listen') : this.address;
    const target = to.target !== undefined ? parseHostPort(to.target, 'upstream') : this.target;
    checkLoopback(listen, this.opts);
    const wasUp = this.listening;
    if (wasUp) await this.takeDown();
    this.target = target;
    this.address = listen;
    if (wasUp) {
      try {
        this.address = await listenOn(this.server, listen);
      } catch (err) {
        // it cannot listen there: it stays down, as Toxiproxy leaves a proxy it could not restart
        this.listening = false;
        this.writer.event(0, 'fault', { fault: 'down', op: 'add' });
        throw err;
      }
    }
    this.writer.event(0, 'fault', { fault: 'proxy', op: 'update', listen: formatHostPort(this.address), upstream: formatHostPort(this.target) });
  }

  async synced(): Promise<void> {
    await this.writer.synced();
  }

  private async takeDown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const conns = [...this.conns];
    for (const c of conns) c.destroy();
    await Promise.all([closed, ...conns.map((c) => c.closed)]);
    // a new server for the next listen: a closed one keeps its handlers but not its address
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: false });
    this.server.on('connection', (client) => this.accept(client));
  }

  private changed(change: FaultChange): void {
    const spec = change.fault.spec;
    this.writer.event(0, 'fault', {
      fault: spec.kind,
      op: change.op,
      name: change.fault.name,
      spec: spec.text,
      dirs: spec.dirs,
      ...(spec.toxicity !== undefined ? { toxicity: spec.toxicity } : {}),
      ...(spec.nth !== undefined ? { nth: spec.nth } : {}),
    });
    for (const c of this.conns) c.change(change);
  }

  private accept(client: Socket): void {
    if (this.writer.failure || !this.listening) {
      client.destroy();
      return;
    }
    const c = ++this.stats.connections;
    if (client.remotePort !== undefined) {
      this.byPort.set(client.remotePort, c);
      this.portWaiters.get(client.remotePort)?.(c);
      this.portWaiters.delete(client.remotePort);
    }
    const target = formatHostPort(this.target);
    const conn = new ProxiedConnection(client, {
      c,
      target: this.target,
      writer: this.writer,
      stats: this.stats,
      rand: this.rand,
      opts: this.opts,
      faults: this.faults.all,
      frame: this.opts.frameAnswers ?? this.faults.all.some((f) => f.spec.nth !== undefined),
      server: target !== this.headerTarget ? target : undefined,
    });
    this.conns.add(conn);
    void conn.closed.then(() => this.conns.delete(conn));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const conns = [...this.conns];
      await new Promise<void>((resolve) => {
        if (this.listening) this.server.close(() => resolve());
        else resolve();
        for (const c of conns) c.destroy();
      });
      // let the sockets' close handlers write their last events (bounded: 2 s)
      await Promise.race([Promise.all(conns.map((c) => c.closed)), new Promise((r) => setTimeout(r, 2000).unref())]);
      await this.writer.close();
    })();
    return this.closing;
  }
}
