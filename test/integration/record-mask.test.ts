// Secrets stay out of a transcript whatever the target's port: the recorder tells each connection's protocol from
// its first bytes; a connection it cannot tell is recorded masked; TLS is kept as it is; a direction whose framing is
// lost past a giant message is masked from there on. Real Redis and real bytes (a recorded MariaDB TLS session).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Redis from 'ioredis';
import { analyzeTranscript } from '../../extension/core/pairing';
import { startRecorder } from '../../extension/core/record';
import { connectionMask } from '../../extension/core/record/connection-mask';
import { eventBytes, type DataEvent } from '../../extension/core/transcript';
import { requireService, startRelay } from '../helpers/capture';
import { echoServer, roundTrip } from '../helpers/net';
import { bytesOf, readAll } from '../helpers/transcripts';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();
const SECRET = 'hunter2-not-for-transcripts';

describe('masking whatever the port', { timeout: 120_000 }, () => {
  test('Redis behind an unusual port: told from its first bytes, its AUTH masked, and the transcript pairs as Redis', async () => {
    await requireService('Redis', 6379, 'redis-server --daemonize yes --port 6379');
    const relay = await startRelay(6379); // Redis seen on another port
    const out = join(dir, 'redis-other-port.transcript.jsonl');
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${relay.port}`, out });
    const client = new Redis({ host: '127.0.0.1', port: rec.address.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on('error', () => {});
    await client.connect();
    await client.call('AUTH', SECRET).catch(() => {});
    await client.set('ir:mask', 'v');
    assert.equal(await client.get('ir:mask'), 'v');
    client.disconnect();
    await new Promise((r) => setTimeout(r, 50));
    await rec.close();
    await relay.close();
    assert.equal(readFileSync(out, 'utf8').includes(SECRET), false, 'the secret is in the transcript');
    assert.match(bytesOf(await readAll(out), 1, 'c2s').toString('latin1'), /AUTH\r\n\$27\r\n\*{27}\r\n/);
    const a = await analyzeTranscript(out);
    assert.equal(a.header.protocol, 'auto');
    assert.deepEqual(a.summary.protocols, { redis: 1 });
    assert.equal(a.verdict, 'clean', a.notJudged.join('; '));
  });

  test('a protocol that cannot be told is recorded masked, its lengths kept, and the user is told; --keep-auth keeps it', async () => {
    const echo = await echoServer();
    const payload = Buffer.concat([Buffer.from(`LOGIN ${SECRET}\n`), randomBytes(2000)]);
    const lines: string[] = [];
    const out = join(dir, 'unknown.transcript.jsonl');
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${echo.port}`, out, log: (l) => lines.push(l) });
    assert.ok((await roundTrip(rec.address.port, payload)).equals(payload), 'relayed unchanged');
    await rec.close();
    const events = await readAll(out);
    const up = bytesOf(events, 1, 'c2s');
    assert.equal(up.length, payload.length);
    assert.ok(
      up.every((b) => b === 0x2a),
      'every byte masked',
    );
    assert.equal(rec.stats.maskedConnections, 1);
    assert.match(lines.join('\n'), /connection 1: its protocol cannot be told .* recorded masked \(--protocol P or --keep-auth keeps them\)/);
    const kept = join(dir, 'unknown-kept.transcript.jsonl');
    const rec2 = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${echo.port}`, out: kept, keepAuth: true });
    await roundTrip(rec2.address.port, payload);
    await rec2.close();
    await echo.close();
    assert.ok(bytesOf(await readAll(kept), 1, 'c2s').equals(payload));
  });

  test('a MariaDB session upgraded to TLS: its ClientHello and records are kept as they are, with or without --protocol', async () => {
    // recorded from the real mariadb --ssl client with --keep-auth (test/fixtures/real/README-sql.md)
    const events = (await readAll(join(__dirname, '..', 'fixtures', 'real', 'mysql', 'mariadb-ssl.keep-auth.transcript.jsonl'))).filter(
      (e): e is DataEvent => e.k === 'c2s' || e.k === 's2c',
    );
    for (const protocol of ['mysql', undefined]) {
      const mask = connectionMask({ protocol, port: 3306 });
      assert.ok(mask);
      const got: Record<string, Buffer[]> = { c2s: [], s2c: [] };
      for (const e of events) for (const [d, b] of mask.take(e.k, eventBytes(e))) got[d].push(b);
      for (const [d, b] of mask.flush()) got[d].push(b);
      const sent = (d: 'c2s' | 's2c') => Buffer.concat(events.filter((e) => e.k === d).map(eventBytes));
      assert.ok(Buffer.concat(got.c2s).equals(sent('c2s')), `${protocol ?? 'auto'}: the client's bytes kept (an empty-password login and TLS)`);
      assert.ok(Buffer.concat(got.s2c).equals(sent('s2c')));
    }
  });

  test('a Redis value past the decoding cap (a legal 70 MB SET) is skipped by its length: the AUTH after it is masked, and all is paired', async () => {
    await requireService('Redis', 6379, 'redis-server --daemonize yes --port 6379');
    const out = join(dir, 'redis-giant.transcript.jsonl');
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: '127.0.0.1:6379', out, protocol: 'redis' });
    const size = 70 * 1024 * 1024;
    const s = connect({ host: '127.0.0.1', port: rec.address.port });
    await new Promise<void>((r) => s.once('connect', () => r()));
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.write(`*3\r\n$3\r\nSET\r\n$9\r\nir:giant1\r\n$${size}\r\n`);
    s.write(Buffer.alloc(size, 0x61));
    s.write(`\r\n*2\r\n$4\r\nAUTH\r\n$${SECRET.length}\r\n${SECRET}\r\n*2\r\n$3\r\nDEL\r\n$9\r\nir:giant1\r\n`);
    const deadline = Date.now() + 60_000;
    while (!/:\d+\r\n$/.test(got) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    s.destroy();
    await new Promise((r) => setTimeout(r, 50));
    await rec.close();
    assert.match(got, /^\+OK\r\n-.*\r\n:1\r\n$/s, 'Redis stored the value, refused the AUTH, deleted the key');
    assert.equal(readFileSync(out, 'utf8').includes(SECRET), false, 'the secret is in the transcript');
    assert.match(
      bytesOf(await readAll(out), 1, 'c2s')
        .subarray(-80)
        .toString('latin1'),
      /AUTH\r\n\$27\r\n\*{27}\r\n/,
      'masked as an AUTH, framing kept',
    );
    const a = await analyzeTranscript(out);
    assert.equal(a.verdict, 'clean', `${a.notJudged.join('; ')} ${JSON.stringify(a.summary)}`);
    assert.equal(a.summary.requests, 3);
    assert.equal(a.summary.responses, 3);
  });
});
