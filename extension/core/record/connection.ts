// One connection through the recording proxy: the client's socket, the one to the target, a pipe each way with the
// proxy's faults attached, and the events of its life in the transcript (open, bytes, faults, close or reset). It
// survives clients and servers that vanish mid-stream, and follows the proxy's faults as they are added, changed
// and removed: a fault with a toxicity picks this connection or not once, when it opens or the fault arrives.
import { connect, type Socket } from 'node:net';
import { formatHostPort, type HostPort } from '../address';
import { describeNetError } from '../errors';
import type { Random } from '../random';
import type { TranscriptWriter } from '../transcript/writer';
import { AnswerFramer } from './answers';
import { connectionMask, type Recordable } from './connection-mask';
import type { ActiveFault, FaultChange } from './fault-set';
import { Pipe } from './pipe';
import type { RecorderOptions, RecorderStats } from './proxy';

export interface ConnectionContext {
  c: number;
  target: HostPort;
  writer: TranscriptWriter;
  stats: RecorderStats;
  rand: Random;
  opts: RecorderOptions;
  faults: readonly ActiveFault[];
  /** frame the connection's messages, so that faults on the n-th one (nth=) can act */
  frame: boolean;
  /** the target, when it is not the one the header names (the proxy was pointed elsewhere) */
  server?: string;
}

export class ProxiedConnection {
  readonly client: Socket;
  readonly upstream: Socket;
  /** resolves once both sockets are closed and the connection's last events are written */
  readonly closed: Promise<void>;
  private readonly up: Pipe;
  private readonly down: Pipe;
  private readonly picks = new Map<number, boolean>();
  private resetBy: 'client' | 'server' | 'proxy' | null = null;
  private closedBy: 'proxy' | null = null;

