// Picking a connection up again after a capture lost some of its bytes: the session's `resume` says whether a client
// chunk can begin a message and, if so, gives a session that decodes from there, keeping what the connection
// negotiated (MySQL capabilities, compression, prepared statements) and nothing that was in flight. Real recorded
// sessions (test/fixtures/real/README-sql.md) where there are some; bytes built as the protocol documents them where
// there are none.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Pairing } from '../../extension/core/pairing';
import { mogilefs } from '../../extension/core/protocols/mogilefs';
import { mongodb } from '../../extension/core/protocols/mongodb';
import { mysql } from '../../extension/core/protocols/mysql';
import { postgres } from '../../extension/core/protocols/postgres';
import { redis } from '../../extension/core/protocols/redis';
import type { WireMessage, WireSession } from '../../extension/core/protocols/types';
import { eventBytes, type DataEvent, type Direction, type TranscriptEvent } from '../../extension/core/transcript/format';
import type { Chunk } from '../helpers/capture';
import { opMsg } from '../helpers/opmsg';
import { readAll } from '../helpers/transcripts';
import { compressedPacket } from '../helpers/wire';

const REAL = join(__dirname, '..', 'fixtures', 'real');

async function chunksOf(file: string, conn = 1): Promise<Chunk[]> {
  const events = await readAll(join(REAL, file));
  return events
    .filter((e): e is DataEvent => e.c === conn && (e.k === 'c2s' || e.k === 's2c'))
    .map((e) => ({ conn: e.c, dir: e.k, bytes: eventBytes(e), tUs: e.t }));
}

/** A session that has seen these chunks, as before a gap. */
function fedWith(s: WireSession, chunks: Chunk[]): WireSession {
  for (const c of chunks) s.push(c.dir, c.bytes, c.tUs);
  return s;
}

function resumed(s: WireSession, chunk: Buffer): WireSession {
  const next = s.resume?.('c2s', chunk) ?? null;
  assert.ok(next, 'a message can begin at this chunk');
  return next;
}

/** What the resumed session makes of the chunks after the gap: each message's direction, summary and any error. */
function read(s: WireSession, steps: Array<[Direction, Buffer]>): string[] {
  return steps
    .flatMap(([dir, bytes], i) => s.push(dir, bytes, i))
    .map((m: WireMessage) => `${m.dir} ${m.decoded.summary}${m.decoded.error ? ` !${m.decoded.error}` : ''}`);
}

function packet(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
}

const lenenc = (s: string): Buffer => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);

/** A protocol-4.1 column definition (catalog `def`, utf8mb4, a VAR_STRING) as a prepare or a result set sends it. */
function column(name: string): Buffer {
  const fixed = Buffer.alloc(13);
  fixed[0] = 0x0c;
  fixed.writeUInt16LE(45, 1);
  fixed.writeUInt32LE(400, 3);
  fixed[7] = 0xfd;
  return Buffer.concat([lenenc('def'), lenenc('test'), lenenc('users'), lenenc('users'), lenenc(name), lenenc(name), fixed]);
}

const EOF = Buffer.from([0xfe, 0, 0, 0x02, 0]);

