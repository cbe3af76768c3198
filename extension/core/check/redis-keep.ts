// A Redis client that does what redis-py 4.5.2 and 4.5.3's asyncio client did when a command was cancelled after it
// was sent (redis-py issue 2624, CVE-2023-28858 and CVE-2023-28859): it gives up waiting, keeps the connection, and the
// next command reads the reply left on it as its own. It exists so that `check` shows the bug class live against a
// real Redis, as tracker-buggy shows the 2008 one; replays/redis-2023 holds the real client's recordings.
import { connect, type Socket } from 'node:net';
import type { HostPort } from '../address';
import { parseResp, type Resp } from '../protocols/redis';
import type { CheckClient, Got } from './clients';

export class RedisKeepOnCancel implements CheckClient {
  lateCallbacks = 0;
  private socket: Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private failed: string | null = null;

  /** `prefix`: the check's table, which its Redis keys begin with (as ioredis's check client reads them) */
  constructor(
    private readonly proxy: HostPort,
    private readonly timeoutMs: number,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<Got> {
    const s = await this.connection();
    const k = `${this.prefix}:${key}`;
    s.write(`*2\r\n$3\r\nGET\r\n$${Buffer.byteLength(k)}\r\n${k}\r\n`);
    const reply = await this.reply(Date.now() + this.timeoutMs);
    if (reply === 'timeout') return { kind: 'timeout' }; // the cancel: the reply stays on the connection, unread
    if (typeof reply === 'string') return { kind: 'error', code: reply };
    if (reply.t === '-') return { kind: 'error', code: reply.v };
    if (reply.t === '$') return reply.v === null ? { kind: 'missing' } : { kind: 'payload', payload: reply.v.toString() };
    return { kind: 'error', code: `unexpected reply ${reply.t}` };
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    this.socket = null;
  }

  private connection(): Promise<Socket> {
    if (this.socket && !this.failed) return Promise.resolve(this.socket);
    this.buf = Buffer.alloc(0);
    this.failed = null;
    return new Promise((resolve, reject) => {
      const s = connect({ host: this.proxy.host, port: this.proxy.port });
      s.setNoDelay(true);
      s.once('connect', () => resolve(s));
      s.once('error', (err: NodeJS.ErrnoException) => {
        this.failed = err.code ?? err.message;
        this.wake?.();
        reject(err);
      });
      s.on('close', () => {
        this.failed ??= 'closed';
        this.wake?.();
      });
      s.on('data', (d: Buffer) => {
        this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
        this.wake?.();
      });
      this.socket = s;
    });
  }

  /** The next whole reply on the connection, whichever command it answers. */
  private async reply(deadline: number): Promise<Resp | 'timeout' | string> {
    for (;;) {
      const r = parseResp(this.buf, 0);
      if ('value' in r) {
        this.buf = this.buf.subarray(r.end);
        return r.value;
      }
      if ('error' in r) return `bad reply: ${r.error}`;
      if (this.failed) return this.failed;
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
  }
}
