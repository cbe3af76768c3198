// The recording proxy's fault shares and live faults: toxicity picks connections (once each, when it opens), nth
// holds exactly the n-th answer as the protocol frames answers, faults added, changed and removed while a
// connection flows act on it and are written as `fault` events, and the kinds after Toxiproxy's toxics do what
// Toxiproxy's do. Real sockets: an echo server, and the local Redis for the answer framing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { parseFaultSpec, startRecorder } from '../../extension/core/record';
import { bytesOf, readAll } from '../helpers/transcripts';
import { connectTo, echoServer } from '../helpers/net';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();
let n = 0;
const out = () => join(dir, `f${++n}.transcript.jsonl`);
const REDIS = '127.0.0.1:6379';

/** Writes and waits until `expect` bytes came back; the ms it took. */
async function exchange(s: Socket, data: Buffer | string, expect: number): Promise<number> {
  const t0 = performance.now();
  let got = 0;
  await new Promise<void>((resolve, reject) => {
    const on = (d: Buffer) => {
      got += d.length;
      if (got >= expect) {
        s.off('data', on);
        resolve();
      }
    };
    s.on('data', on);
    s.once('error', reject);
    s.write(data);
  });
  return performance.now() - t0;
}

/** Resolves with how the socket ended: 'end' (FIN), an error code (ECONNRESET), or 'close'. */
function ending(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    s.on('end', () => resolve('end'));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    s.on('close', () => resolve('close'));
  });
}

describe('fault shares', () => {
  test('toxicity picks a share of the connections, each once when it opens: every answer on a picked one is delayed, none on the others', async (t) => {
    const echo = await echoServer();
    t.after(() => echo.close());
    const rec = await startRecorder({
      listen: '127.0.0.1:0',
      target: `127.0.0.1:${echo.port}`,
      out: out(),
      keepAuth: true,
      faults: ['latency:60ms,toxicity=50%'],
      seed: 11,
    });
    t.after(() => rec.close());
    const slow: boolean[][] = [];
    for (let i = 0; i < 12; i++) {
      const s = await connectTo(rec.address.port);
      const times: boolean[] = [];
      for (let j = 0; j < 3; j++) times.push((await exchange(s, `c${i} m${j}\n`, `c${i} m${j}\n`.length)) >= 55);
      slow.push(times);
      s.destroy();
    }
    await rec.close();
    await echo.close();
    const events = await readAll(rec.file);
    const picked = new Set(events.filter((e) => e.k === 'fault' && e.picked === true).map((e) => e.c));
    assert.ok(picked.size > 0 && picked.size < 12, `a share of the 12 connections picked, got ${picked.size}`);
    for (let c = 1; c <= 12; c++) {
      const delays = events.filter((e) => e.c === c && e.k === 'fault' && e.latencyMs !== undefined);
      // per connection, not per chunk: a picked connection has all its answers delayed, the others none
      assert.equal(delays.length, picked.has(c) ? 3 : 0, `connection ${c}: ${delays.length} delayed answers`);
      if (picked.has(c)) assert.deepEqual(slow[c - 1], [true, true, true], `connection ${c} was picked: every answer waited`);
    }
  });

  test('nth=3 holds exactly the third answer, framed by the protocol even when the answers arrive in one chunk', async (t) => {
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: REDIS, out: out(), faults: ['latency:300ms,nth=3'] });
    t.after(() => rec.close());
    const s = await connectTo(rec.address.port);
    const ping = '*1\r\n$4\r\nPING\r\n';
    const one = '+PONG\r\n'.length;
    const times = [];
    for (let i = 0; i < 5; i++) times.push(await exchange(s, ping, one));
    assert.ok(times[2] >= 290, `the third answer waited: ${times.map(Math.round)} ms`);
    for (const i of [0, 1, 3, 4]) assert.ok(times[i] < 200, `answer ${i + 1} did not wait: ${times.map(Math.round)} ms`);
    s.destroy();

    // five pipelined commands: Redis answers in one chunk; the first two pass, the third and those behind it wait
    const p = await connectTo(rec.address.port);
    const arrivals: Array<[number, number]> = [];
    const t0 = performance.now();
    let got = 0;
    const all = new Promise<void>((resolve) =>
      p.on('data', (d: Buffer) => {
        got += d.length;
        arrivals.push([got, performance.now() - t0]);
        if (got >= 5 * one) resolve();
      }),
    );
    p.write(ping.repeat(5));
    await all;
    p.destroy();
    await rec.close();
    const early = arrivals.filter(([, ms]) => ms < 200).map(([bytes]) => bytes);
    assert.equal(Math.max(0, ...early), 2 * one, `only two answers before the hold: ${JSON.stringify(arrivals)}`);
    assert.ok((arrivals.at(-1)?.[1] ?? 0) >= 290);
    const events = await readAll(rec.file);
    const held = events.filter((e) => e.k === 'fault' && e.fault === 'latency');
    // one answer held on each connection: the third, its own bytes only
    assert.deepEqual(
      held.map((e) => [e.c, e.bytes]),
      [
        [1, one],
        [2, one],
      ],
    );
  });
});

