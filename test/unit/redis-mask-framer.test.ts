// The recorder's Redis masking on the framing-only scan (RedisMaskFramer) against masking on the decoding session
// (RedisSession): chunk for chunk the same bytes out, on every recorded Redis connection (redis-cli, redis-benchmark
// pipelining, redis-py, ioredis, pub/sub, CLIENT REPLY) as recorded and cut again at other places, and on password
// commands and replies of each kind cut at every byte, with no password left in what is released.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { redis } from '../../extension/core/protocols/redis';
import { arrayNamedWithoutPassword } from '../../extension/core/protocols/redis/redact';
import { STREAM_AFTER } from '../../extension/core/record/redactor';
import type { Direction } from '../../extension/core/transcript/format';
import { bothMasks, connections, inTwo, recut, released } from '../helpers/mask-compare';

const ROOT = join(__dirname, '..', '..');
const both = (chunks: Array<[Direction, Buffer]>) => bothMasks(redis, chunks);

test('every recorded Redis connection: the framing-only mask releases the same bytes as the decoding one, as recorded and cut again', () => {
  const files = [
    ...readdirSync(join(ROOT, 'test/fixtures/real/redis'))
      .filter((f) => f.endsWith('.transcript.jsonl'))
      .map((f) => join(ROOT, 'test/fixtures/real/redis', f)),
    ...readdirSync(join(ROOT, 'replays/redis-2023'))
      .filter((f) => f.endsWith('.transcript.jsonl'))
      .map((f) => join(ROOT, 'replays/redis-2023', f)),
    join(ROOT, 'replays/driver-check/ioredis.transcript.jsonl'),
  ];
  let chunks = 0;
  for (const f of files) {
    for (const [c, cs] of connections(f)) {
      for (const cut of [cs, recut(cs)]) {
        const [framing, decodingOut] = both(cut);
        assert.deepEqual(framing, decodingOut, `${f} connection ${c}`);
        chunks += cut.length;
      }
    }
  }
  assert.ok(chunks > 2000, `chunks: ${chunks}`);
});

const SECRET = 'ir-redis-s3cret';
const resp = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

test('password commands, cut at every byte: the same bytes as the decoding mask, no password left', () => {
  const stream = Buffer.from(
    [
      resp('GET', 'k1'),
      // a value that holds an AUTH's bytes, then the AUTH itself: the one masked is the command, wherever the bytes repeat
      resp('SET', 'k2', resp('AUTH', SECRET)),
      resp('AUTH', SECRET),
      resp('auth', 'default', SECRET),
      resp('HELLO', '3', 'AUTH', 'default', SECRET),
      resp('CONFIG', 'SET', 'requirepass', SECRET),
      resp('ACL', 'SETUSER', 'bob', 'on', `>${SECRET}`),
      resp('MIGRATE', 'h', '6379', 'k', '0', '100', 'AUTH2', 'bob', SECRET),
      resp('GET', 'k3'),
      // inline commands: the decoding session frames the rest of the direction
      `AUTH ${SECRET}\r\n`,
      resp('AUTH', SECRET),
      `PING\r\n`,
    ].join(''),
  );
  const inValue = resp('AUTH', SECRET);
  for (let cut = 1; cut < stream.length; cut++) {
    const [framing, decodingOut] = both(inTwo('c2s', stream, cut));
    assert.deepEqual(framing, decodingOut, `cut at ${cut}`);
    const out = released(framing, 'c2s');
    assert.equal(out.length, stream.length, `cut at ${cut}: every byte released`);
    // the SET's value keeps its bytes: it is data, not a login
    assert.equal(out.toString('latin1').split(SECRET).length - 1, 1, `cut at ${cut}: only the SET's value holds the password`);
    assert.ok(out.includes(inValue), `cut at ${cut}`);
  }
});

test('replies that repeat a password (CONFIG GET, ACL LIST, ACL GETUSER, an ACL error), cut at every byte: the same bytes as the decoding mask', () => {
  const hash = 'a'.repeat(64);
  const stream = Buffer.from(
    [
      '+OK\r\n',
      `*2\r\n$11\r\nrequirepass\r\n$${SECRET.length}\r\n${SECRET}\r\n`,
      `*1\r\n$${`user bob on #${hash} ~* +@all`.length}\r\nuser bob on #${hash} ~* +@all\r\n`,
      `*2\r\n$9\r\npasswords\r\n*1\r\n$64\r\n${hash}\r\n`,
      `-ERR Error in ACL SETUSER modifier '>${SECRET}': Syntax error\r\n`,
      // RESP3: a map, an attribute before its value, a set, a push, a boolean, a double, a big number, a verbatim string
      '%1\r\n+k\r\n:1\r\n',
      '|1\r\n+ttl\r\n:3\r\n$2\r\nv1\r\n',
      '~2\r\n+a\r\n+b\r\n',
      '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n',
      '#t\r\n,1.5\r\n(12345678901234567890\r\n=7\r\ntxt:abc\r\n_\r\n',
      '$-1\r\n*-1\r\n:-5\r\n',
    ].join(''),
  );
  for (let cut = 1; cut < stream.length; cut++) {
    const [framing, decodingOut] = both(inTwo('s2c', stream, cut));
    assert.deepEqual(framing, decodingOut, `cut at ${cut}`);
    const out = released(framing, 's2c');
    assert.equal(out.length, stream.length, `cut at ${cut}: every byte released`);
    assert.equal(out.includes(SECRET), false, `cut at ${cut}`);
    assert.equal(out.includes(hash), false, `cut at ${cut}`);
  }
});

