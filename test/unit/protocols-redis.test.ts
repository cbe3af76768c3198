// Redis decoding and pairing, from real traffic through a recording relay: ioredis (which speaks RESP3 after HELLO 3)
// pipelining commands, ioredis subscribed to a channel (pushes answer no command), and a raw RESP2 connection with
// inline commands subscribing to two channels (two confirmations for one command) and receiving a message.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { redis, redactRedis } from '../../extension/core/protocols/redis';
import type { Decoded } from '../../extension/core/protocols/types';
import { eventBytes, type DataEvent } from '../../extension/core/transcript/format';
import { requireService, startRelay, type Chunk } from '../helpers/capture';
import { decodeAll, pairAll, prng, shape, splitAt, splitRandom, totalBytes } from '../helpers/wire';

const START = 'Redis on 127.0.0.1:6379: `sudo service redis-server start`';

async function capturePipeline(): Promise<Chunk[]> {
  const relay = await startRelay(6379);
  const r = new Redis({ host: '127.0.0.1', port: relay.port, lazyConnect: true });
  await r.connect();
  await r.del('ir:user:1', 'ir:n');
  await r.pipeline().set('ir:user:1', 'alice').get('ir:user:1').incr('ir:n').get('ir:missing').hset('ir:h', 'f', 'v').hgetall('ir:h').exec();
  await r.quit();
  await relay.close();
  return relay.chunks;
}

async function captureResp3PubSub(): Promise<Chunk[]> {
  const relay = await startRelay(6379);
  const sub = new Redis({ host: '127.0.0.1', port: relay.port, lazyConnect: true });
  const pub = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await Promise.all([sub.connect(), pub.connect()]);
  const got = new Promise<string>((r) => sub.on('message', (_ch: string, m: string) => r(m)));
  await sub.subscribe('ir:news');
  await pub.publish('ir:news', 'hello');
  await got;
  await sub.unsubscribe('ir:news');
  await sub.quit();
  await pub.quit();
  await relay.close();
  return relay.chunks;
}

/** A raw RESP2 connection: inline commands, as `telnet` users type them. */
async function captureResp2Inline(): Promise<Chunk[]> {
  const relay = await startRelay(6379);
  const pub = new Redis({ host: '127.0.0.1', port: 6379 });
  const s = connect({ host: '127.0.0.1', port: relay.port });
  let seen = '';
  const until = (text: string): Promise<void> =>
    new Promise((r) => {
      const check = (): void => {
        if (seen.includes(text)) {
          s.off('data', onData);
          r();
        }
      };
      const onData = (d: Buffer): void => {
        seen += d.toString('latin1');
        check();
      };
      s.on('data', onData);
      check();
    });
  s.write('SUBSCRIBE ir:a ir:b\r\n');
  await until(':2\r\n');
  await pub.publish('ir:b', 'news');
  await until('$4\r\nnews\r\n');
  s.write('UNSUBSCRIBE\r\n');
  await until(':0\r\n');
  s.write('PING\r\nECHO hi\r\nQUIT\r\n');
  await new Promise((r) => s.on('close', r));
  await pub.quit();
  await relay.close();
  return relay.chunks;
}

function resp(...args: string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
}

