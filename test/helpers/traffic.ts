// Generated database traffic of any size, for the bounded-memory test and the decode benchmark: one connection per
// protocol, request then answer, each message laid out as its protocol documents (the same forms the real servers
// sent in the capture tests), produced lazily so that 100 MB never sits in memory at once.
import type { Chunk } from './capture';
import { opMsg } from './opmsg';

/** a row's text column: a few hundred bytes, like the ~300-byte documents of the 2010 incident */
const TEXT = 'x'.repeat(200);

export type TrafficProtocol = 'mysql' | 'postgres' | 'mongodb' | 'redis';

function mysqlPacket(seq: number, payload: Buffer): Buffer {
  const h = Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, (payload.length >> 16) & 0xff, seq & 0xff]);
  return Buffer.concat([h, payload]);
}
const lenenc = (s: string): Buffer => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);
function mysqlColumn(name: string, type: number): Buffer {
  const fixed = Buffer.alloc(13);
  fixed[0] = 0x0c;
  fixed.writeUInt16LE(45, 1);
  fixed.writeUInt32LE(255, 3);
  fixed[7] = type;
  return Buffer.concat([lenenc('def'), lenenc('test'), lenenc('data'), lenenc('data'), lenenc(name), lenenc(name), fixed]);
}
const EOF = Buffer.from([0xfe, 0, 0, 2, 0]);

function mysqlExchange(n: number, rows: number): [Buffer, Buffer] {
  const req = mysqlPacket(0, Buffer.from(`\x03select * from data where val = '${n}'`));
  const parts = [
    mysqlPacket(1, Buffer.from([3])),
    mysqlPacket(2, mysqlColumn('id', 3)),
    mysqlPacket(3, mysqlColumn('val', 0xfd)),
    mysqlPacket(4, mysqlColumn('txt', 0xfd)),
    mysqlPacket(5, EOF),
  ];
  let seq = 6;
  for (let r = 0; r < rows; r++) parts.push(mysqlPacket(seq++, Buffer.concat([lenenc(String(r)), lenenc(String(n)), lenenc(`${n} in ${r}: ${TEXT}`)])));
  parts.push(mysqlPacket(seq, EOF));
  return [req, Buffer.concat(parts)];
}

function pgTyped(type: string, body: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h.write(type, 0, 'latin1');
  h.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([h, body]);
}
function pgExchange(n: number, rows: number): [Buffer, Buffer] {
  const req = pgTyped('Q', Buffer.from(`select * from data where val = '${n}'\0`));
  const fields = ['id', 'val', 'txt'].map((name) => {
    const meta = Buffer.alloc(18);
    meta.writeUInt32BE(25, 6);
    meta.writeInt16BE(-1, 10);
    meta.writeInt32BE(-1, 12);
    return Buffer.concat([Buffer.from(`${name}\0`), meta]);
  });
  const count = Buffer.alloc(2);
  count.writeInt16BE(3);
  const parts = [pgTyped('T', Buffer.concat([count, ...fields]))];
  for (let r = 0; r < rows; r++) {
    const cells = [String(r), String(n), `${n} in ${r}: ${TEXT}`].map((v) => {
      const len = Buffer.alloc(4);
      len.writeInt32BE(Buffer.byteLength(v));
      return Buffer.concat([len, Buffer.from(v)]);
    });
    parts.push(pgTyped('D', Buffer.concat([count, ...cells])));
  }
  parts.push(pgTyped('C', Buffer.from(`SELECT ${rows}\0`)), pgTyped('Z', Buffer.from('I')));
  return [req, Buffer.concat(parts)];
}

function redisExchange(n: number, rows: number): [Buffer, Buffer] {
  const key = `data:${n}`;
  const req = Buffer.from(`*4\r\n$6\r\nLRANGE\r\n$${key.length}\r\n${key}\r\n$1\r\n0\r\n$2\r\n-1\r\n`);
  const items = Array.from({ length: rows }, (_, r) => `${n} in ${r}: ${TEXT}`);
  const resp = Buffer.from(`*${rows}\r\n${items.map((s) => `$${s.length}\r\n${s}\r\n`).join('')}`);
  return [req, resp];
}

function mongoExchange(n: number, rows: number): [Buffer, Buffer] {
  const req = opMsg({ find: 'data', filter: { val: n }, $db: 'test' }, { requestID: n });
  const batch = Array.from({ length: rows }, (_, r) => ({ _id: r, val: n, txt: `${n} in ${r}: ${TEXT}` }));
  const resp = opMsg({ cursor: { firstBatch: batch, id: 0, ns: 'test.data' }, ok: 1 }, { requestID: 1_000_000 + n, responseTo: n });
  return [req, resp];
}

const EXCHANGES: Record<TrafficProtocol, (n: number, rows: number) => [Buffer, Buffer]> = {
  mysql: mysqlExchange,
  postgres: pgExchange,
  redis: redisExchange,
  mongodb: mongoExchange,
};

/** distinct exchanges generated, then repeated: the decoders see varied messages and generation costs little */
const CYCLE = 256;

/** Request/answer chunks of one connection until `totalBytes` have been produced; answers split in two at times. */
export function* generateTraffic(protocol: TrafficProtocol, totalBytes: number, conn = 1): Generator<Chunk> {
  const cycle = Array.from({ length: CYCLE }, (_, i) => EXCHANGES[protocol](i + 1, 1 + (i % 20)));
  let produced = 0;
  let tUs = 0;
  for (let n = 1; produced < totalBytes; n++) {
    const [req, resp] = cycle[n % CYCLE];
    yield { conn, dir: 'c2s', bytes: req, tUs: (tUs += 10) };
    const cut = n % 3 === 0 ? Math.floor(resp.length / 2) : resp.length;
    yield { conn, dir: 's2c', bytes: resp.subarray(0, cut), tUs: (tUs += 10) };
    if (cut < resp.length) yield { conn, dir: 's2c', bytes: resp.subarray(cut), tUs: (tUs += 10) };
    produced += req.length + resp.length;
  }
}
