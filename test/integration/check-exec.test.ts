// The check of any client (`check --exec`): real programs run once per point of a fault sweep behind the recording
// proxy, judged from their transcripts alone. The 2008 tracker client that keeps its connection after a timeout
// mismatches at the latency point; the fixed one, redis-cli, and programs on the mysql2 and pg drivers stay clean,
// and every row carries its numbers.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { formatHostPort } from '../../extension/core/address';
import { sweepMarkdown, type SweepResult } from '../../extension/core/check';
import { SafeTrackerClient } from '../../extension/core/tracker/client';
import { startTracker, type Tracker } from '../../extension/core/tracker/server';
import { cli } from '../helpers/cli';
import { requireService } from '../helpers/capture';
import { tempDir } from '../helpers/tmp';

const ROOT = join(__dirname, '..', '..');
const dir = tempDir('ir-check-exec-');
let tracker: Tracker;

before(async () => {
  tracker = await startTracker({ seed: 7 });
  const setup = new SafeTrackerClient(tracker.address, { timeoutMs: 5000, name: 'setup-' });
  await setup.request('create_domain', { domain: 'mail' });
  for (let i = 0; i < 20; i++) await setup.storeKey('mail', `msg:${1000 + i}`, 2048 + i);
  setup.close();
});
after(async () => tracker?.close());

interface Row {
  point: string;
  verdict: string;
  requests: number;
  responses: number;
  connections: number;
  timeouts: number;
  mismatches: number;
  faultsApplied: number;
  exit: { code: number | null };
  outputTail: string;
  transcript: string;
  firstMismatch: { took: { seq: number; key?: string }; answers: { seq: number; key?: string } | null } | null;
}

async function sweep(
  command: string,
  target: string,
  faults: string,
  extra: string[] = [],
): Promise<{ code: number | null; rows: Row[]; stderr: string; verdict: string; doc: SweepResult }> {
  const r = await cli(['check', '--exec', command, '--target', target, '--faults', faults, '--out-dir', dir, '--json', ...extra], {
    cwd: ROOT,
    timeoutMs: 240_000,
  });
  assert.equal(r.stderr, '', r.stderr);
  const doc = JSON.parse(r.stdout) as SweepResult & { rows: Row[] };
  return { code: r.code, rows: doc.rows, stderr: r.stderr, verdict: doc.verdict, doc };
}

const tsx = (file: string, ...args: string[]) => `"${process.execPath}" --import tsx ${file} ${args.join(' ')}`;