describe('redis protocol', () => {
  let pipeline: Chunk[] = [];
  let pubsub3: Chunk[] = [];
  let inline2: Chunk[] = [];
  before(async () => {
    await requireService('Redis', 6379, START);
    pipeline = await capturePipeline();
    pubsub3 = await captureResp3PubSub();
    inline2 = await captureResp2Inline();
  });

  it('pairs pipelined ioredis commands in order, many in flight, with no findings', () => {
    const run = pairAll(redis, pipeline);
    assert.deepEqual(run.findings, []);
    assert.equal(run.undecoded, 0);
    const byCmd = new Map(run.pairs.map((p) => [p.request.decoded.summary, p.response?.decoded.summary]));
    assert.equal(byCmd.get('SET ir:user:1 alice'), 'OK');
    assert.equal(byCmd.get('GET ir:user:1'), '"alice"');
    assert.equal(byCmd.get('INCR ir:n'), '(integer) 1');
    assert.equal(byCmd.get('GET ir:missing'), '(nil)');
    assert.equal(byCmd.get('HGETALL ir:h'), '{"f": "v"}', 'RESP3 map');
    assert.match(byCmd.get('HELLO 3') ?? '', /"proto": \(integer\) 3/);
    const get = run.pairs.find((p) => p.request.decoded.summary === 'GET ir:user:1');
    assert.equal(get?.request.decoded.key, 'ir:user:1');
    // the six pipelined commands went out before their first answer came back
    const sent = run.pairs.filter((p) => p.request.decoded.key?.startsWith('ir:') && p.request.decoded.summary !== 'DEL ir:user:1 ir:n');
    assert.equal(sent.length, 6);
    assert.ok(sent.every((p) => p.request.tEndUs <= (sent[0].response?.tUs ?? 0)));
  });

  it('marks RESP3 pub/sub pushes unsolicited and pairs the subscribe confirmations with their commands', () => {
    const run = pairAll(redis, pubsub3);
    assert.deepEqual(run.findings, []);
    const sub = run.pairs.find((p) => p.request.decoded.summary === 'SUBSCRIBE ir:news');
    assert.equal(sub?.response?.decoded.summary, '(push) 1) "subscribe" 2) "ir:news" 3) (integer) 1');
    const unsub = run.pairs.find((p) => p.request.decoded.summary === 'UNSUBSCRIBE ir:news');
    assert.match(unsub?.response?.decoded.summary ?? '', /"unsubscribe"/);
    assert.deepEqual(
      run.unsolicited.map((m) => m.decoded.summary),
      ['(push) 1) "message" 2) "ir:news" 3) "hello"'],
    );
  });

  it('pairs RESP2 inline commands, one reply per subscribed channel, and messages as unsolicited', () => {
    const run = pairAll(redis, inline2);
    assert.deepEqual(run.findings, []);
    assert.deepEqual(
      run.pairs.map((p) => [p.request.decoded.summary, p.response?.decoded.summary]),
      [
        ['SUBSCRIBE ir:a ir:b', '1) "subscribe" 2) "ir:a" 3) (integer) 1'],
        ['UNSUBSCRIBE', run.pairs[1].response?.decoded.summary],
        ['PING', 'PONG'],
        ['ECHO hi', '"hi"'],
        ['QUIT', 'OK'],
      ],
    );
    assert.match(run.pairs[1].response?.decoded.summary ?? '', /^1\) "unsubscribe" 2\) "ir:[ab]" 3\) \(integer\) 1$/);
    assert.deepEqual(
      run.unsolicited.map((m) => m.decoded.summary),
      ['1) "subscribe" 2) "ir:b" 3) (integer) 2', '1) "message" 2) "ir:b" 3) "news"', run.unsolicited[2]?.decoded.summary],
    );
    assert.match(run.unsolicited[2]?.decoded.summary ?? '', /"unsubscribe" .* \(integer\) 0$/);
  });

  it('frames the same messages at every split point and under random chunkings', () => {
    for (const traffic of [pipeline.filter((c) => !c.bytes.includes('# Server')), inline2]) {
      const want = shape(decodeAll(redis, traffic));
      for (let at = 1; at < totalBytes(traffic); at++) assert.deepEqual(shape(decodeAll(redis, splitAt(traffic, at))), want, `split at ${at}`);
    }
    const want = shape(decodeAll(redis, pipeline));
    for (let seed = 1; seed <= 20; seed++) {
      const chunks = splitRandom(pipeline, prng(seed), 1 + seed * 5);
      assert.deepEqual(shape(decodeAll(redis, chunks)), want, `seed ${seed}`);
      assert.deepEqual(pairAll(redis, chunks).findings, []);
    }
  });

  it('masks AUTH, HELLO … AUTH, ACL SETUSER, MIGRATE and CONFIG SET passwords, same length, in RESP and inline forms', () => {
    const cases: Array<[Buffer, string]> = [
      [resp('AUTH', 's3cret'), resp('AUTH', '******').toString()],
      [resp('AUTH', 'app', 's3cret'), resp('AUTH', 'app', '******').toString()],
      [resp('HELLO', '3', 'AUTH', 'app', 's3cret', 'SETNAME', 'x'), resp('HELLO', '3', 'AUTH', 'app', '******', 'SETNAME', 'x').toString()],
      [resp('CONFIG', 'SET', 'requirepass', 'pw'), resp('CONFIG', 'SET', 'requirepass', '**').toString()],
      [Buffer.from('auth s3cret\r\n'), 'auth ******\r\n'],
      [resp('ACL', 'SETUSER', 'app', 'on', '>s3cret', '<old', '~*', '+@all'), resp('ACL', 'SETUSER', 'app', 'on', '>******', '<***', '~*', '+@all').toString()],
      [resp('acl', 'setuser', 'app', '#c0ffee'), resp('acl', 'setuser', 'app', '#******').toString()],
      [
        resp('MIGRATE', 'h', '6380', '', '0', '5000', 'AUTH2', 'app', 's3cret', 'KEYS', 'k'),
        resp('MIGRATE', 'h', '6380', '', '0', '5000', 'AUTH2', 'app', '******', 'KEYS', 'k').toString(),
      ],
      [resp('config', 'set', 'masterauth', 'pw', 'maxmemory', '1gb'), resp('config', 'set', 'masterauth', '**', 'maxmemory', '1gb').toString()],
    ];
    for (const [cmd, want] of cases) assert.equal(redactRedis('c2s', cmd)?.toString(), want);
    for (const m of decodeAll(redis, pipeline)) assert.equal(redactRedis(m.dir, m.bytes), null, m.decoded.summary);
    const s = redis.session();
    assert.equal(s.push('c2s', redactRedis('c2s', cases[2][0]) ?? Buffer.alloc(0), 0)[0].decoded.summary, 'HELLO 3 AUTH app ****** SETNAME x');
  });

  it('masks what replies repeat: an ACL SETUSER rule quoted in an error, CONFIG GET password values, ACL password hashes', () => {
    const hash = 'f'.repeat(64);
    const cases: Array<[string, string]> = [
      [
        "-ERR Error in ACL SETUSER modifier '<s3cret': The password you are trying to remove from the user does not exist\r\n",
        "-ERR Error in ACL SETUSER modifier '<******': The password you are trying to remove from the user does not exist\r\n",
      ],
      [
        '*4\r\n$10\r\nmasterauth\r\n$6\r\ns3cret\r\n$11\r\nrequirepass\r\n$2\r\npw\r\n',
        '*4\r\n$10\r\nmasterauth\r\n$6\r\n******\r\n$11\r\nrequirepass\r\n$2\r\n**\r\n',
      ],
      [`*1\r\n$98\r\nuser app on #${hash} ~* &* +@all\r\n`, `*1\r\n$98\r\nuser app on #${'*'.repeat(64)} ~* &* +@all\r\n`],
    ];
    for (const [reply, want] of cases) assert.equal(redactRedis('s2c', Buffer.from(reply))?.toString(), want);
    assert.equal(redactRedis('s2c', Buffer.from('*2\r\n$7\r\nmaxmemory\r\n$1\r\n0\r\n')), null, 'other settings are kept');
  });

  it('skips a bulk string past the decoding cap by its declared length, in a command or a reply, and frames on', () => {
    const s = redis.session();
    const size = 70 * 1024 * 1024;
    const piece = Buffer.alloc(8 * 1024 * 1024, 0x61);
    const got: Array<{ dir: string; summary: string; tEndUs: number }> = [];
    const push = (dir: 'c2s' | 's2c', b: Buffer, t: number) =>
      got.push(...s.push(dir, b, t).map((m) => ({ dir: m.dir, summary: m.decoded.summary, tEndUs: m.tEndUs })));
    push('c2s', Buffer.from(`*4\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${size}\r\n`), 1);
    for (let sent = 0, t = 2; sent < size; sent += piece.length, t++) push('c2s', piece.subarray(0, Math.min(piece.length, size - sent)), t);
    push('c2s', Buffer.from('\r\n$2\r\nNX\r\n*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n'), 100);
    push('s2c', Buffer.from(`+OK\r\n$${size}\r\n`), 101);
    for (let sent = 0, t = 102; sent < size; sent += piece.length, t++) push('s2c', piece.subarray(0, Math.min(piece.length, size - sent)), t);
    push('s2c', Buffer.from('\r\n'), 200);
    assert.deepEqual(
      got.map((m) => [m.dir, m.summary.replace(/\d{8}/, 'N')]),
      [
        ['c2s', 'SET big "<N bytes, past the decoding cap>" NX'],
        ['c2s', 'GET big'],
        ['s2c', 'OK'],
        ['s2c', '"<N bytes, past the decoding cap>"'],
      ],
    );
    assert.equal(got[0].tEndUs, 100, 'the SET is whole when its last argument came');
    assert.equal(got[3].tEndUs, 200, 'the reply is whole when its last byte came');
    assert.equal(s.pendingBytes('c2s') + s.pendingBytes('s2c'), 0, 'nothing held');
  });
});

