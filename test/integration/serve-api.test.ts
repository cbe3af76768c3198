// `serve --api` as Toxiproxy's clients see it: the built CLI, driven by toxiproxy-node-client (a third-party
// client, unchanged) and by plain HTTP for the status codes, in front of the local Redis (127.0.0.1:6379) with ioredis
// as the application. Each proxy's transcript holds its traffic and its toxics' changes; our verdict endpoint judges it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import Redis from 'ioredis';
import { Toxiproxy } from 'toxiproxy-node-client';
import { readAll } from '../helpers/transcripts';
import { tempDir } from '../helpers/tmp';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

interface Served {
  url: string;
  out: string;
  child: ChildProcess;
  /** SIGTERM, then the exit code and what it printed */
  stop(): Promise<{ code: number | null; stdout: string }>;
}

async function serve(): Promise<Served> {
  const out = join(tempDir(), 'transcripts');
  const child = spawn(process.execPath, [CLI, 'serve', '--api', '127.0.0.1:0', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no announcement: ${stderr}`)), 20000);
    child.stderr?.on('data', (d) => {
      stderr += d;
      const m = /API on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    out,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      return { code: await exited, stdout };
    },
  };
}

function portOf(listen: string): number {
  const m = /^127\.0\.0\.1:(\d+)$/.exec(listen);
  assert.ok(m, `listen "${listen}" is 127.0.0.1:port`);
  return Number(m[1]);
}

/** One ioredis connection through the proxy: a few commands; its local port and the ms its GET took. */
async function client(port: number, i: number): Promise<{ localPort: number; getMs: number }> {
  const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.set(`serve-api:${i}`, `value ${i}`);
    const t0 = performance.now();
    assert.equal(await r.get(`serve-api:${i}`), `value ${i}`);
    const getMs = performance.now() - t0;
    await r.incr('serve-api:count');
    return { localPort: r.stream.localPort as number, getMs };
  } finally {
    r.disconnect();
  }
}

// the API's answers as the tests read them: fields looked at by name, checked by the assertions
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;
const json = async (res: Response): Promise<{ status: number; body: Body }> => ({ status: res.status, body: res.status === 204 ? null : await res.json() });

describe("serve --api (Toxiproxy's HTTP API)", () => {
  test('toxiproxy-node-client: a proxy to Redis, a latency toxic on half the connections, its removal, and a clean verdict', async (t) => {
    const s = await serve();
    t.after(() => s.child.kill('SIGKILL'));
    const toxiproxy = new Toxiproxy(s.url);
    assert.match(await toxiproxy.getVersion(), /"version"/);
    const proxy = await toxiproxy.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: '127.0.0.1:6379' });
    const port = portOf(proxy.listen);
    assert.notEqual(port, 0);
    await assert.rejects(toxiproxy.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: '127.0.0.1:6379' }), /status code 409/);
    const toxic = await proxy.addToxic({ name: 'slow', type: 'latency', stream: 'downstream', toxicity: 0.5, attributes: { latency: 150, jitter: 0 } });
    assert.equal(toxic.toxicity, 0.5);
    assert.deepEqual(toxic.attributes, { latency: 150, jitter: 0 });
    assert.equal((await toxiproxy.get('redis')).toJson().name, 'redis');

    const under = [];
    for (let i = 0; i < 10; i++) under.push(await client(port, i));
    await toxic.remove();
    const after = [];
    for (let i = 10; i < 13; i++) after.push(await client(port, i));

    const verdict = await json(await fetch(`${s.url}/proxies/redis/verdict`));
    assert.equal(verdict.status, 200);
    assert.equal(verdict.body.verdict, 'clean', verdict.body.line);
    assert.equal(verdict.body.live, true);
    assert.equal(verdict.body.connections, 13);
    assert.ok(verdict.body.requests >= 13 * 3, `${verdict.body.requests} requests judged`);

    const stopped = await s.stop();
    assert.equal(stopped.code, 0);
    assert.match(stopped.stdout, /redis\.transcript\.jsonl: 13 connections/);
    const events = await readAll(join(s.out, 'redis.transcript.jsonl'));
    const changes = events.filter((e) => e.k === 'fault' && e.op !== undefined);
    assert.deepEqual(
      changes.map((e) => [e.op, e.name, e.fault, e.toxicity]),
      [
        ['add', 'slow', 'latency', 0.5],
        ['remove', 'slow', 'latency', 0.5],
      ],
    );
    const removedAt = changes[1].t;

    // the connections as the proxy numbered them, by the client's local port
    const connOf = new Map(events.filter((e) => e.k === 'open').map((e) => [Number(String(e.peer).split(':')[1]), e.c]));
    const picked = new Set(events.filter((e) => e.k === 'fault' && e.picked === true).map((e) => e.c));
    const delayed = events.filter((e) => e.k === 'fault' && e.latencyMs !== undefined);
    assert.ok(picked.size > 0 && picked.size < 10, `toxicity 0.5 picked ${picked.size} of the 10 connections`);
    assert.ok(
      delayed.every((e) => picked.has(e.c) && e.t < removedAt),
      'only picked connections were delayed, and none after the removal',
    );
    for (const u of under) {
      const c = connOf.get(u.localPort);
      assert.ok(c !== undefined, `the transcript has the connection from port ${u.localPort}`);
      if (picked.has(c)) assert.ok(u.getMs >= 145, `connection ${c} was picked: its GET waited (${u.getMs} ms)`);
    }
    for (const a of after) assert.ok(!picked.has(connOf.get(a.localPort) as number), 'no connection after the removal is picked');
  });

  test('status codes and shapes as Toxiproxy gives them; proxies taken down, populated, reset and deleted', async (t) => {
    const s = await serve();
    t.after(() => s.child.kill('SIGKILL'));
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${s.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } }).then(json);
    const get = (path: string) => fetch(`${s.url}${path}`).then(json);
    const del = (path: string) => fetch(`${s.url}${path}`, { method: 'DELETE' }).then(json);

    assert.deepEqual(await post('/proxies', { name: 'r' }), { status: 400, body: { error: 'missing required field: upstream', status: 400 } });
    const created = await post('/proxies', { name: 'r', listen: '127.0.0.1:0', upstream: '127.0.0.1:6379' });
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.body).sort(), ['enabled', 'listen', 'name', 'toxics', 'upstream']);
    assert.deepEqual((await get('/proxies/nope')).body, { error: 'proxy not found', status: 404 });
    assert.equal((await get('/proxies/nope/verdict')).status, 404);
    assert.deepEqual((await post('/proxies/r/toxics', { type: 'flood' })).body, { error: 'invalid toxic type', status: 400 });
    assert.equal((await post('/proxies/r/toxics', { type: 'latency', stream: 'sideways' })).status, 400);
    assert.equal((await post('/proxies/r/toxics', { type: 'latency', attributes: { latency: 'soon' } })).status, 400);
    assert.equal((await post('/proxies/r/toxics', { type: 'latency', toxicity: 2 })).status, 400);
    const added = await post('/proxies/r/toxics', { type: 'bandwidth', stream: 'upstream', attributes: { rate: 64 } });
    assert.deepEqual(added, {
      status: 200,
      body: { name: 'bandwidth_upstream', type: 'bandwidth', stream: 'upstream', toxicity: 1, attributes: { rate: 64 } },
    });
    assert.equal((await post('/proxies/r/toxics', { type: 'bandwidth', stream: 'upstream' })).status, 409);
    const changed = await post('/proxies/r/toxics/bandwidth_upstream', { attributes: { rate: 8 }, toxicity: 0.25 });
    assert.deepEqual([changed.body.attributes, changed.body.toxicity], [{ rate: 8 }, 0.25]);
    assert.equal((await del('/proxies/r/toxics/nope')).status, 404);
    assert.equal((await get('/proxies')).status, 200);
    assert.equal((await post('/version', {}, { 'User-Agent': 'Mozilla/5.0' })).status, 403, 'a browser is refused');

    // taken down: nothing listens; back up: the same address, the same transcript
    const port = portOf(created.body.listen);
    assert.equal((await post('/proxies/r', { enabled: false })).body.enabled, false);
    assert.equal(await refused(port), true);
    assert.equal((await post('/proxies/r', { enabled: true })).body.listen, created.body.listen);
    assert.equal(await refused(port), false);

    const toxiproxy = new Toxiproxy(s.url);
    const populated = await toxiproxy.populate([
      { name: 'r', listen: created.body.listen, upstream: '127.0.0.1:6379' },
      { name: 'r2', listen: '127.0.0.1:0', upstream: '127.0.0.1:6379' },
    ]);
    assert.deepEqual(Object.keys(populated).sort(), ['r', 'r2']);
    assert.equal((await get('/proxies/r/toxics')).body.length, 1, 'populate leaves an unchanged proxy as it was');
    await post('/proxies/r', { enabled: false });
    await toxiproxy.reset();
    const r = await get('/proxies/r');
    assert.deepEqual([r.body.enabled, r.body.toxics], [true, []]);

    // deleted and made again: a new transcript beside the first, never over it
    await populated.r2.remove();
    assert.equal((await get('/proxies/r2')).status, 404);
    assert.equal((await get('/proxies/r2/verdict')).status, 200, 'a deleted proxy keeps its verdict');
    assert.equal((await post('/proxies', { name: 'r2', upstream: '127.0.0.1:6379' })).status, 201);
    assert.equal((await s.stop()).code, 0);
    assert.ok(existsSync(join(s.out, 'r2.transcript.jsonl')) && existsSync(join(s.out, 'r2-2.transcript.jsonl')));
    const events = await readAll(join(s.out, 'r.transcript.jsonl'));
    assert.deepEqual(
      events.filter((e) => e.k === 'fault').map((e) => [e.fault, e.op]),
      [
        ['bandwidth', 'add'],
        ['bandwidth', 'update'],
        ['down', 'add'],
        ['down', 'remove'],
        ['down', 'add'],
        ['down', 'remove'],
        ['bandwidth', 'remove'],
      ],
    );
  });
});

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}
