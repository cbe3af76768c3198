// A client's tracker connection: writes request lines and reads response lines with a timeout. Lines that arrive
// while nobody is reading wait in order, exactly like bytes in a socket's receive buffer.
import { connect, type Socket } from 'node:net';
import { formatHostPort, type HostPort } from '../address';
import { describeNetError, UserError } from '../errors';
import { LineFramer, lineText } from '../protocols/mogilefs';

export class LineConnection {
  private readonly framer = new LineFramer();
  private readonly lines: string[] = [];
  private waiter: ((line: string | null) => void) | null = null;
  private closed = false;

  private constructor(private readonly sock: Socket) {
    sock.on('data', (chunk: Buffer) => {
      for (const f of this.framer.push(chunk, 0)) this.lines.push(lineText(f.bytes));
      this.wake();
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(addr: HostPort, timeoutMs = 5000): Promise<LineConnection> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host: addr.host, port: addr.port });
      sock.setNoDelay(true);
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new UserError(`tracker ${formatHostPort(addr)}: connection timed out`));
      }, timeoutMs);
      sock.once('connect', () => {
        clearTimeout(timer);
        resolve(new LineConnection(sock));
      });
      sock.once('error', (err) => {
        clearTimeout(timer);
        reject(new UserError(describeNetError(err, `tracker ${formatHostPort(addr)}`)));
      });
    });
  }

  get localPort(): number {
    return this.sock.localPort ?? 0;
  }

  get isOpen(): boolean {
    return !this.closed && !this.sock.destroyed;
  }

  write(line: string): void {
    this.sock.write(line.endsWith('\n') ? line : `${line}\r\n`);
  }

  /** The next line, or null when none came within the timeout. Throws when the connection is gone. */
  readLine(timeoutMs: number): Promise<string | null> {
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.closed) return Promise.reject(new UserError('the tracker closed the connection'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      this.waiter = (line) => {
        clearTimeout(timer);
        this.waiter = null;
        if (line === null) reject(new UserError('the tracker closed the connection'));
        else resolve(line);
      };
    });
  }

  close(): void {
    this.closed = true;
    this.sock.destroy();
  }

  private wake(): void {
    if (!this.waiter) return;
    const line = this.lines.shift();
    if (line !== undefined) this.waiter(line);
    else if (this.closed) this.waiter(null);
  }
}
