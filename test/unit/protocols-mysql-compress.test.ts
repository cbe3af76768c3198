// MySQL's compressed protocol, from the real `mariadb --compress` client recorded through the proxy (see
// test/fixtures/real/README-sql.md): the login is plain, then every packet in both directions travels inside
// compressed packets, stored or zlib-deflated. Each statement must read as if the connection were not compressed.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mysql, CAP } from '../../extension/core/protocols/mysql';
import { parseGreeting } from '../../extension/core/protocols/mysql/handshake';
import { eventBytes, type DataEvent } from '../../extension/core/transcript/format';
import type { Chunk } from '../helpers/capture';
import { cli } from '../helpers/cli';
import { readAll } from '../helpers/transcripts';
import { decodeAll, pairAll, shape, splitAt, totalBytes, compressedPacket } from '../helpers/wire';

const FIXTURES = join(__dirname, '..', 'fixtures', 'real', 'mysql');
const COMPRESSED = join(FIXTURES, 'mariadb-compress.transcript.jsonl');
const PLAIN = join(FIXTURES, 'pymysql-session.transcript.jsonl');

async function chunksOf(file: string): Promise<Chunk[]> {
  const events = await readAll(file);
  return events.filter((e): e is DataEvent => e.k === 'c2s' || e.k === 's2c').map((e) => ({ conn: e.c, dir: e.k, bytes: eventBytes(e), tUs: e.t }));
}

function packet(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
}

