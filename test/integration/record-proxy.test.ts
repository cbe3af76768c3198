import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startRecorder } from '../../extension/core/record';
import { UserError } from '../../extension/core/errors';
import { bytesOf, readAll } from '../helpers/transcripts';
import { closedPort, connectTo, echoServer, roundTrip } from '../helpers/net';
import { tempDir } from '../helpers/tmp';

// the echo server speaks no protocol the recorder knows: these tests relay arbitrary bytes and keep them (--keep-auth)
const dir = tempDir();
let n = 0;
const out = () => join(dir, `t${++n}.transcript.jsonl`);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the recording proxy', () => {
  test('relays 20 MB over 50 concurrent connections and the transcript holds exactly the bytes relayed', async () => {
    const echo = await echoServer();
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${echo.port}`, out: out(), keepAuth: true });
    const payloads = Array.from({ length: 50 }, () => randomBytes(400 * 1024));
    const echoed = await Promise.all(payloads.map((p) => roundTrip(rec.address.port, p, 7919)));
    await rec.close();
    await echo.close();
    echoed.forEach((e, i) => assert.ok(e.equals(payloads[i]), `connection ${i}: the echo differs from what was sent`));
    const events = await readAll(rec.file);
    const sent = new Set(payloads.map(sha));
    // the closing line, written on a normal stop, counts what was written
    const end = events.at(-1);
    assert.equal(end?.k, 'end');
    assert.deepEqual(end?.bytes, { c2s: 50 * 400 * 1024, s2c: 50 * 400 * 1024 });
    assert.equal(end?.events, events.length - 1);
    const conns = [...new Set(events.filter((e) => e.k !== 'end').map((e) => e.c))];
    assert.equal(conns.length, 50);
    for (const c of conns) {
      const up = bytesOf(events, c, 'c2s');
      const down = bytesOf(events, c, 's2c');
      assert.ok(sent.has(sha(up)), `connection ${c}: c2s in the transcript (${up.length} bytes) is not a payload that was sent`);
      assert.ok(up.equals(down), `connection ${c}: s2c in the transcript differs from c2s`);
    }
    assert.equal(rec.stats.c2sBytes, 50 * 400 * 1024);
    assert.equal(rec.stats.s2cBytes, 50 * 400 * 1024);
    assert.equal(rec.stats.droppedBytes, 0);
  });

  test('a target that refuses connections: the client is closed and the transcript says why', async () => {
    const port = await closedPort();
    const lines: string[] = [];
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${port}`, out: out(), keepAuth: true, log: (l) => lines.push(l) });
    const s = await connectTo(rec.address.port);
    await new Promise<void>((r) =>
      s
        .on('end', () => r())
        .on('close', () => r())
        .on('error', () => {}),
    );
    s.destroy();
    await rec.close();
    const events = await readAll(rec.file);
    const end = events.find((e) => e.k === 'close' || e.k === 'reset');
    assert.ok(end, 'the connection has an end event');
    assert.match(String(end.error), new RegExp(`127\\.0\\.0\\.1:${port}: connection refused`));
    assert.equal(rec.stats.refused, 1);
    assert.match(lines.join('\n'), /connection refused/);
  });

  test('a client that resets mid-stream is recorded as a reset and the proxy keeps serving others', async () => {
    const echo = await echoServer();
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${echo.port}`, out: out(), keepAuth: true });
    const s = await connectTo(rec.address.port);
    s.write(randomBytes(100000));
    await new Promise((r) => s.once('data', r));
    s.resetAndDestroy();
    const after = await roundTrip(rec.address.port, Buffer.from('still here'));
    assert.equal(after.toString(), 'still here');
    await rec.close();
    await echo.close();
    const events = await readAll(rec.file);
    const reset = events.find((e) => e.k === 'reset');
    assert.ok(reset, 'a reset event is recorded');
    assert.equal(reset.by, 'client');
    assert.equal(reset.c, 1);
  });

  test('a server that resets mid-stream resets the client connection too, and is recorded', async () => {
    const { createServer } = await import('node:net');
    const server = createServer((sock) => {
      sock.write('partial answer');
      setTimeout(() => sock.resetAndDestroy(), 20);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${port}`, out: out(), keepAuth: true });
    const s = await connectTo(rec.address.port);
    const got: Buffer[] = [];
    let code: string | undefined;
    s.on('data', (d: Buffer) => got.push(d));
    await new Promise<void>((r) =>
      s
        .on('end', () => r())
        .on('close', () => r())
        .on('error', (e: NodeJS.ErrnoException) => (code = e.code)),
    );
    s.destroy();
    await rec.close();
    server.close();
    assert.equal(Buffer.concat(got).toString(), 'partial answer');
    assert.equal(code, 'ECONNRESET', "the server's reset reaches the client as a reset");
    const events = await readAll(rec.file);
    assert.equal(bytesOf(events, 1, 's2c').toString(), 'partial answer');
    const end = events.find((e) => e.k === 'reset');
    assert.ok(end, 'the server reset is recorded');
    assert.equal(end.by, 'server');
  });

  test('a client that resets mid-stream resets the server connection too, and is recorded', async () => {
    const { createServer } = await import('node:net');
    let serverSaw: string | undefined;
    const gone = new Promise<void>((resolve) => {
      const server = createServer((sock) => {
        sock.on('error', (e: NodeJS.ErrnoException) => (serverSaw = e.code));
        sock.on('close', () => {
          server.close();
          resolve();
        });
      });
      server.listen(0, '127.0.0.1', async () => {
        const port = (server.address() as { port: number }).port;
        const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${port}`, out: out(), keepAuth: true });
        const s = await connectTo(rec.address.port);
        s.write('half a request');
        setTimeout(() => s.resetAndDestroy(), 50);
        await gone;
        await rec.close();
        const events = await readAll(rec.file);
        assert.equal(events.find((e) => e.k === 'reset')?.by, 'client');
      });
    });
    await gone;
    assert.equal(serverSaw, 'ECONNRESET', "the client's reset reaches the server as a reset");
  });

  test('latency on a share of responses delays them and is recorded as faults, order kept', async () => {
    const echo = await echoServer();
    const rec = await startRecorder({
      listen: '127.0.0.1:0',
      target: `127.0.0.1:${echo.port}`,
      out: out(),
      keepAuth: true,
      faults: ['latency:30ms@50%'],
      seed: 7,
    });
    const s = await connectTo(rec.address.port);
    const got: string[] = [];
    s.setEncoding('utf8');
    s.on('data', (d: string) => got.push(d));
    for (let i = 0; i < 20; i++) {
      s.write(`line ${i}\n`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 200));
    s.end();
    await rec.close();
    await echo.close();
    assert.equal(got.join(''), Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join(''));
    const events = await readAll(rec.file);
    const faults = events.filter((e) => e.k === 'fault');
    assert.ok(faults.length >= 3 && faults.length <= 17, `about half the chunks delayed, got ${faults.length} of 20`);
    assert.ok(faults.every((f) => f.fault === 'latency' && f.dir === 's2c'));
  });

  test('a stall holds the bytes: they are never delivered and are recorded as dropped at the end', async () => {
    const echo = await echoServer();
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${echo.port}`, out: out(), keepAuth: true, faults: ['stall'] });
    const s = await connectTo(rec.address.port);
    let got = 0;
    s.on('data', (d: Buffer) => (got += d.length));
    s.write('hello');
    await new Promise((r) => setTimeout(r, 100));
    s.destroy();
    await rec.close();
    await echo.close();
    assert.equal(got, 0);
    const events = await readAll(rec.file);
    assert.equal(bytesOf(events, 1, 's2c').length, 0);
    assert.deepEqual(
      events.filter((e) => e.k === 'drop').map((e) => [e.dir, e.bytes]),
      [['s2c', 5]],
    );
  });

  test('a reset fault after N bytes cuts the connection with RST', async () => {
    const echo = await echoServer();
    const rec = await startRecorder({
      listen: '127.0.0.1:0',
      target: `127.0.0.1:${echo.port}`,
      out: out(),
      keepAuth: true,
      faults: ['reset,after=1KB,dir=up'],
    });
    const s = await connectTo(rec.address.port);
    const closed = new Promise<string>((r) => {
      s.on('error', (e: NodeJS.ErrnoException) => r(e.code ?? 'error'));
      s.on('close', () => r('close'));
    });
    s.write(randomBytes(4000));
    assert.match(await closed, /ECONNRESET|close/);
    await rec.close();
    await echo.close();
    const events = await readAll(rec.file);
    assert.ok(events.some((e) => e.k === 'fault' && e.fault === 'reset'));
    assert.equal(events.find((e) => e.k === 'reset')?.by, 'proxy');
  });

  test('bandwidth limits the rate of a direction', async () => {
    const echo = await echoServer();
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${echo.port}`, out: out(), keepAuth: true, faults: ['bandwidth:100KB/s'] });
    const data = randomBytes(30000);
    const echoed = await roundTrip(rec.address.port, data, 1000);
    await rec.close();
    await echo.close();
    assert.ok(echoed.equals(data));
    const events = await readAll(rec.file);
    const down = events.filter((e) => e.k === 's2c');
    const spanUs = down[down.length - 1].t - down[0].t;
    // 30 KB at 100 KB/s is 300 ms of transmission; the first chunk's share aside, at least 250 ms must pass
    assert.ok(spanUs >= 250000, `s2c spread over ${spanUs} µs`);
  });

  test('refuses to overwrite an existing transcript and leaves it untouched', async () => {
    const file = out();
    writeFileSync(file, 'precious');
    await assert.rejects(
      startRecorder({ listen: '127.0.0.1:0', target: '127.0.0.1:1', out: file }),
      (e: Error) => e instanceof UserError && /already exists/.test(e.message),
    );
    assert.equal(readFileSync(file, 'utf8'), 'precious');
  });

  test('refuses a non-loopback listen address unless allowed', async () => {
    const file = out();
    await assert.rejects(startRecorder({ listen: '0.0.0.0:0', target: '127.0.0.1:1', out: file }), /not a loopback address.*--allow-remote/);
    assert.equal(existsSync(file), false);
  });
});