test('the 2008 client, run as a program of its own, mismatches at the latency point and is clean without faults', async () => {
  const r = await sweep(tsx('test/helpers/tracker-client-main.ts', 'buggy', '80', '100'), formatHostPort(tracker.address), 'none,latency', [
    '--client-timeout',
    '100ms',
  ]);
  assert.equal(r.code, 1, 'exit 1: a point mismatched');
  assert.equal(r.verdict, 'mismatch');
  const [none, latency] = r.rows;
  assert.equal(none.verdict, 'clean');
  assert.equal(none.requests, 80);
  assert.equal(none.responses, 80);
  assert.equal(none.mismatches, 0);
  assert.equal(latency.verdict, 'mismatch');
  assert.ok(latency.faultsApplied > 0 && latency.timeouts > 0 && latency.mismatches > 0, JSON.stringify(latency));
  assert.equal(latency.connections, 1, 'the buggy client keeps its one connection');
  const m = latency.firstMismatch!;
  assert.ok(m.answers && m.answers.seq < m.took.seq, 'the answer taken belongs to an earlier request');
  assert.notEqual(m.took.key, m.answers?.key);
  assert.match(latency.outputTail, /buggy: 80 requests/);
  // the editor's table of the same result: the verdict, a row per point linking its transcript, the first mismatch
  const md = sweepMarkdown(r.doc);
  assert.match(md, /\*\*Verdict: mismatch: a response reached the wrong request at latency\*\*/);
  assert.match(md, new RegExp(`\\| \\[latency\\]\\(sweep-[^)]*-2-latency\\.transcript\\.jsonl\\) \\| mismatch \\| 80 \\|`));
  assert.match(md, /- latency: first mismatch on connection 1: request #\d+/);
});

test('the fixed tracker client stays clean at the same points', async () => {
  const r = await sweep(tsx('test/helpers/tracker-client-main.ts', 'safe', '80', '100'), formatHostPort(tracker.address), 'none,latency', [
    '--client-timeout',
    '100ms',
  ]);
  assert.equal(r.code, 0);
  for (const row of r.rows) {
    assert.equal(row.verdict, 'clean', JSON.stringify(row));
    assert.equal(row.mismatches, 0);
  }
  assert.ok(r.rows[1].timeouts > 0 && r.rows[1].connections > 1, 'it timed out, and reconnected each time');
});

test('redis-cli in a loop: clean at every default point, with its numbers', async () => {
  await requireService('Redis', 6379, 'redis-server --daemonize yes');
  const loop =
    'for i in 1 2 3 4 5 6 7 8 9 10; do redis-cli -h {host} -p {port} SET ir:exec:$i v$i >/dev/null && redis-cli -h {host} -p {port} GET ir:exec:$i; done';
  const r = await sweep(loop, '127.0.0.1:6379', 'none,latency,reset,bandwidth', ['--client-timeout', '100ms']);
  assert.deepEqual(
    r.rows.map((x) => x.point),
    ['none', 'latency', 'reset', 'bandwidth'],
  );
  for (const row of r.rows) {
    assert.equal(row.verdict, 'clean', JSON.stringify(row));
    assert.equal(row.requests, 20, `${row.point}: 20 commands`);
    assert.equal(row.connections, 20);
  }
  assert.equal(r.rows[0].exit.code, 0);
  assert.match(r.rows[0].outputTail, /v10/);
  assert.equal(r.code, 0);
});

test('programs on mysql2 and pg stay clean without faults and under latency', async () => {
  const mysql = join(dir, 'mysql-app.js');
  writeFileSync(
    mysql,
    `const mysql = require(${JSON.stringify(join(ROOT, 'node_modules', 'mysql2', 'promise'))});
const [host, port] = process.env.INCIDENT_REPLAY_ADDR.split(':');
(async () => {
  const c = await mysql.createConnection({ host, port: Number(port), user: 'root', database: 'test' });
  for (let i = 0; i < 30; i++) { const [rows] = await c.query('SELECT ? AS k', ['key' + i]); if (rows[0].k !== 'key' + i) throw new Error('wrong row'); }
  await c.end(); console.log('mysql2 done');
})().catch((e) => { console.log('mysql2 failed: ' + e.message); process.exit(1); });`,
  );
  const pg = join(dir, 'pg-app.js');
  writeFileSync(
    pg,
    `const { Client } = require(${JSON.stringify(join(ROOT, 'node_modules', 'pg'))});
const [host, port] = process.env.INCIDENT_REPLAY_ADDR.split(':');
(async () => {
  const c = new Client({ host, port: Number(port), user: 'postgres', database: 'postgres' });
  await c.connect();
  for (let i = 0; i < 30; i++) { const r = await c.query('SELECT $1::text AS k', ['key' + i]); if (r.rows[0].k !== 'key' + i) throw new Error('wrong row'); }
  await c.end(); console.log('pg done');
})().catch((e) => { console.log('pg failed: ' + e.message); process.exit(1); });`,
  );
  for (const [file, target, name] of [
    [mysql, '127.0.0.1:3306', 'mysql2'],
    [pg, '127.0.0.1:5432', 'pg'],
  ] as const) {
    const r = await sweep(`"${process.execPath}" ${file}`, target, 'none,latency', ['--client-timeout', '100ms']);
    assert.equal(r.code, 0, `${name}: ${JSON.stringify(r.rows)}`);
    for (const row of r.rows) {
      assert.equal(row.verdict, 'clean', `${name} ${row.point}: ${JSON.stringify(row)}`);
      assert.ok(row.requests >= 30, `${name} ${row.point}: ${row.requests} requests`);
      assert.equal(row.exit.code, 0, row.outputTail);
      assert.match(row.outputTail, new RegExp(`${name} done`));
    }
  }
});

test("curl and a Node http.Agent with keep-alive, against an HTTP server of the test's own: clean, every answer its own request's", async () => {
  const server = createServer((req, res) => {
    // answers name what they answer; a share are slow enough for the Node client's timeout
    const body = `item ${req.url}`;
    setTimeout(() => res.end(body), req.url?.endsWith('7') ? 150 : 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const urls = Array.from({ length: 12 }, (_, i) => `http://{addr}/item/${i}`).join(' ');
    const curl = await sweep(`curl -s --max-time 5 ${urls}`, target, 'none,latency', ['--client-timeout', '100ms']);
    for (const row of curl.rows) {
      assert.equal(row.verdict, 'clean', `curl ${row.point}: ${JSON.stringify(row)}`);
      assert.equal(row.requests, 12);
      assert.equal(row.responses, 12);
      assert.equal(row.connections, 1, 'curl kept one connection for all its URLs');
      assert.match(row.outputTail, /item \/item\/11/);
    }
    const agent = join(dir, 'agent-app.js');
    writeFileSync(
      agent,
      `const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
const [host, port] = process.env.INCIDENT_REPLAY_ADDR.split(':');
const get = (i) => new Promise((resolve) => {
  const req = http.get({ host, port, path: '/item/' + i, agent, timeout: 100 }, (res) => {
    let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => resolve(body));
  });
  req.on('timeout', () => { req.destroy(); resolve('timeout'); });
  req.on('error', () => resolve('error'));
});
(async () => {
  let wrong = 0, timeouts = 0;
  for (let i = 0; i < 40; i++) { const b = await get(i); if (b === 'timeout' || b === 'error') timeouts++; else if (b !== 'item /item/' + i) wrong++; }
  console.log('agent done: ' + wrong + ' wrong, ' + timeouts + ' timeouts'); agent.destroy();
})();`,
    );
    const node = await sweep(`"${process.execPath}" ${agent}`, target, 'none,latency', ['--client-timeout', '100ms']);
    const [none, latency] = node.rows;
    for (const row of node.rows) {
      assert.equal(row.verdict, 'clean', `http.Agent ${row.point}: ${JSON.stringify(row)}`);
      assert.match(row.outputTail, /agent done: 0 wrong/);
      assert.equal(row.requests, 40);
    }
    assert.ok(none.timeouts > 0 && none.connections > 1, 'the slow answers timed out, and the agent opened a new socket for each');
    assert.ok(latency.faultsApplied > 0);
  } finally {
    server.close();
  }
});

test('a bad sweep is one line and exit 2: no target, an unknown point', async () => {
  const none = await cli(['check', '--exec', 'true'], { cwd: ROOT });
  assert.equal(none.code, 2);
  assert.match(none.stderr.trim(), /^incident-replay check: .*--target HOST:PORT/);
  const bad = await cli(['check', '--exec', 'true', '--target', '127.0.0.1:6379', '--faults', 'latency,flood'], { cwd: ROOT });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr.trim(), /"flood" is not one of none, latency/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});