describe('faults changed while the proxy runs', () => {
  test('added, changed and removed on an open connection, each change a fault event', async (t) => {
    const echo = await echoServer();
    t.after(() => echo.close());
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${echo.port}`, out: out(), keepAuth: true });
    t.after(() => rec.close());
    const s = await connectTo(rec.address.port);
    const before = await exchange(s, 'a\n', 2);
    rec.faults.add(parseFaultSpec('latency:150ms'), 'slow');
    const during = await exchange(s, 'b\n', 2);
    rec.faults.update('slow', parseFaultSpec('latency:300ms'));
    const changed = await exchange(s, 'c\n', 2);
    rec.faults.remove('slow');
    const after = await exchange(s, 'd\n', 2);
    s.destroy();
    await rec.close();
    await echo.close();
    assert.ok(before < 100 && after < 100, `no fault: ${before}, ${after} ms`);
    assert.ok(during >= 145 && during < 290, `150 ms added: ${during} ms`);
    assert.ok(changed >= 295, `300 ms after the change: ${changed} ms`);
    const events = await readAll(rec.file);
    const changes = events.filter((e) => e.k === 'fault' && e.op !== undefined);
    assert.deepEqual(
      changes.map((e) => [e.c, e.op, e.name, e.spec]),
      [
        [0, 'add', 'slow', 'latency:150ms'],
        [0, 'update', 'slow', 'latency:300ms'],
        [0, 'remove', 'slow', 'latency:300ms'],
      ],
    );
    assert.equal(events.filter((e) => e.k === 'fault' && e.latencyMs !== undefined).length, 2);
  });

  test('removing a stall lets go of the bytes it held', async (t) => {
    const echo = await echoServer();
    t.after(() => echo.close());
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${echo.port}`, out: out(), keepAuth: true, faults: ['stall'] });
    t.after(() => rec.close());
    const s = await connectTo(rec.address.port);
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (got += d));
    s.write('held\n');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(got, '', 'the stall holds the answer');
    rec.faults.remove('stall_downstream');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(got, 'held\n');
    s.destroy();
    await rec.close();
    await echo.close();
    assert.equal(bytesOf(await readAll(rec.file), 1, 's2c').toString(), 'held\n');
  });
});

