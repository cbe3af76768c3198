// MongoDB decoding and pairing from real OP_MSG bytes built with `bson` as the driver builds them (no MongoDB server
// can be installed here): a legacy hello, finds answered out of order, a kind 1 document sequence, a fire-and-forget
// write, a checksummed message, an exhaust stream, compressed messages, and redaction of SASL payloads.
import { strict as assert } from 'node:assert';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { Binary, ObjectId } from 'bson';
import { crc32c, mongodb, redactMongo } from '../../extension/core/protocols/mongodb';
import type { Chunk } from '../helpers/capture';
import { opCompressed, opMsg, opQuery, opReply } from '../helpers/opmsg';
import { decodeAll, pairAll, shape, splitAt, splitRandom, prng, totalBytes } from '../helpers/wire';

const oid = new ObjectId('65a1b2c3d4e5f60718293a4b');

function conversation(): Chunk[] {
  const steps: Array<[Chunk['dir'], Buffer]> = [
    ['c2s', opQuery('admin.$cmd', { isMaster: 1, helloOk: true, client: { driver: { name: 'nodejs', version: '7.0.0' } } }, 1)],
    ['s2c', opReply([{ helloOk: true, ismaster: true, maxWireVersion: 21, ok: 1 }], 501, 1)],
    ['c2s', opMsg({ find: 'data', filter: { val: 3 }, limit: 1, $db: 'test' }, { requestID: 2 })],
    ['c2s', opMsg({ find: 'data', filter: { val: 4 }, limit: 1, $db: 'test' }, { requestID: 3 })],
    ['c2s', opMsg({ find: 'data', filter: { _id: oid }, $db: 'test' }, { requestID: 4 })],
    ['s2c', opMsg({ cursor: { firstBatch: [{ _id: oid, val: 9 }], id: 0, ns: 'test.data' }, ok: 1 }, { requestID: 502, responseTo: 4 })],
    ['s2c', opMsg({ cursor: { firstBatch: [{ val: 3, txt: '3 in 1' }], id: 0, ns: 'test.data' }, ok: 1 }, { requestID: 503, responseTo: 2 })],
    ['s2c', opMsg({ cursor: { firstBatch: [{ val: 4, txt: '4 in 1' }], id: 0, ns: 'test.data' }, ok: 1 }, { requestID: 504, responseTo: 3 })],
    ['c2s', opMsg({ insert: 'data', ordered: true, $db: 'test' }, { requestID: 5, sequences: { documents: [{ val: 5 }, { val: 6 }] }, checksum: true })],
    ['s2c', opMsg({ n: 2, ok: 1 }, { requestID: 505, responseTo: 5, checksum: true })],
    ['c2s', opMsg({ insert: 'data', writeConcern: { w: 0 }, $db: 'test' }, { requestID: 6, sequences: { documents: [{ val: 7 }] }, moreToCome: true })],
    ['c2s', opMsg({ find: 'nosuch', filter: { $bad: 1 }, $db: 'test' }, { requestID: 7 })],
    ['s2c', opMsg({ ok: 0, errmsg: 'unknown top level operator: $bad', code: 2, codeName: 'BadValue' }, { requestID: 506, responseTo: 7 })],
  ];
  return steps.map(([dir, bytes], i) => ({ conn: 1, dir, bytes, tUs: i * 100 }));
}

