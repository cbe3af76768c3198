// MySQL/MariaDB decoding and pairing, from real traffic: mysql2 talking to the local MariaDB through a recording
// relay (query, prepared execute with parameters, several rows, an error, ping), and the server's own bytes for a
// client that negotiates CLIENT_DEPRECATE_EOF (mysql2 and the mariadb CLI never do, so a few raw packets ask for it).
import { strict as assert } from 'node:assert';
import { connect } from 'node:net';
import { before, describe, it } from 'node:test';
import mysql2 from 'mysql2/promise';
import { mysql, PacketFramer, redactMysql, CAP } from '../../extension/core/protocols/mysql';
import { requireService, startRelay, type Chunk } from '../helpers/capture';
import { decodeAll, pairAll, prng, shape, splitAt, splitRandom, totalBytes } from '../helpers/wire';

const START = 'MariaDB on 127.0.0.1:3306 (root, empty password, database `test`): `sudo service mariadb start`';

async function captureMysql2(): Promise<Chunk[]> {
  const relay = await startRelay(3306);
  const c = await mysql2.createConnection({ host: '127.0.0.1', port: relay.port, user: 'root', database: 'test' });
  await c.query('create temporary table ir_t (id int primary key, val varchar(20), d datetime, f double)');
  await c.query("insert into ir_t values (1, 'a', '2020-01-02 03:04:05', 1.5), (2, 'b', null, 2.5), (3, 'c', null, -1)");
  await c.query('select * from ir_t order by id');
  await c.execute('select id, val, f from ir_t where id = ? or val = ? order by id', [2, 'c']);
  await c.query('selec oops').catch(() => undefined);
  await c.ping();
  await c.end();
  await relay.close();
  return relay.chunks;
}

/** A minimal client that logs in with CLIENT_DEPRECATE_EOF and runs a query, a prepare and an execute. */
async function captureDeprecateEof(): Promise<Chunk[]> {
  const relay = await startRelay(3306);
  const sock = connect({ host: '127.0.0.1', port: relay.port });
  const framer = new PacketFramer();
  const waiters: Array<(p: Buffer) => boolean> = [];
  sock.on('data', (d: Buffer) => {
    for (const p of framer.push(d, 0)) if (waiters[0]?.(p.payload)) waiters.shift();
  });
  const until = (done: (p: Buffer) => boolean): Promise<Buffer> => new Promise((r) => waiters.push((p) => (done(p) ? (r(p), true) : false)));
  const send = (seq: number, payload: Buffer): void => {
    const h = Buffer.alloc(4);
    h.writeUIntLE(payload.length, 0, 3);
    h[3] = seq;
    sock.write(Buffer.concat([h, payload]));
  };
  const ends = (p: Buffer): boolean => p[0] === 0x00 || p[0] === 0xfe || p[0] === 0xff;
  await until(() => true);
  const caps = CAP.PROTOCOL_41 | CAP.SECURE_CONNECTION | CAP.PLUGIN_AUTH | CAP.CONNECT_WITH_DB | CAP.DEPRECATE_EOF | 0x1;
  const login = Buffer.alloc(32);
  login.writeUInt32LE(caps >>> 0, 0);
  login.writeUInt32LE(1 << 24, 4);
  login[8] = 45;
  send(1, Buffer.concat([login, Buffer.from('root\0'), Buffer.from([0]), Buffer.from('test\0mysql_native_password\0')]));
  await until(ends);
  send(0, Buffer.from('\x03select 1 as a, "x" as b union select 2, "y"'));
  await until((p) => p[0] === 0xfe || p[0] === 0xff);
  send(0, Buffer.from('\x16select ? as v, 7 as w'));
  const ok = await until(ends);
  const exec = Buffer.alloc(1 + 4 + 1 + 4 + 1 + 1 + 2 + 4);
  exec[0] = 0x17;
  exec.writeUInt32LE(ok.readUInt32LE(1), 1);
  exec.writeUInt32LE(1, 6);
  exec[11] = 1; // new params bound
  exec.writeUInt16LE(0x03, 12); // LONG
  exec.writeInt32LE(42, 14);
  send(0, exec);
  await until((p) => p[0] === 0xfe || p[0] === 0xff);
  send(0, Buffer.from([0x01]));
  await new Promise((r) => sock.on('close', r));
  await relay.close();
  return relay.chunks;
}