test('a big SET goes out as it arrives and the AUTH after it is masked; bytes that are not RESP are masked from there', () => {
  const big = resp('SET', 'big', 'x'.repeat(STREAM_AFTER * 3));
  const stream = Buffer.from(big + resp('AUTH', SECRET) + resp('GET', 'k'));
  const pieces: Array<[Direction, Buffer]> = [];
  for (let at = 0; at < stream.length; at += 10_000) pieces.push(['c2s', stream.subarray(at, at + 10_000)]);
  const [framing, decodingOut] = both(pieces);
  assert.deepEqual(framing, decodingOut);
  const firstOut = framing.findIndex((x) => !x.endsWith(' -'));
  assert.ok(
    firstOut >= 0 && firstOut < pieces.length / 2,
    `the SET's bytes went out before it was whole (first release at chunk ${firstOut} of ${pieces.length})`,
  );
  assert.equal(released(framing, 'c2s').includes(SECRET), false);

  const garbage = Buffer.from(resp('GET', 'a') + `*2\r\n$zz\r\n` + resp('AUTH', SECRET));
  for (let cut = 1; cut < garbage.length; cut++) {
    const [f, d] = both(inTwo('c2s', garbage, cut));
    assert.deepEqual(f, d, `garbage cut at ${cut}`);
    assert.equal(released(f, 'c2s').includes(SECRET), false, `garbage cut at ${cut}`);
  }
});

test("a command's name read off its bytes says what reading it as text said: plainly one without a password, or not", () => {
  // the reading the byte-level one replaced (latin1 text and a regular expression), kept here as the reference
  const PASSWORD = new Set(['auth', 'hello', 'migrate', 'config', 'acl']);
  const byText = (b: Buffer): boolean => {
    const m = /^\*\d+\r\n\$(\d{1,2})\r\n/.exec(b.toString('latin1', 0, Math.min(b.length, 32)));
    if (!m) return false;
    const at = m[0].length;
    const len = Number(m[1]);
    return at + len <= b.length && !PASSWORD.has(b.toString('latin1', at, at + len).toLowerCase());
  };
  const names = [
    'GET',
    'get',
    'AUTH',
    'auth',
    'Auth',
    'aUTh',
    'HELLO',
    'hello',
    'CONFIG',
    'config',
    'ACL',
    'acl',
    'MIGRATE',
    'migrate',
    'AUTHX',
    'AUT',
    'ÀCL',
    'acl\u00e0',
    'x',
    '',
  ];
  const inputs: Buffer[] = [];
  for (const name of names) {
    const n = Buffer.byteLength(name, 'latin1');
    for (const count of ['1', '2', '12', '0', '', '99999999999999999999']) {
      for (const lenText of [String(n), `0${n}`, `${n}0`, '', '123']) {
        const whole = Buffer.from(`*${count}\r\n$${lenText}\r\n${name}\r\n$3\r\nkey\r\n`, 'latin1');
        // every cut of it, and the same with its line ends broken
        for (let cut = 0; cut <= whole.length; cut++) inputs.push(whole.subarray(0, cut));
        inputs.push(Buffer.from(whole.toString('latin1').replace('\r\n', '\n'), 'latin1'), Buffer.from(whole.toString('latin1').replace('$', '%'), 'latin1'));
      }
    }
  }
  const padded = Buffer.from(`*${'1'.repeat(24)}\r\n$4\r\nauth\r\n`);
  inputs.push(padded, padded.subarray(0, 33), Buffer.from(`*${'1'.repeat(26)}\r\n$3\r\nget\r\n`));
  let plain = 0;
  for (const b of inputs) {
    const want = byText(b);
    assert.equal(arrayNamedWithoutPassword(b, 0, b.length), want, JSON.stringify(b.toString('latin1')));
    // the same command inside a larger buffer, as the framer asks it
    const inside = Buffer.concat([Buffer.from('+OK\r\n'), b, Buffer.from('*1\r\n$4\r\nPING\r\n')]);
    assert.equal(arrayNamedWithoutPassword(inside, 5, 5 + b.length), want, `inside: ${JSON.stringify(b.toString('latin1'))}`);
    if (want) plain++;
  }
  assert.ok(plain > 100 && plain < inputs.length - 100, `both answers given (${plain} of ${inputs.length} plainly without a password)`);
});