describe('resume after a gap: mysql', () => {
  it('picks up a plain session at a command, not in the middle of one', async () => {
    const chunks = await chunksOf('mysql/pymysql-session.transcript.jsonl');
    const at = chunks.findIndex((c) => c.dir === 'c2s' && c.bytes.includes('where id = 15'));
    const before = fedWith(mysql.session(), chunks.slice(0, at - 3));
    assert.equal(before.resume?.('c2s', chunks[at].bytes.subarray(1)), null);
    assert.equal(before.resume?.('c2s', chunks[at].bytes.subarray(5)), null);
    assert.equal(before.resume?.('s2c', chunks[at].bytes), null, 'only a client chunk begins again');
    const s = resumed(before, chunks[at].bytes);
    assert.deepEqual(
      read(s, [
        ['c2s', chunks[at].bytes],
        ['s2c', chunks[at + 1].bytes],
      ]),
      ['c2s select payload from users where id = 15', 's2c 1 row (payload)'],
    );
  });

  it('pairs the commands after a lost answer through the pairing layer, the lost one unknown rather than a finding', async () => {
    const events = await readAll(join(REAL, 'mysql/pymysql-session.transcript.jsonl'));
    const lost = events.findIndex((e) => e.k === 's2c' && eventBytes(e as DataEvent).includes('user:15|'));
    const gap = { t: events[lost].t, c: 1, k: 'gap', dir: 's2c', bytes: eventBytes(events[lost] as DataEvent).length } as TranscriptEvent;
    const pairing = new Pairing(mysql, {});
    [...events.slice(0, lost), gap, ...events.slice(lost + 1)].forEach((e, i) => pairing.push(e, i + 2));
    pairing.finish();
    const s = pairing.summary;
    assert.deepEqual(pairing.findings, []);
    assert.deepEqual([s.unseen.gaps, s.unseen.unknownRequests, s.unseen.skippedBytes], [1, 1, 0]);
    assert.equal(s.responses, s.requests - 2, 'every request answered but the lost one and the quit');
  });

  it('still knows a statement prepared before the gap when it is executed after it', async () => {
    const chunks = await chunksOf('mysql/pymysql-session.transcript.jsonl');
    const login = fedWith(mysql.session(), chunks.slice(0, 3));
    const prepareOk = Buffer.from([0x00, 7, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0]); // statement 7: 1 column, 1 parameter
    read(login, [
      ['c2s', packet(0, Buffer.from('\x16select payload from users where id = ?'))],
      ['s2c', Buffer.concat([packet(1, prepareOk), packet(2, column('?')), packet(3, EOF), packet(4, column('payload')), packet(5, EOF)])],
    ]);
    // the execute: statement 7, no cursor, 1 iteration, no NULLs, types bound (LONGLONG), the value 7
    const execute = packet(0, Buffer.from('17070000000001000000000108000700000000000000', 'hex'));
    const row = Buffer.concat([Buffer.from([0x00, 0x00]), lenenc('user:7|name')]);
    const answer = Buffer.concat([packet(1, Buffer.from([1])), packet(2, column('payload')), packet(3, EOF), packet(4, row), packet(5, EOF)]);
    assert.equal(login.resume?.('c2s', execute.subarray(2)), null);
    const s = resumed(login, execute);
    assert.deepEqual(
      read(s, [
        ['c2s', execute],
        ['s2c', answer],
      ]),
      ['c2s execute select payload from users where id = ? [7]', 's2c 1 row (payload)'],
    );
  });

  it('picks up a compressed session at a compressed packet that begins a command', async () => {
    const [greeting, login, ok, commands, answers] = await chunksOf('mysql/mariadb-compress.transcript.jsonl');
    const before = fedWith(mysql.session(), [greeting, login, ok]);
    assert.equal(before.resume?.('c2s', commands.bytes.subarray(1)), null);
    assert.equal(before.resume?.('c2s', commands.bytes.subarray(7)), null, 'a plain packet where a compressed one must begin');
    // bytes 99 on: the second compressed packet, the first insert; the answers from the second one, at byte 18
    const s = resumed(before, commands.bytes.subarray(99));
    const got = read(s, [
      ['c2s', commands.bytes.subarray(99)],
      ['s2c', answers.bytes.subarray(18)],
    ]);
    assert.deepEqual(got.slice(0, 2), [
      "c2s insert ignore into cz_items values (1, 'item:1|alpha')",
      "c2s insert ignore into cz_items values (2, 'item:2|beta'), (3, 'item:3|gamma'), (4, 'item:4|delta')",
    ]);
    assert.deepEqual(got.slice(-6), [
      's2c OK affected=0',
      's2c OK affected=0',
      's2c 1 row (payload)',
      's2c 1 row (count(*))',
      's2c 4 rows (id, payload)',
      "s2c ERR 1146 (42S02): Table 'test.no_such_table' doesn't exist",
    ]);
  });

  it('reads compressed after a gap that swallowed the login OK, when both sides asked for compression', async () => {
    const [greeting, login] = await chunksOf('mysql/mariadb-compress.transcript.jsonl');
    const before = fedWith(mysql.session(), [greeting, login]);
    const sql = 'select id, payload from cz_items where payload like "item:%" order by id desc limit 10';
    const query = compressedPacket(0, packet(0, Buffer.from(`\x03${sql}`)), true);
    assert.equal(before.resume?.('c2s', packet(0, Buffer.from(`\x03${sql}`))), null);
    const notCommand = compressedPacket(0, packet(3, Buffer.from(`\x03${sql}`)), true);
    assert.equal(before.resume?.('c2s', notCommand), null, 'a deflated packet whose first inner packet is no command');
    const s = resumed(before, query);
    assert.deepEqual(
      read(s, [
        ['c2s', query],
        ['s2c', compressedPacket(1, packet(1, Buffer.from([0x00, 0, 0, 0x02, 0, 0, 0])), false)],
      ]),
      [`c2s ${sql}`, 's2c OK affected=0'],
    );
  });

  it('does not resume a session encrypted after an SSL request', async () => {
    const chunks = await chunksOf('mysql/mariadb-ssl.keep-auth.transcript.jsonl');
    const s = fedWith(mysql.session(), chunks.slice(0, 3));
    assert.equal(s.resume?.('c2s', packet(0, Buffer.from('\x03select 1'))), null);
  });
});

