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

describe('mysql protocol', () => {
  let traffic: Chunk[] = [];
  let eofless: Chunk[] = [];
  before(async () => {
    await requireService('MariaDB', 3306, START);
    traffic = await captureMysql2();
    eofless = await captureDeprecateEof();
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
    assert.deepEqual(exec?.response?.decoded.fields?.rows, [[2, 'b', 2.5], [3, 'c', -1]]);
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

  it('masks the auth response of a login and leaves commands alone', () => {
    const login = decodeAll(mysql, traffic).find((m) => m.dir === 'c2s' && m.decoded.summary.startsWith('login'));
    assert.ok(login);
    assert.equal(redactMysql('c2s', login.bytes), null, 'root logs in with an empty password: nothing to mask');
    // the same login with a 20-byte scramble answer, as mysql_native_password sends for a real password
    const payload = login.bytes.subarray(4);
    const userEnd = payload.indexOf(0, 32);
    const proof = Buffer.alloc(20, 0x5a);
    const withPw = Buffer.concat([payload.subarray(0, userEnd + 1), Buffer.from([20]), proof, payload.subarray(userEnd + 2)]);
    const head = Buffer.from([withPw.length & 0xff, (withPw.length >> 8) & 0xff, 0, 1]);
    const packet = Buffer.concat([head, withPw]);
    const masked = redactMysql('c2s', packet);
    assert.ok(masked);
    assert.equal(masked.length, packet.length);
    assert.equal(masked.indexOf(proof), -1);
    assert.equal(masked.subarray(4 + userEnd + 2, 4 + userEnd + 22).toString(), '*'.repeat(20));
    const session = mysql.session();
    const again = session.push('c2s', masked, 0);
    assert.equal(again[0].decoded.summary, login.decoded.summary, 'the masked login still decodes');
    const query = decodeAll(mysql, traffic).find((m) => m.decoded.summary === 'ping');
    assert.equal(redactMysql('c2s', query?.bytes ?? Buffer.alloc(0)), null);
    assert.equal(redactMysql('c2s', Buffer.from([4, 0, 0, 3, 1, 2, 3, 4]))?.toString('hex'), '040000032a2a2a2a', 'an auth-switch answer is masked whole');
  });
});