describe('mysql compressed protocol', () => {
  it('reads every statement of a compressed session with its SQL and its answer, with no findings', async () => {
    const chunks = await chunksOf(COMPRESSED);
    const run = pairAll(mysql, chunks);
    assert.deepEqual(run.findings, []);
    assert.equal(run.undecoded, 0);
    assert.deepEqual(
      run.pairs.map((p) => [p.request.decoded.summary, p.response?.decoded.summary ?? null]),
      [
        ['login root db=test (mysql_native_password)', 'OK affected=0'],
        ['create table if not exists cz_items (id int primary key, payload varchar(100) not null)', 'OK affected=0'],
        ["insert ignore into cz_items values (1, 'item:1|alpha')", 'OK affected=0'],
        ["insert ignore into cz_items values (2, 'item:2|beta'), (3, 'item:3|gamma'), (4, 'item:4|delta')", 'OK affected=0'],
        ['select payload from cz_items where id = 2', '1 row (payload)'],
        ['select count(*) from cz_items', '1 row (count(*))'],
        ['select id, payload from cz_items order by id', '4 rows (id, payload)'],
        ['select * from no_such_table', "ERR 1146 (42S02): Table 'test.no_such_table' doesn't exist"],
        ['quit', null],
      ],
    );
    for (const p of run.pairs) assert.doesNotMatch(p.request.decoded.summary, /COM_0x/);
    const rows = run.pairs.find((p) => p.request.decoded.summary.startsWith('select id, payload'))?.response?.decoded.fields?.rows;
    assert.deepEqual(rows, [
      ['1', 'item:1|alpha'],
      ['2', 'item:2|beta'],
      ['3', 'item:3|gamma'],
      ['4', 'item:4|delta'],
    ]);
    const err = run.pairs.at(-2)?.response?.decoded;
    assert.equal(err?.failed, true);
    assert.equal(err?.fields?.code, 1146);
  });

  it('turns compression on only when both the client and the server ask for it', async () => {
    const [greeting, login] = await chunksOf(COMPRESSED);
    assert.ok(parseGreeting(greeting.bytes.subarray(4)).capabilities & CAP.COMPRESS, 'the server offers compression');
    assert.ok(login.bytes.readUInt32LE(4) & CAP.COMPRESS, 'mariadb --compress asks for it');
    // pymysql 1.0.2 does not ask, to the same server: its packets stay plain
    const plain = await chunksOf(PLAIN);
    assert.equal(plain[1].bytes.readUInt32LE(4) & CAP.COMPRESS, 0);
    const run = pairAll(mysql, plain);
    assert.deepEqual(run.findings, []);
    assert.equal(run.undecoded, 0);
    const selects = run.pairs.filter((p) => p.request.decoded.summary.startsWith('select payload from users where id = '));
    assert.equal(selects.length, 30);
    for (const p of selects) assert.equal(p.response?.decoded.summary, '1 row (payload)');
  });

  it('frames the same messages at every split point of the compressed stream', async () => {
    const chunks = await chunksOf(COMPRESSED);
    const want = shape(decodeAll(mysql, chunks));
    for (let at = 1; at < totalBytes(chunks); at++) assert.deepEqual(shape(decodeAll(mysql, splitAt(chunks, at))), want, `split at byte ${at}`);
  });

  it('gives inner packets the times of the compressed packet they were inflated from', async () => {
    const chunks = await chunksOf(COMPRESSED);
    const answers = chunks.findIndex((c) => c.dir === 's2c' && c.tUs > 30000);
    const at = chunks.slice(0, answers).reduce((n, c) => n + c.bytes.length, 0) + 93 + 40;
    // byte 93 of the answers begins the deflated packet holding the one-row select's answer: split 40 bytes into it
    const msgs = decodeAll(mysql, splitAt(chunks, at)).filter((m) => m.dir === 's2c');
    const oneRow = msgs.find((m) => m.decoded.summary === '1 row (payload)');
    assert.deepEqual([oneRow?.tUs, oneRow?.tEndUs], [32610, 32611]);
    const count = msgs.find((m) => m.decoded.summary === '1 row (count(*))');
    assert.deepEqual([count?.tUs, count?.tEndUs], [32611, 32611]);
  });

  it('reads compressed the server packets that follow the login OK in the same chunk', async () => {
    const [greeting, login, ok] = await chunksOf(COMPRESSED);
    // a server that closes an idle connection says why first (MySQL 8.0.24+: ER_CLIENT_INTERACTION_TIMEOUT)
    const err = packet(
      0,
      Buffer.concat([Buffer.from([0xff, 0xbf, 0x0f, 0x23]), Buffer.from('HY000The client was disconnected by the server because of inactivity.')]),
    );
    const s = mysql.session();
    s.push('s2c', greeting.bytes, 1);
    s.push('c2s', login.bytes, 2);
    const msgs = s.push('s2c', Buffer.concat([ok.bytes, compressedPacket(0, err, true)]), 3);
    assert.deepEqual(
      msgs.map((m) => [m.decoded.summary, m.decoded.error ?? null]),
      [
        ['OK affected=0', null],
        ['ERR 4031 (HY000): The client was disconnected by the server because of inactivity.', null],
      ],
    );
    const [query] = s.push('c2s', compressedPacket(0, packet(0, Buffer.from('\x03select 1')), false), 4);
    assert.equal(query.decoded.summary, 'select 1');
  });

  it('shows a compressed packet that does not inflate as an error, and reads nothing after it in that direction', async () => {
    const chunks = await chunksOf(COMPRESSED);
    const answers = chunks.findIndex((c) => c.dir === 's2c' && c.tUs > 30000);
    const bad = Buffer.from(chunks[answers].bytes);
    bad[93 + 7] = 0x00; // the zlib header of the deflated packet at byte 93
    bad[93 + 8] = 0x00;
    const damaged = chunks.map((c, i) => (i === answers ? { ...c, bytes: bad } : c));
    const msgs = decodeAll(mysql, damaged).filter((m) => m.dir === 's2c' && m.tUs > 30000);
    assert.deepEqual(
      msgs.map((m) => m.decoded.summary),
      ['OK affected=0', 'OK affected=0', 'OK affected=0', `unframable bytes (${bad.length - 93})`],
    );
    assert.equal(
      msgs[3].decoded.error,
      'a MySQL compressed packet whose payload does not inflate (unknown compression method); the rest of this direction is not decoded',
    );
    const run = pairAll(mysql, damaged);
    assert.equal(run.undecoded, 1);
  });

  it('analyzes the recorded compressed session as clean from the command line', async () => {
    const r = await cli(['analyze', COMPRESSED, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      verdict: string;
      summary: { requests: number; responses: number; undecoded: number; findings: { orphan: number } };
    };
    assert.equal(report.verdict, 'clean');
    assert.deepEqual([report.summary.requests, report.summary.responses, report.summary.undecoded, report.summary.findings.orphan], [9, 8, 0, 0]);
  });
});