describe('resume after a gap: postgres', () => {
  it('picks up a session at a typed message, past the startup phase', async () => {
    const chunks = await chunksOf('postgres/psycopg2-session.transcript.jsonl');
    const at = chunks.findIndex((c) => c.dir === 'c2s' && c.bytes.includes('where id = 15\0'));
    const before = fedWith(postgres.session(), chunks.slice(0, at - 3));
    assert.equal(before.resume?.('c2s', chunks[at].bytes.subarray(1)), null);
    assert.equal(before.resume?.('c2s', chunks[at].bytes.subarray(5)), null);
    assert.equal(before.resume?.('c2s', Buffer.from('S\0\0\0\x05x')), null, 'a Sync declares length 4');
    const s = resumed(before, chunks[at].bytes);
    assert.deepEqual(
      read(s, [
        ['c2s', chunks[at].bytes],
        ['s2c', chunks[at + 1].bytes],
      ]),
      ['c2s select payload from t where id = 15', 's2c SELECT 1 (payload)'],
    );
  });

  it('picks up an extended-query pipeline at its Parse', async () => {
    const chunks = await chunksOf('../../../replays/pgbench-pipeline/pgbench-pipeline.transcript.jsonl', 2);
    const pipelines = chunks.flatMap((c, i) => (c.dir === 'c2s' && c.bytes[0] === 0x50 ? [i] : []));
    const [at, next] = [pipelines[1], pipelines[2]];
    const before = fedWith(postgres.session(), chunks.slice(0, pipelines[0] + 1));
    const bytes = chunks[at].bytes;
    assert.equal(before.resume?.('c2s', bytes.subarray(bytes.indexOf('B\0') + 1)), null, 'the length of a Bind');
    assert.equal(before.resume?.('c2s', bytes.subarray(bytes.indexOf('select'))), null, 'the text of a Parse');
    const s = resumed(before, bytes);
    assert.deepEqual(
      read(
        s,
        chunks.slice(at, next).map((c): [Direction, Buffer] => [c.dir, c.bytes]),
      ),
      ['c2s select payload from pipe_items where id = $1; ["80"]', 's2c SELECT 1 (payload); INSERT 0 1; UPDATE 1; SELECT 1 (payload, n); SELECT 1 (count)'],
    );
  });

  it('does not resume a session encrypted after an SSL request', async () => {
    const chunks = await chunksOf('postgres/psql-tls.transcript.jsonl');
    const s = fedWith(postgres.session(), chunks.slice(0, 4));
    assert.equal(s.resume?.('c2s', Buffer.from('Q\0\0\0\x0dselect 1\0')), null);
  });
});

