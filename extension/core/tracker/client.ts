// The two tracker clients. Both send one request at a time and wait for its line. They differ only in what a
// read timeout does, which is the whole 2008 incident:
//  - buggy: like the old PHP PEAR client, the timeout becomes "not found" and the connection is kept, so the late
//    answer waits in the receive buffer and is read as the answer to the next request;
//  - safe: the timeout closes the connection (the next request opens a new one), and every get_paths answer is
//    checked against what was asked (the file id it names must be the key's), so a wrong answer is never returned.
// Instrumented: each request, timeout and result is reported to a sink, which writes `client` transcript events.
import type { HostPort } from '../address';
import { encodeArgs, parseArgs } from '../protocols/mogilefs';
import { fidOfPath } from './store';
import { LineConnection } from './line-connection';

export interface ClientEventSink {
  /** called once per new connection before its first request */
  attach(localPort: number): Promise<void>;
  emit(localPort: number, op: 'request' | 'timeout' | 'result' | 'close', fields: Record<string, unknown>): void;
}

export type Answer =
  | { kind: 'ok'; line: string; args: Record<string, string> }
  | { kind: 'err'; line: string; code: string }
  | { kind: 'timeout' }
  /** safe client only: the answer named another key's file, so it was refused and the connection closed */
  | { kind: 'wrong'; line: string };

export interface ClientOptions {
  timeoutMs: number;
  sink?: ClientEventSink;
  /** a prefix for request ids in the transcript */
  name: string;
}

export abstract class TrackerClient {
  protected conn: LineConnection | null = null;
  private seq = 0;
  /** the connections' local ports, in the order opened */
  readonly ports: number[] = [];
  /** key → file id, learned from this client's own create_open answers or told by the caller */
  readonly knownFids = new Map<string, number>();

  constructor(
    protected readonly addr: HostPort,
    protected readonly opts: ClientOptions,
  ) {}

  async request(command: string, args: Record<string, string | number>, key?: string): Promise<Answer> {
    const conn = await this.connection();
    const port = conn.localPort;
    const id = `${this.opts.name}${++this.seq}`;
    this.opts.sink?.emit(port, 'request', { id, ...(key !== undefined ? { key } : {}) });
    conn.write(`${command} ${encodeArgs(args)}`);
    const line = await conn.readLine(this.opts.timeoutMs);
    if (line === null) {
      const kept = this.onTimeout(conn);
      this.opts.sink?.emit(port, 'timeout', { id, kept });
      this.opts.sink?.emit(port, 'result', { id, got: null });
      if (!kept) this.opts.sink?.emit(port, 'close', { id });
      return { kind: 'timeout' };
    }
    this.opts.sink?.emit(port, 'result', { id, got: line });
    const ok = /^OK\s?(.*)$/i.exec(line);
    if (!ok) return { kind: 'err', line, code: /^ERR\s+(\S+)/i.exec(line)?.[1] ?? 'unknown' };
    const answer: Answer = { kind: 'ok', line, args: parseArgs(ok[1]) };
    if (command === 'create_open' && key !== undefined && answer.args.fid) this.knownFids.set(key, Number(answer.args.fid));
    return this.check(command, key, answer, conn);
  }

  getPaths(domain: string, key: string): Promise<Answer> {
    return this.request('get_paths', { domain, key }, key);
  }

  async storeKey(domain: string, key: string, size: number): Promise<number | null> {
    const open = await this.request('create_open', { domain, key, class: 'default' }, key);
    if (open.kind !== 'ok') return null;
    const fid = Number(open.args.fid);
    const done = await this.request('create_close', { domain, key, fid, devid: open.args.devid ?? 1, path: open.args.path ?? '', size }, key);
    return done.kind === 'ok' ? fid : null;
  }

  close(): void {
    this.conn?.close();
    this.conn = null;
  }

  /** what a read timeout does; returns whether the connection was kept */
  protected abstract onTimeout(conn: LineConnection): boolean;

  protected check(_command: string, _key: string | undefined, answer: Answer, _conn: LineConnection): Answer {
    return answer;
  }

  private async connection(): Promise<LineConnection> {
    if (this.conn?.isOpen) return this.conn;
    this.conn = await LineConnection.connect(this.addr);
    this.ports.push(this.conn.localPort);
    await this.opts.sink?.attach(this.conn.localPort);
    return this.conn;
  }
}

/** The 2008 client: a timeout is reported as "not found" and the connection, with its late answer, is kept. */
export class BuggyTrackerClient extends TrackerClient {
  protected onTimeout(): boolean {
    return true;
  }
}

/** The fixed client: a timeout closes the connection; an answer naming another key's file is refused. */
export class SafeTrackerClient extends TrackerClient {
  protected onTimeout(conn: LineConnection): boolean {
    conn.close();
    this.conn = null;
    return false;
  }

  protected override check(command: string, key: string | undefined, answer: Answer, conn: LineConnection): Answer {
    if (command !== 'get_paths' || key === undefined || answer.kind !== 'ok') return answer;
    const expected = this.knownFids.get(key);
    const fids = Object.entries(answer.args)
      .filter(([k]) => /^path\d+$/.test(k))
      .map(([, v]) => fidOfPath(v));
    if (expected === undefined || fids.every((f) => f === expected)) return answer;
    conn.close();
    this.conn = null;
    return { kind: 'wrong', line: answer.kind === 'ok' ? answer.line : '' };
  }
}
