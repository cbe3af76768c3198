// Hostile bytes into every protocol session and redaction function: random bytes, truncated and bit-flipped real
// traffic, spliced streams. Nothing may throw, hang, or hold more bytes than it was given; a declared length past the
// cap ends framing for that direction with an error message instead of waiting for it. Seeded: failures reproduce.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { protocolByName } from '../../extension/core/protocols';
import type { Protocol } from '../../extension/core/protocols/types';
import type { Direction } from '../../extension/core/transcript/format';
import type { Chunk } from '../helpers/capture';
import { opMsg, opQuery, opReply } from '../helpers/opmsg';
import { generateTraffic, type TrafficProtocol } from '../helpers/traffic';
import { prng } from '../helpers/wire';

const ITERATIONS = 1200;
const NAMES = ['mysql', 'postgres', 'mongodb', 'redis', 'mogilefs'] as const;

/** Real-shaped traffic to mutate: the generated exchanges, plus login-phase messages where the protocol has them. */
function seedStream(name: (typeof NAMES)[number]): Chunk[] {
  if (name === 'mogilefs') {
    return [
      { conn: 1, dir: 'c2s', tUs: 0, bytes: Buffer.from('get_paths domain=d&key=k%201&noverify=1\r\n') },
      { conn: 1, dir: 's2c', tUs: 1, bytes: Buffer.from('OK paths=1&path1=http://10.0.0.1:7500/dev1/0/000/000/0000000001.fid\r\n') },
      { conn: 1, dir: 'c2s', tUs: 2, bytes: Buffer.from('!stats\r\n') },
      { conn: 1, dir: 's2c', tUs: 3, bytes: Buffer.from('uptime 5\r\nqueries 2\r\n.\r\n') },
    ];
  }
  const out: Chunk[] = [];
  if (name === 'postgres') {
    const body = Buffer.from('\0\x03\0\0user\0root\0database\0test\0\0', 'latin1');
    const len = Buffer.alloc(4);
    len.writeInt32BE(body.length + 4);
    out.push({ conn: 1, dir: 'c2s', tUs: 0, bytes: Buffer.concat([len, body]) });
    out.push({ conn: 1, dir: 's2c', tUs: 0, bytes: Buffer.from('520000000800000000530000001a636c69656e745f656e636f64696e670055544638005a0000000549', 'hex') });
  }
  if (name === 'mongodb') {
    out.push(
      { conn: 1, dir: 'c2s', tUs: 0, bytes: opQuery('admin.$cmd', { isMaster: 1 }, 9) },
      { conn: 1, dir: 's2c', tUs: 0, bytes: opReply([{ ok: 1 }], 10, 9) },
    );
    out.push({ conn: 1, dir: 'c2s', tUs: 0, bytes: opMsg({ insert: 'd', $db: 't' }, { requestID: 11, sequences: { documents: [{ a: 1 }] }, checksum: true }) });
  }
  let i = 0;
  for (const c of generateTraffic(name as TrafficProtocol, 6000)) if (i++ < 12) out.push(c);
  return out;
}

type Mutation = (seed: Chunk[], rand: () => number) => Chunk[];

const randomBytes = (rand: () => number, n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));