describe('resume after a gap: redis', () => {
  it('picks up a session at a RESP array of bulk strings, not in the middle of one', async () => {
    const chunks = await chunksOf('redis/redis-py-pipeline.transcript.jsonl');
    const at = chunks.findIndex((c) => c.dir === 'c2s' && c.bytes.includes('pl:2'));
    const before = fedWith(redis.session(), chunks.slice(0, at - 1));
    assert.equal(before.resume?.('c2s', chunks[at].bytes.subarray(4)), null, 'starts at `$3`, an element');
    assert.equal(before.resume?.('c2s', chunks[at].bytes.subarray(1)), null);
    const s = resumed(before, chunks[at].bytes);
    assert.deepEqual(
      read(s, [
        ['c2s', chunks[at].bytes],
        ['s2c', chunks[at + 1].bytes],
      ]),
      ['c2s SET pl:2 pl:2|v002', 's2c OK'],
    );
  });

  it('picks up a session at an inline command line', () => {
    const before = redis.session();
    assert.equal(before.resume?.('c2s', Buffer.from('\r\n')), null);
    assert.equal(before.resume?.('c2s', Buffer.from('3\r\nfoo\r\n')), null);
    const s = resumed(before, Buffer.from('PING hello\r\n'));
    assert.deepEqual(
      read(s, [
        ['c2s', Buffer.from('PING hello\r\n')],
        ['s2c', Buffer.from('$5\r\nhello\r\n')],
      ]),
      ['c2s PING hello', 's2c "hello"'],
    );
  });
});

describe('resume after a gap: mongodb', () => {
  it('picks up a session at a request header, not in the middle of a message or at a reply', () => {
    const find = opMsg({ find: 'data', filter: { val: 3 }, $db: 'test' }, { requestID: 40 });
    const reply = opMsg({ cursor: { firstBatch: [{ val: 3 }], id: 0, ns: 'test.data' }, ok: 1 }, { requestID: 900, responseTo: 40 });
    const before = mongodb.session();
    assert.equal(before.resume?.('c2s', find.subarray(16)), null);
    assert.equal(before.resume?.('c2s', find.subarray(0, 12)), null, 'not yet a whole header');
    assert.equal(before.resume?.('c2s', reply), null, 'a reply names the request it answers');
    const s = resumed(before, find);
    const msgs = [...s.push('c2s', find, 1), ...s.push('s2c', reply, 2)];
    assert.deepEqual(
      msgs.map((m) => [m.dir, m.decoded.summary, m.id]),
      [
        ['c2s', 'find data {val: 3}', 40],
        ['s2c', msgs[1].decoded.summary, 40],
      ],
    );
  });
});

describe('resume after a gap: mogilefs', () => {
  it('picks up a tracker session at a command line', () => {
    const before = mogilefs.session();
    assert.equal(before.resume?.('c2s', Buffer.from('=mail&key=k\r\n')), null);
    assert.equal(before.resume?.('c2s', Buffer.from('\r\nnoop\r\n')), null);
    const s = resumed(before, Buffer.from('get_paths domain=mail&key=k\r\n'));
    assert.deepEqual(
      read(s, [
        ['c2s', Buffer.from('get_paths domain=mail&key=k\r\n')],
        ['s2c', Buffer.from('OK paths=1&path1=http://10.0.0.1:7500/dev1/0/000/000/0000000001.fid\r\n')],
      ]),
      ['c2s get_paths domain=mail key=k', 's2c OK paths=1 path1=http://10.0.0.1:7500/dev1/0/000/000/0000000001.fid'],
    );
    const admin = resumed(before, Buffer.from('!version\r\n'));
    assert.equal(
      read(admin, [
        ['c2s', Buffer.from('!version\r\n')],
        ['s2c', Buffer.from('2.73\r\n.\r\n')],
      ]).length,
      2,
    );
  });
});