function eofPackets(chunks: Chunk[]): number {
  const framer = new PacketFramer();
  const packets = chunks.filter((c) => c.dir === 's2c').flatMap((c) => framer.push(c.bytes, c.tUs));
  return packets.filter((p) => p.payload[0] === 0xfe && p.payload.length === 5).length;
}

/** mysql2 logging in as root with a wrong password: a real 20-byte auth response, refused with ERR 1045. */
async function captureWrongPassword(): Promise<Chunk[]> {
  const relay = await startRelay(3306);
  await mysql2.createConnection({ host: '127.0.0.1', port: relay.port, user: 'root', password: 'not-the-password' }).then(
    (c) => c.end(),
    () => undefined,
  );
  await relay.close();
  return relay.chunks;
}

describe('mysql protocol', () => {
  let traffic: Chunk[] = [];
  let eofless: Chunk[] = [];
  let refused: Chunk[] = [];
  before(async () => {
    await requireService('MariaDB', 3306, START);
    traffic = await captureMysql2();
    eofless = await captureDeprecateEof();
    refused = await captureWrongPassword();
  });

  it('pairs every mysql2 command with its whole answer, with no findings', () => {
    const run = pairAll(mysql, traffic);
    assert.deepEqual(run.findings, []);
    assert.equal(run.undecoded, 0);
    const answered = run.pairs.filter((p) => p.request.expectsResponse !== false);
    assert.ok(answered.length >= 8);
    for (const p of answered) assert.ok(p.response, `no answer for ${p.request.decoded.summary}`);
    assert.equal(run.responses, answered.length);
    assert.equal(run.unsolicited.length, 1, 'the greeting answers no request');
    assert.match(run.unsolicited[0].decoded.summary, /^greeting .*MariaDB/);
    const quit = run.pairs.at(-1);
    assert.equal(quit?.request.decoded.summary, 'quit');
    assert.equal(quit?.request.expectsResponse, false);
  });

  it('shows a text result set as a table of rows', () => {
    const p = pairAll(mysql, traffic).pairs.find((x) => x.request.decoded.summary === 'select * from ir_t order by id');
    assert.equal(p?.response?.decoded.summary, '3 rows (id, val, d, f)');
    assert.deepEqual(p?.response?.decoded.fields?.rows, [
      ['1', 'a', '2020-01-02 03:04:05', '1.5'],
      ['2', 'b', null, '2.5'],
      ['3', 'c', null, '-1'],
    ]);
  });

  it('shows a prepared execute with its statement, bound values and binary rows', () => {
    const pairs = pairAll(mysql, traffic).pairs;
    const prep = pairs.find((x) => x.request.decoded.summary.startsWith('prepare '));
    assert.match(prep?.response?.decoded.summary ?? '', /^prepared #\d+: 2 params, 3 columns$/);
    const exec = pairs.find((x) => x.request.decoded.summary.startsWith('execute '));
    assert.equal(exec?.request.decoded.summary, 'execute select id, val, f from ir_t where id = ? or val = ? order by id [2, "c"]');
    assert.equal(exec?.request.decoded.key, '2');
    assert.deepEqual(exec?.response?.decoded.fields?.rows, [
      [2, 'b', 2.5],
      [3, 'c', -1],
    ]);
  });

  it('shows a bad statement as a failed answer with its code and SQL state', () => {
    const p = pairAll(mysql, traffic).pairs.find((x) => x.request.decoded.summary === 'selec oops');
    assert.equal(p?.response?.decoded.failed, true);
    assert.match(p?.response?.decoded.summary ?? '', /^ERR 1064 \(42000\): You have an error in your SQL syntax/);
    const ping = pairAll(mysql, traffic).pairs.find((x) => x.request.decoded.summary === 'ping');
    assert.equal(ping?.response?.decoded.summary, 'OK affected=0');
  });

  it('frames the same messages at every split point of the stream', () => {
    const want = shape(decodeAll(mysql, traffic));
    const total = totalBytes(traffic);
    for (let at = 1; at < total; at++) assert.deepEqual(shape(decodeAll(mysql, splitAt(traffic, at))), want, `split at byte ${at}`);
  });

  it('pairs the same under random chunkings, down to single bytes', () => {
    const want = shape(decodeAll(mysql, traffic));
    for (let seed = 1; seed <= 30; seed++) {
      const chunks = splitRandom(traffic, prng(seed), seed === 1 ? 1 : 1 + (seed % 17));
      assert.deepEqual(shape(decodeAll(mysql, chunks)), want, `seed ${seed}`);
      assert.deepEqual(pairAll(mysql, chunks).findings, []);
    }
  });

  it('follows result sets without EOF packets when CLIENT_DEPRECATE_EOF is negotiated', () => {
    assert.equal(eofPackets(eofless), 0, 'the server sent no EOF packets');
    assert.ok(eofPackets(traffic) > 0, 'mysql2 does not negotiate DEPRECATE_EOF, so its traffic has EOF packets');
    const run = pairAll(mysql, eofless);
    assert.deepEqual(run.findings, []);
    assert.equal(run.undecoded, 0);
    const summaries = run.pairs.map((p) => [p.request.decoded.summary, p.response?.decoded.summary ?? null]);
    assert.deepEqual(summaries.slice(1), [
      ['select 1 as a, "x" as b union select 2, "y"', '2 rows (a, b)'],
      ['prepare select ? as v, 7 as w', summaries[2][1]],
      ['execute select ? as v, 7 as w [42]', '1 row (v, w)'],
      ['quit', null],
    ]);
    assert.match(String(summaries[2][1]), /^prepared #\d+: 1 params, 2 columns$/);
    const exec = run.pairs.find((p) => p.request.decoded.summary.startsWith('execute'));
    assert.deepEqual(exec?.response?.decoded.fields?.rows, [[42, 7]]);
  });

  it('pairs a refused login with its ERR, and masks its auth response, same length', () => {
    const run = pairAll(mysql, refused);
    assert.deepEqual(run.findings, []);
    assert.equal(run.pairs.length, 1);
    assert.match(run.pairs[0].request.decoded.summary, /^login root/);
    assert.equal(run.pairs[0].request.decoded.fields?.authResponseBytes, 20);
    assert.match(run.pairs[0].response?.decoded.summary ?? '', /^ERR 1045 \(28000\): Access denied for user 'root'/);
    const login = run.pairs[0].request;
    const masked = redactMysql('c2s', login.bytes);
    assert.ok(masked);
    assert.equal(masked.length, login.bytes.length);
    const at = masked.indexOf('*'.repeat(20));
    assert.ok(at > 0, 'twenty masked bytes');
    assert.notDeepEqual(login.bytes.subarray(at, at + 20), masked.subarray(at, at + 20));
    assert.deepEqual(
      Buffer.concat([masked.subarray(0, at), masked.subarray(at + 20)]),
      Buffer.concat([login.bytes.subarray(0, at), login.bytes.subarray(at + 20)]),
      'only the auth response changed',
    );
    const again = mysql.session().push('c2s', masked, 0);
    assert.equal(again[0].decoded.summary, login.decoded.summary, 'the masked login still decodes');
  });

  it('masks nothing in commands or an empty-password login, and masks auth-switch answers whole', () => {
    for (const m of decodeAll(mysql, traffic).filter((x) => x.dir === 'c2s')) assert.equal(redactMysql('c2s', m.bytes), null, m.decoded.summary);
    assert.equal(redactMysql('c2s', Buffer.from([4, 0, 0, 3, 1, 2, 3, 4]))?.toString('hex'), '040000032a2a2a2a');
  });

  it('shows an ERR sent instead of a greeting (too many connections) as unsolicited, and TLS after an SSLRequest as opaque', () => {
    const err = Buffer.concat([Buffer.from([0x17, 0, 0, 0, 0xff, 0x10, 0x04]), Buffer.from('Too many connections')]);
    const s = mysql.session();
    const [m] = s.push('s2c', err, 0);
    assert.equal(m.unsolicited, true);
    assert.equal(m.decoded.failed, true);
    assert.equal(m.decoded.summary, 'ERR 1040: Too many connections');
    const greeting = traffic.find((c) => c.dir === 's2c')?.bytes ?? Buffer.alloc(0);
    const t = mysql.session();
    t.push('s2c', greeting, 0);
    const ssl = Buffer.alloc(36);
    ssl.writeUIntLE(32, 0, 3);
    ssl[3] = 1;
    ssl.writeUInt32LE((CAP.PROTOCOL_41 | CAP.SSL | CAP.SECURE_CONNECTION) >>> 0, 4);
    const [req] = t.push('c2s', ssl, 1);
    assert.equal(req.decoded.summary, 'SSLRequest (TLS follows)');
    assert.equal(req.expectsResponse, false);
    const [hello] = t.push('c2s', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]), 2);
    assert.equal(hello.decoded.summary, 'TLS (10 bytes)');
    assert.equal(hello.expectsResponse, false);
  });
});