describe('mongodb protocol', () => {
  it('computes CRC-32C as the standard check value says', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  });

  it('pairs replies by responseTo, out of order, with no findings', () => {
    const run = pairAll(mongodb, conversation());
    assert.deepEqual(run.findings, []);
    assert.equal(run.undecoded, 0);
    assert.deepEqual(
      run.pairs.map((p) => [p.request.decoded.summary, p.response?.decoded.summary ?? null]),
      [
        ['isMaster', 'ok 1'],
        ['find data {val: 3}', 'ok 1 docs=1 {val: 3, txt: "3 in 1"}'],
        ['find data {val: 4}', 'ok 1 docs=1 {val: 4, txt: "4 in 1"}'],
        ['find data {_id: ObjectId("65a1b2c3d4e5f60718293a4b")}', 'ok 1 docs=1 {_id: ObjectId("65a1b2c3d4e5f60718293a4b"), val: 9}'],
        ['insert data documents: 2 docs', 'ok 1 n=2'],
        ['insert data documents: 1 docs', null],
        ['find nosuch {$bad: 1}', 'ok 0 code=2 unknown top level operator: $bad'],
      ],
    );
    assert.deepEqual(
      run.pairs.map((p) => p.request.decoded.key),
      [undefined, '3', '4', oid.toHexString(), undefined, undefined, '1'],
    );
    assert.equal(run.pairs[5].request.expectsResponse, false, 'moreToCome: no reply');
    assert.equal(run.pairs[6].response?.decoded.failed, true);
  });

  it('decodes flag bits, kind 1 sections and the checksum', () => {
    const msgs = decodeAll(mongodb, conversation());
    const insert = msgs.find((m) => m.decoded.summary === 'insert data documents: 2 docs');
    assert.deepEqual(insert?.decoded.fields?.flags, ['checksumPresent']);
    assert.equal(insert?.decoded.fields?.checksum, 'ok');
    assert.deepEqual(insert?.decoded.fields?.sequences, [{ identifier: 'documents', count: 2, documents: [{ val: 5 }, { val: 6 }] }]);
    const bad = Buffer.from(insert?.bytes ?? Buffer.alloc(0));
    bad.write('V', bad.indexOf('val'), 'latin1'); // a changed field name: still valid BSON, no longer the signed bytes
    const got = mongodb.session().push('c2s', bad, 0)[0];
    assert.match(got.decoded.error ?? '', /checksum/);
  });

  it('frames the same messages at every split point and under random chunkings', () => {
    const traffic = conversation();
    const want = shape(decodeAll(mongodb, traffic));
    for (let at = 1; at < totalBytes(traffic); at++) assert.deepEqual(shape(decodeAll(mongodb, splitAt(traffic, at))), want, `split at ${at}`);
    for (let seed = 1; seed <= 20; seed++) assert.deepEqual(pairAll(mongodb, splitRandom(traffic, prng(seed), seed)).findings, []);
  });

  it("shows an exhaust stream's further replies as continuations, never orphans", () => {
    const steps: Chunk[] = [
      { conn: 1, dir: 'c2s', tUs: 0, bytes: opMsg({ getMore: 77, collection: 'data', $db: 'test' }, { requestID: 10, exhaustAllowed: true }) },
      {
        conn: 1,
        dir: 's2c',
        tUs: 1,
        bytes: opMsg({ cursor: { nextBatch: [{ val: 1 }], id: 77 }, ok: 1 }, { requestID: 900, responseTo: 10, moreToCome: true }),
      },
      {
        conn: 1,
        dir: 's2c',
        tUs: 2,
        bytes: opMsg({ cursor: { nextBatch: [{ val: 2 }], id: 77 }, ok: 1 }, { requestID: 901, responseTo: 900, moreToCome: true }),
      },
      { conn: 1, dir: 's2c', tUs: 3, bytes: opMsg({ cursor: { nextBatch: [], id: 0 }, ok: 1 }, { requestID: 902, responseTo: 901 }) },
    ];
    const run = pairAll(mongodb, steps);
    assert.deepEqual(run.findings, []);
    assert.equal(run.pairs[0].response?.decoded.summary, 'ok 1 docs=1 {val: 1}');
    assert.deepEqual(
      run.unsolicited.map((m) => m.decoded.summary),
      ['(more) ok 1 docs=1 {val: 2}', '(more) ok 1 docs=0'],
    );
  });

  it('unpacks zlib and no-op OP_COMPRESSED and shows snappy as compressed', () => {
    const inner = opMsg({ find: 'data', filter: { val: 8 }, $db: 'test' }, { requestID: 20 });
    const zlib = opCompressed(inner, 2, deflateSync(inner.subarray(16)));
    const noop = opCompressed(inner, 0, inner.subarray(16));
    const snappy = opCompressed(inner, 1, Buffer.from('not really snappy'));
    const s = mongodb.session();
    const [a, b, c] = s.push('c2s', Buffer.concat([zlib, noop, snappy]), 0);
    assert.equal(a.decoded.summary, 'find data {val: 8}');
    assert.equal(a.decoded.fields?.compressor, 'zlib');
    assert.equal(a.id, 20);
    assert.equal(b.decoded.summary, 'find data {val: 8}');
    assert.equal(c.decoded.summary, 'snappy-compressed OP_MSG');
    assert.match(c.decoded.error ?? '', /snappy-compressed OP_MSG is shown undecoded/);
  });

  it('masks SASL payloads, speculative authentication and passwords, same length, still decodable', () => {
    const secret = Buffer.from('n,,n=app,r=fyko+d2lbbFgONRv9qkxdawL');
    const start = opMsg({ saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: new Binary(secret), autoAuthorize: 1, $db: 'admin' }, { requestID: 30 });
    const masked = redactMongo('c2s', start);
    assert.ok(masked);
    assert.equal(masked.length, start.length);
    assert.equal(masked.indexOf(secret), -1);
    const again = mongodb.session().push('c2s', masked, 0)[0];
    assert.equal(again.decoded.error, undefined);
    assert.equal(again.decoded.summary, 'saslStart');
    const hello = opQuery(
      'admin.$cmd',
      { hello: 1, speculativeAuthenticate: { saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: new Binary(secret), db: 'admin' } },
      31,
    );
    assert.equal(redactMongo('c2s', hello)?.indexOf(secret), -1);
    // a hand-made message with the command key last still has its payload masked
    const reordered = opMsg({ mechanism: 'SCRAM-SHA-256', payload: new Binary(secret), $db: 'admin', saslContinue: 1 }, { requestID: 33 });
    assert.equal(redactMongo('c2s', reordered)?.indexOf(secret), -1);
    const create = opMsg({ createUser: 'app', pwd: 'hunter2', roles: [], $db: 'admin' }, { requestID: 32 });
    assert.ok(redactMongo('c2s', create)?.includes('*******\0'));
    for (const m of decodeAll(mongodb, conversation())) assert.equal(redactMongo(m.dir, m.bytes), null, m.decoded.summary);
  });
});