  constructor(
    client: Socket,
    private readonly ctx: ConnectionContext,
  ) {
    const { c, writer, stats, opts, target } = ctx;
    this.client = client;
    stats.open++;
    const peer = `${client.remoteAddress}:${client.remotePort}`;
    writer.event(c, 'open', { peer, ...(ctx.server ? { server: ctx.server } : {}) });
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    this.upstream = upstream;
    client.setNoDelay(true);
    upstream.setNoDelay(true);

    let ended: 'client' | 'server' | null = null;
    let error: string | undefined;
    const mask = opts.keepAuth
      ? null
      : connectionMask({
          protocol: opts.protocol,
          port: target.port,
          onUnknown: () => {
            stats.maskedConnections++;
            opts.log?.(
              `connection ${c}: its protocol cannot be told from its first bytes or the target's port; its bytes are recorded masked (--protocol P or --keep-auth keeps them)`,
            );
          },
        });
    const framer = ctx.frame ? new AnswerFramer(opts.protocol, target.port) : null;
    const record = (out: Recordable, t?: number) => {
      for (const [dir, bytes] of out) writer.data(c, dir, bytes, t);
    };
    const congested = () => (writer.congested ? writer.drained() : null);
    const hooksFor = (dir: 'c2s' | 's2c') => ({
      record: (bytes: Buffer) => {
        if (dir === 'c2s') stats.c2sBytes += bytes.length;
        else stats.s2cBytes += bytes.length;
        // stamped now, when the bytes were handed on; masked and written once this turn's other chunks are relayed
        const t = writer.now();
        writer.defer(() => (mask ? record(mask.take(dir, bytes), t) : writer.data(c, dir, bytes, t)), bytes.length);
      },
      fault: (f: ActiveFault, detail: Record<string, unknown>) => {
        stats.faults++;
        writer.event(c, 'fault', { fault: f.spec.kind, dir, name: f.name, ...detail });
      },
      dropped: (bytes: number) => {
        stats.droppedBytes += bytes;
        writer.event(c, 'drop', { dir, bytes });
      },
      reset: () => {
        this.resetBy = 'proxy';
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      },
      close: () => {
        this.closedBy ??= 'proxy';
        client.destroy();
        upstream.destroy();
      },
      congested,
      split: framer ? (d: 'c2s' | 's2c', chunk: Buffer) => framer.split(d, chunk) : undefined,
    });
    const up = new Pipe('c2s', client, ctx.rand, hooksFor('c2s'));
    const down = new Pipe('s2c', upstream, ctx.rand, hooksFor('s2c'));
    this.up = up;
    this.down = down;
    for (const f of ctx.faults) this.attach(f);
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
      if (reset) this.resetBy ??= 'client';
      error ??= `client ${peer}: ${err.code ?? err.message}`;
      if (err.code === 'ECONNRESET' && !upstream.destroyed) upstream.resetAndDestroy();
      else upstream.destroy();
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      const where = formatHostPort(target);
      if (err.code === 'ECONNREFUSED') {
        stats.refused++;
        opts.log?.(`connection ${c}: ${describeNetError(err, `target ${where}`)}`);
      } else if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
        this.resetBy ??= 'server';
      }
      error ??= describeNetError(err, `target ${where}`);
      ended ??= 'server';
      if (err.code === 'ECONNRESET' && !client.destroyed) client.resetAndDestroy();
      else client.destroy();
    });
    let closes = 0;
    this.closed = new Promise<void>((resolve) => {
      const onClose = () => {
        if (++closes < 2) {
          // one side is gone: a side that closed without FIN (destroy) takes the other down with it
          if (client.destroyed && !upstream.destroyed && (client.readableEnded === false || this.resetBy)) upstream.destroy();
          if (upstream.destroyed && !client.destroyed && (upstream.readableEnded === false || this.resetBy)) client.destroy();
          return;
        }
        up.stop();
        down.stop();
        stats.open--;
        if (mask) {
          const t = writer.now();
          writer.defer(() => record(mask.flush(), t));
        }
        const dropped = up.undelivered + down.undelivered;
        if (dropped > 0) {
          stats.droppedBytes += dropped;
          if (up.undelivered) writer.event(c, 'drop', { dir: 'c2s', bytes: up.undelivered });
          if (down.undelivered) writer.event(c, 'drop', { dir: 's2c', bytes: down.undelivered });
        }
        if (this.resetBy) {
          stats.resets++;
          writer.event(c, 'reset', { by: this.resetBy, ...(error ? { error } : {}) });
        } else {
          writer.event(c, 'close', { by: this.closedBy ?? ended ?? 'client', ...(error ? { error } : {}) });
        }
        resolve();
      };
      client.once('close', onClose);
      upstream.once('close', onClose);
    });
  }

  /** A fault of the proxy begins on this connection: picked or not by its toxicity, then on each direction it names. */
  attach(f: ActiveFault): void {
    const picked = this.pick(f);
    this.up.attach(f, picked);
    this.down.attach(f, picked);
  }

  change(change: FaultChange): void {
    const f = change.fault;
    if (change.op === 'add') return this.attach(f);
    const was = change.op === 'update' ? change.previous : f.spec;
    this.up.detach(f, change.op, was);
    this.down.detach(f, change.op, was);
    if (change.op === 'remove') {
      this.picks.delete(f.id);
      return;
    }
    // a new toxicity is a new draw; anything else keeps the connection's pick
    if (change.previous.toxicity !== f.spec.toxicity) this.picks.delete(f.id);
    this.attach(f);
  }

  /** Ends the connection at once (the proxy is taken down or deleted). */
  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
  }

  private pick(f: ActiveFault): boolean {
    let picked = this.picks.get(f.id);
    if (picked === undefined) {
      const toxicity = f.spec.toxicity ?? 1;
      picked = toxicity >= 1 || this.ctx.rand() < toxicity;
      this.picks.set(f.id, picked);
      // which connections a toxicity picked is part of the record: the faults on the others never act
      if (toxicity < 1 && picked) this.ctx.writer.event(this.ctx.c, 'fault', { fault: f.spec.kind, name: f.name, toxicity, picked });
    }
    return picked;
  }
}