describe("Toxiproxy's toxics as fault kinds", () => {
  test('limit_data delivers that many bytes, then closes the connection', async (t) => {
    const echo = await echoServer();
    t.after(() => echo.close());
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${echo.port}`, out: out(), keepAuth: true, faults: ['limit_data:1000'] });
    t.after(() => rec.close());
    const s = await connectTo(rec.address.port);
    let got = 0;
    s.on('data', (d: Buffer) => (got += d.length));
    const how = ending(s);
    s.write(randomBytes(3000));
    assert.equal(await how, 'end');
    await rec.close();
    await echo.close();
    assert.equal(got, 1000);
    const events = await readAll(rec.file);
    assert.equal(bytesOf(events, 1, 's2c').length, 1000);
    assert.equal(events.find((e) => e.k === 'close')?.by, 'proxy');
    assert.ok(events.some((e) => e.k === 'fault' && e.fault === 'limit_data' && e.limitBytes === 1000));
  });

  test('timeout drops what passes and closes the connection after its time', async (t) => {
    const echo = await echoServer();
    t.after(() => echo.close());
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${echo.port}`, out: out(), keepAuth: true, faults: ['timeout:200ms'] });
    t.after(() => rec.close());
    const t0 = performance.now();
    const s = await connectTo(rec.address.port);
    let got = 0;
    s.on('data', (d: Buffer) => (got += d.length));
    const how = ending(s);
    s.write('lost\n');
    assert.match(await how, /end|close/);
    const ms = performance.now() - t0;
    await rec.close();
    await echo.close();
    assert.equal(got, 0);
    assert.ok(ms >= 190, `closed after ${ms} ms`);
    const events = await readAll(rec.file);
    assert.deepEqual(
      events.filter((e) => e.k === 'drop').map((e) => [e.dir, e.bytes]),
      [['s2c', 5]],
    );
  });

  test('reset_peer cuts the connection with RST on the first bytes', async (t) => {
    const echo = await echoServer();
    t.after(() => echo.close());
    const rec = await startRecorder({
      listen: '127.0.0.1:0',
      target: `127.0.0.1:${echo.port}`,
      out: out(),
      keepAuth: true,
      faults: ['reset_peer:50ms,dir=up'],
    });
    t.after(() => rec.close());
    const s = await connectTo(rec.address.port);
    const how = ending(s);
    s.write('hello\n');
    assert.equal(await how, 'ECONNRESET');
    await rec.close();
    await echo.close();
    const events = await readAll(rec.file);
    assert.equal(events.find((e) => e.k === 'reset')?.by, 'proxy');
    assert.equal(bytesOf(events, 1, 'c2s').length, 0, 'the first bytes were dropped, never delivered');
  });

  test('slicer delivers a chunk in slices of about the average size, apart by its delay', async (t) => {
    const echo = await echoServer();
    t.after(() => echo.close());
    const rec = await startRecorder({
      listen: '127.0.0.1:0',
      target: `127.0.0.1:${echo.port}`,
      out: out(),
      keepAuth: true,
      faults: ['slicer:100B,variation=20B,delay=2ms'],
    });
    t.after(() => rec.close());
    const s = await connectTo(rec.address.port);
    const data = randomBytes(1000);
    await exchange(s, data, 1000);
    s.destroy();
    await rec.close();
    await echo.close();
    const events = await readAll(rec.file);
    const slices = events.filter((e) => e.k === 's2c');
    assert.ok(bytesOf(events, 1, 's2c').equals(data));
    const sizes = slices.map((e) => Buffer.byteLength(String(e.d), e.e === 'base64' ? 'base64' : 'utf8'));
    assert.ok(slices.length >= 8, `1000 bytes in ${slices.length} slices: ${sizes}`);
    assert.ok(
      sizes.every((n) => n <= 140),
      `slices of about 100 bytes: ${sizes}`,
    );
    assert.ok(slices.at(-1)!.t - slices[0].t >= (slices.length - 1) * 1500, 'the slices are apart by the delay');
  });

  test('slow_close holds the end of the stream for its delay', async (t) => {
    const { createServer } = await import('node:net');
    const server = createServer((sock) => sock.end('bye\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    t.after(() => server.close());
    const port = (server.address() as { port: number }).port;
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${port}`, out: out(), keepAuth: true, faults: ['slow_close:250ms'] });
    t.after(() => rec.close());
    const t0 = performance.now();
    const s = await connectTo(rec.address.port);
    let firstByteMs = -1;
    s.once('data', () => (firstByteMs = performance.now() - t0));
    assert.equal(await ending(s), 'end');
    const endMs = performance.now() - t0;
    s.destroy();
    await rec.close();
    server.close();
    assert.ok(firstByteMs >= 0 && firstByteMs < 150, `the bytes pass at once: ${firstByteMs} ms`);
    assert.ok(endMs >= 245, `the end waited: ${endMs} ms`);
  });
});

describe('fault specs', () => {
  test('toxicity and nth are read, and wrong ones are named', () => {
    const f = parseFaultSpec('latency:300ms,nth=3,toxicity=25%');
    assert.equal(f.nth, 3);
    assert.equal(f.toxicity, 0.25);
    assert.throws(() => parseFaultSpec('latency:300ms,nth=0'), /nth "0" is not a message number/);
    assert.throws(() => parseFaultSpec('latency:300ms,toxicity=150%'), /share "150%"/);
    assert.throws(() => parseFaultSpec('slicer:0'), /at least 1 byte/);
    assert.throws(() => parseFaultSpec('flood:9'), /expected one of latency, .*limit_data/);
  });

  test('a share straight after a kind that takes no value, as the README writes it: reset@2%, stall@1%', () => {
    assert.equal(parseFaultSpec('reset@2%').share, 0.02);
    assert.deepEqual([parseFaultSpec('stall@1%').share, parseFaultSpec('stall@1%').stallMs], [0.01, undefined]);
    assert.equal(parseFaultSpec('reset@5%,after=1KB').afterBytes, 1000);
    assert.equal(parseFaultSpec('latency:300ms@5%').latencyMs, 300);
    assert.throws(() => parseFaultSpec('reset@'), /share "" is not a percentage/);
  });
});