const MUTATIONS: Record<string, Mutation> = {
  random: (_seed, rand) =>
    Array.from({ length: 1 + Math.floor(rand() * 6) }, (_, i) => ({
      conn: 1,
      dir: rand() < 0.5 ? 'c2s' : 's2c',
      tUs: i,
      bytes: randomBytes(rand, Math.floor(rand() * 600)),
    })),
  truncated: (seed, rand) => {
    const keep = Math.floor(rand() * seed.length);
    const last = seed[keep];
    return [...seed.slice(0, keep), { ...last, bytes: last.bytes.subarray(0, Math.floor(rand() * last.bytes.length)) }];
  },
  flipped: (seed, rand) =>
    seed.map((c) => {
      const b = Buffer.from(c.bytes);
      const flips = rand() < 0.3 ? 1 + Math.floor(rand() * 16) : 0;
      for (let i = 0; i < flips && b.length; i++) b[Math.floor(rand() * b.length)] ^= 1 << Math.floor(rand() * 8);
      return { ...c, bytes: b };
    }),
  spliced: (seed, rand) =>
    seed.map((c) => {
      if (rand() > 0.3 || c.bytes.length === 0) return c;
      const at = Math.floor(rand() * c.bytes.length);
      const insert = rand() < 0.5 ? randomBytes(rand, 1 + Math.floor(rand() * 40)) : c.bytes.subarray(0, at);
      return { ...c, bytes: Buffer.concat([c.bytes.subarray(0, at), insert, c.bytes.subarray(at)]) };
    }),
};

/** Feeds the chunks, cut again at random points; checks every message and the bytes held against the bytes given. */
function feed(protocol: Protocol, chunks: Chunk[], rand: () => number): number {
  const s = protocol.session();
  const given: Record<Direction, number> = { c2s: 0, s2c: 0 };
  let messages = 0;
  for (const c of chunks) {
    for (let i = 0; i < c.bytes.length || i === 0;) {
      const n = rand() < 0.5 ? c.bytes.length - i : 1 + Math.floor(rand() * 64);
      const part = c.bytes.subarray(i, i + n);
      given[c.dir] += part.length;
      for (const m of s.push(c.dir, part, c.tUs)) {
        assert.equal(typeof m.decoded.summary, 'string');
        assert.ok(m.bytes.length <= given[m.dir], 'a message is never longer than the bytes given');
        messages++;
      }
      assert.ok(s.pendingBytes(c.dir) <= given[c.dir], 'never holds more than it was given');
      i += Math.max(1, n);
      if (c.bytes.length === 0) break;
    }
    if (protocol.redact) {
      const r = protocol.redact(c.dir, c.bytes);
      assert.ok(r === null || r.length === c.bytes.length, 'redaction keeps the length');
    }
  }
  return messages;
}

describe('fuzzing the wire decoders', () => {
  for (const name of NAMES) {
    it(`${name}: random, truncated, bit-flipped and spliced bytes never throw or hang`, { timeout: 60_000 }, () => {
      const protocol = protocolByName(name);
      assert.ok(protocol);
      const seed = seedStream(name);
      assert.ok(feed(protocol, seed, prng(1)) > 0, 'the unmutated seed decodes');
      let total = 0;
      for (const [kind, mutate] of Object.entries(MUTATIONS)) {
        for (let i = 0; i < ITERATIONS; i++) {
          const rand = prng(i * 7919 + kind.length);
          try {
            total += feed(protocol, mutate(seed, rand), rand);
          } catch (err) {
            throw new Error(`${name} ${kind} iteration ${i}: ${(err as Error).stack ?? String(err)}`);
          }
        }
      }
      assert.ok(total > 0);
    });
  }

  it('a declared length past the cap is an error message, and later bytes are dropped, not held', () => {
    const huge: Array<[string, Buffer]> = [
      ['postgres', Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff])],
      ['mongodb', Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0, 0, 0, 0, 0, 0xdd, 7, 0, 0])],
      ['redis', Buffer.from('*1\r\n$99999999999\r\n')],
    ];
    for (const [name, bytes] of huge) {
      const s = protocolByName(name)?.session();
      assert.ok(s);
      const out = s.push('c2s', bytes, 0);
      const last = out.at(-1);
      assert.match(last?.decoded.error ?? '', /not decoded/, name);
      assert.equal(last?.expectsResponse, false, `${name}: garbage is not a request`);
      assert.deepEqual(s.push('c2s', Buffer.alloc(1 << 20, 0x41), 1), []);
      assert.equal(s.pendingBytes('c2s'), 0, `${name}: nothing held`);
    }
  });
});
