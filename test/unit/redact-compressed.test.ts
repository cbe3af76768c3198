// The MySQL compressed protocol's client side, masked for recording: the edges the real-client test
// (record-secrets: mysqlclient's deflated COM_CHANGE_USER) does not reach. Hand-built packets: the point is the
// framing across compressed packets, which no client here produces on demand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import { CompressedRedactor } from '../../extension/core/protocols/mysql/redact-compressed';

const SCRAMBLE = Buffer.from('0123456789abcdefghij');

/** An inner packet: 3-byte length, sequence id, payload. */
function inner(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
}

/** A compressed packet: deflated, or stored when `stored`. */
function compressed(seq: number, body: Buffer, stored = false): Buffer {
  const payload = stored ? body : deflateSync(body);
  const h = Buffer.alloc(7);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  h.writeUIntLE(stored ? 0 : body.length, 4, 3);
  return Buffer.concat([h, payload]);
}

/** The inner bytes of compressed packets, as a reader inflates them. */
function inflated(wire: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < wire.length;) {
    const len = wire.readUIntLE(at, 3);
    const infl = wire.readUIntLE(at + 4, 3);
    const payload = wire.subarray(at + 7, at + 7 + len);
    parts.push(infl === 0 ? payload : inflateSync(payload));
    at += 7 + len;
  }
  return Buffer.concat(parts);
}

const changeUser = inner(
  0,
  Buffer.concat([
    Buffer.from([0x11]),
    Buffer.from('second_user\0'),
    Buffer.from([20]),
    SCRAMBLE,
    Buffer.from('test\0'),
    Buffer.alloc(2),
    Buffer.from('mysql_native_password\0'),
  ]),
);
const query = inner(0, Buffer.from('\x03select 1'));

test('a deflated COM_CHANGE_USER: its scramble masked, the packet the same length and still inflating to the rest', () => {
  const wire = Buffer.concat([compressed(0, query), compressed(0, changeUser), compressed(0, query)]);
  const out = new CompressedRedactor().redact(wire);
  assert.equal(out.length, wire.length);
  const got = inflated(out);
  assert.equal(got.length, inflated(wire).length);
  assert.equal(got.includes(SCRAMBLE), false);
  assert.ok(got.includes(Buffer.from('second_user\0\x14********************test\0')), 'only the scramble is masked');
  assert.ok(got.subarray(-query.length).equals(query), 'the query after it is untouched');
});

test('a COM_CHANGE_USER split across two compressed packets (one call or two): masked whole, framing kept', () => {
  const cut = 20;
  const wire = Buffer.concat([compressed(0, changeUser.subarray(0, cut), true), compressed(1, Buffer.concat([changeUser.subarray(cut), query]))]);
  for (const calls of [[wire], [wire.subarray(0, 7 + cut), wire.subarray(7 + cut)]]) {
    const r = new CompressedRedactor();
    const out = Buffer.concat(calls.map((c) => r.redact(c)));
    const got = inflated(out);
    assert.equal(got.includes(SCRAMBLE.subarray(0, 6)), false);
    assert.equal(got.readUIntLE(0, 3), changeUser.length - 4, 'the inner header stays');
    assert.ok(got.subarray(-query.length).equals(query), 'the query after it is untouched');
  }
});

test('auth data the server asked for (an inner sequence id past 0) is masked; a payload that does not inflate masks the rest', () => {
  const auth = inner(2, SCRAMBLE);
  const out = new CompressedRedactor().redact(Buffer.concat([compressed(2, auth, true)]));
  assert.equal(inflated(out).includes(SCRAMBLE), false);
  const broken = compressed(0, changeUser);
  broken.fill(0x00, 9, 15); // the deflated bytes damaged: what they hold cannot be known
  const r = new CompressedRedactor();
  const after = compressed(0, changeUser);
  const masked = Buffer.concat([r.redact(broken), r.redact(after)]);
  assert.equal(masked.includes(SCRAMBLE), false);
  assert.equal(
    masked.subarray(broken.length + 7).every((b) => b === 0x2a),
    true,
    'what follows is masked whole',
  );
});
