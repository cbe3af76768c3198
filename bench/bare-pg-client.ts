// An anchor for `npm run bench db`: the least a Node.js client does per statement, to tell what this machine allows a
// Node client at all from what our benchmark's client costs. Raw sockets, no driver: per connection the statement
// is parsed once, then each run is one write of Bind, Execute and Sync and a read to ReadyForQuery (the bytes
// PostgreSQL's "Message Formats" give), one statement outstanding per client. No histogram, no error words: it
// counts. Trust authentication only (the bench's local server). Run as its own process:
//   node --import tsx bench/bare-pg-client.ts URL TABLE ROWS CLIENTS SECONDS
// prints one JSON line: {"throughput", "cores" (this process's CPU), "missed" (runs that found no row), "errors"}.
import { connect, type Socket } from 'node:net';

const [url, table, rowsArg, clientsArg, secondsArg] = process.argv.slice(2);
const u = new URL(url);
const rows = Number(rowsArg);
const clients = Number(clientsArg);
const seconds = Number(secondsArg);

function message(type: string, body: Buffer): Buffer {
  const b = Buffer.allocUnsafe(5 + body.length);
  b[0] = type.charCodeAt(0);
  b.writeInt32BE(4 + body.length, 1);
  body.copy(b, 5);
  return b;
}
const cstr = (s: string): Buffer => Buffer.from(`${s}\0`);

class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private ready: (() => void) | null = null;
  rowsSeen = 0;
  errors = 0;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.read(d));
  }

  private read(d: Buffer): void {
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, d]) : d;
    let at = 0;
    while (this.buf.length - at >= 5) {
      const len = this.buf.readInt32BE(at + 1);
      if (this.buf.length - at < 1 + len) break;
      const type = this.buf[at];
      if (type === 0x44)
        this.rowsSeen++; // DataRow
      else if (type === 0x45)
        this.errors++; // ErrorResponse
      else if (type === 0x5a && this.ready) {
        // ReadyForQuery
        const r = this.ready;
        this.ready = null;
        r();
      }
      at += 1 + len;
    }
    this.buf = this.buf.subarray(at);
  }

  /** Writes `bytes` and resolves at the next ReadyForQuery. */
  send(bytes: Buffer): Promise<void> {
    const p = new Promise<void>((resolve) => (this.ready = resolve));
    this.socket.write(bytes);
    return p;
  }
}

async function open(): Promise<Conn> {
  const socket = connect(Number(u.port || 5432), u.hostname);
  const c = new Conn(socket);
  const params = Buffer.concat([cstr('user'), cstr(decodeURIComponent(u.username)), cstr('database'), cstr(u.pathname.slice(1)), Buffer.from([0])]);
  const startup = Buffer.allocUnsafe(8 + params.length);
  startup.writeInt32BE(8 + params.length, 0);
  startup.writeInt32BE(196608, 4); // protocol 3.0
  params.copy(startup, 8);
  await c.send(startup);
  await c.send(
    Buffer.concat([
      message('P', Buffer.concat([cstr('s'), cstr(`select * from ${table} where val = $1`), Buffer.from([0, 0])])),
      message('S', Buffer.alloc(0)),
    ]),
  );
  return c;
}

const EXECUTE_SYNC = Buffer.concat([message('E', Buffer.concat([cstr(''), Buffer.alloc(4)])), message('S', Buffer.alloc(0))]);

function run(value: number): Buffer {
  const v = Buffer.from(String(value));
  // portal "", statement "s", no format codes (text), one parameter, no result format codes (text)
  const body = Buffer.concat([cstr(''), cstr('s'), Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]), v, Buffer.from([0, 0])]);
  body.writeInt32BE(v.length, 7);
  return Buffer.concat([message('B', body), EXECUTE_SYNC]);
}

async function main(): Promise<void> {
  const conns = await Promise.all(Array.from({ length: clients }, open));
  let runs = 0;
  const end = performance.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    conns.map(async (c) => {
      while (performance.now() < end) {
        await c.send(run(1 + Math.floor(Math.random() * rows)));
        runs++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const found = conns.reduce((n, c) => n + c.rowsSeen, 0);
  const errors = conns.reduce((n, c) => n + c.errors, 0);
  for (const c of conns) c.socket.destroy();
  console.log(JSON.stringify({ throughput: runs / elapsed, cores: (cpu.user + cpu.system) / 1e6 / elapsed, missed: Math.max(0, runs - found), errors }));
}

void main();