describe('decoding on demand', () => {
  it('what pairing reads at once (key, failure, error) is what the whole decode says, on every recorded Redis transcript', () => {
    const root = join(__dirname, '..', '..');
    const files = [
      ...readdirSync(join(root, 'test', 'fixtures', 'real', 'redis')).map((f) => join(root, 'test', 'fixtures', 'real', 'redis', f)),
      ...readdirSync(join(root, 'replays', 'redis-2023')).map((f) => join(root, 'replays', 'redis-2023', f)),
    ].filter((f) => f.endsWith('.transcript.jsonl'));
    assert.ok(files.length >= 4, `transcripts: ${files.length}`);
    let messages = 0;
    let alone = 0;
    for (const file of files) {
      const sessions = new Map<number, ReturnType<typeof redis.session>>();
      for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
        if (!line) continue;
        const ev = JSON.parse(line) as DataEvent;
        if (ev.k !== 'c2s' && ev.k !== 's2c') continue;
        let s = sessions.get(ev.c);
        if (!s) sessions.set(ev.c, (s = redis.session()));
        for (const m of s.push(ev.k, eventBytes(ev), ev.t)) {
          const quick = [m.decoded.key, m.decoded.failed, m.decoded.error];
          const whole = JSON.parse(JSON.stringify(m.decoded)) as Decoded;
          assert.deepEqual(quick, [whole.key, whole.failed, whole.error], `${file}: ${m.decoded.summary}`);
          // what the timeline makes from the message's bytes alone, when it is shown, is the same decoding
          if ((m.decoded as { alone?: string }).alone) {
            assert.deepEqual(JSON.parse(JSON.stringify(redis.describe?.(m.dir, m.bytes))), whole, `${file}: ${m.decoded.summary}`);
            alone++;
          }
          assert.equal(typeof m.decoded.summary, 'string');
          messages++;
        }
      }
    }
    assert.ok(messages > 1000, `messages: ${messages}`);
    assert.ok(alone > messages * 0.9, `decoded from their bytes alone: ${alone} of ${messages}`);
  });
});
