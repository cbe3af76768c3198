// The collectors against the local MariaDB and PostgreSQL: a table of our own grows past a RAM threshold we give
// (--ram) while the collector samples it, and the collected file shows the crossover; without --ram the file holds
// the server's real buffer setting. A refused port or a wrong password is one line naming host:port.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { analyzeMetricsFile, readMetrics, type Note, type Sample } from '../../extension/core/metrics';
import { collect } from '../../extension/core/metrics/collect';
import { UserError } from '../../extension/core/errors';
import { MARIADB_URL, POSTGRES_URL, refusingPort, requireServer, testTable } from '../helpers/bench-db';

const MIB = 2 ** 20;
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ir-metrics-collect-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function readBack(file: string) {
  const samples: Sample[] = [];
  const notes: Note[] = [];
  await readMetrics(file, { sample: (s) => samples.push(s), note: (n) => notes.push(n) });
  return { samples, notes };
}

/** Collects while `grow` runs, round after round, until it is done (the duration bounds it). */
async function collectWhile(url: string, out: string, table: string, grow: (round: number) => Promise<void>) {
  let pending = Promise.resolve();
  const r = await collect(url, out, {
    intervalMs: 300,
    durationMs: 4000,
    ram: { kind: 'bytes', bytes: 4 * MIB },
    tables: table,
    onRound: (n) => {
      if (n <= 4) pending = pending.then(() => grow(n));
    },
  });
  await pending;
  return r;
}

describe('MariaDB collector', () => {
  const table = testTable('metrics');
  before(() => requireServer('MariaDB', MARIADB_URL));
  after(async () => {
    const c = await createConnection({ uri: MARIADB_URL }).catch(() => null);
    await c?.query(`drop table if exists ${table}`);
    await c?.end();
  });

  test('a table growing past the RAM given shows a crossover in the collected file', async () => {
    const c = await createConnection({ uri: MARIADB_URL });
    await c.query(`create table ${table} (id int primary key, pad varchar(2000) not null, k int not null, key (k)) engine=InnoDB`);
    const out = join(dir, 'mariadb.metrics.csv');
    // four rounds of ~2 MiB each: past the 4 MiB given after the second or third round
    const grow = async (round: number) => {
      const rows = Array.from({ length: 1000 }, (_, i) => [round * 1000 + i, 'x'.repeat(1900), i]);
      await c.query(`insert into ${table} (id, pad, k) values ?`, [rows]);
      await c.query(`analyze table ${table}`); // InnoDB refreshes information_schema sizes with its statistics
    };
    const r = await collectWhile(MARIADB_URL, out, table, grow);
    await c.end();
    assert.ok(r.rounds >= 6, `${r.rounds} rounds`);
    const { samples, notes } = await readBack(out);
    assert.equal(samples[0].dataBytes + (samples[0].indexBytes ?? 0) < 4 * MIB, true, 'the table starts small');
    assert.match(notes[0].text, /RAM = .* \(--ram\); innodb_buffer_pool_size/);
    const a = await analyzeMetricsFile(out);
    const x = a.shards[0].crossover;
    assert.ok(x, `no crossover; last working set ${a.shards[0].lastWorkingSetBytes}`);
    assert.ok(x.tSec > samples[0].tSec);
    assert.ok(samples[samples.length - 1].docs! >= 3000);
  });

  test("without --ram the file holds the server's innodb_buffer_pool_size", async () => {
    const c = await createConnection({ uri: MARIADB_URL });
    const [[row]] = (await c.query('select @@innodb_buffer_pool_size as b')) as unknown as [[{ b: number }]];
    await c.end();
    const out = join(dir, 'mariadb-real.metrics.csv');
    await collect(MARIADB_URL, out, { intervalMs: 200, durationMs: 200, ram: { kind: 'buffer' }, tables: table });
    const { samples } = await readBack(out);
    assert.equal(samples.length, 2);
    assert.equal(samples[0].ramBytes, Number(row.b));
  });

  test('a refused port and a wrong password are one line naming host:port', async () => {
    const port = await refusingPort();
    await assert.rejects(
      collect(`mysql://root@127.0.0.1:${port}/test`, join(dir, 'x1.csv'), { intervalMs: 100, durationMs: 0, ram: { kind: 'buffer' } }),
      (e: unknown) => {
        assert.ok(e instanceof UserError);
        assert.equal(e.message, `127.0.0.1:${port}: connection refused (is the server running?)`);
        return true;
      },
    );
    const wrong = MARIADB_URL.replace('//root@', '//root:wrong-password@');
    await assert.rejects(
      collect(wrong, join(dir, 'x2.csv'), { intervalMs: 100, durationMs: 0, ram: { kind: 'buffer' } }),
      /^UserError: 127\.0\.0\.1:3306: authentication failed for user "root"/,
    );
  });
});

describe('PostgreSQL collector', () => {
  const table = testTable('metrics');
  before(() => requireServer('PostgreSQL', POSTGRES_URL));
  after(async () => {
    const c = new Client({ connectionString: POSTGRES_URL });
    if (
      await c.connect().then(
        () => true,
        () => false,
      )
    ) {
      await c.query(`drop table if exists ${table}`);
      await c.end();
    }
  });

  test('a table growing past the RAM given shows a crossover in the collected file', async () => {
    const c = new Client({ connectionString: POSTGRES_URL });
    await c.connect();
    await c.query(`create table ${table} (id int primary key, pad text not null)`);
    const out = join(dir, 'postgres.metrics.csv');
    // pad is incompressible enough (md5 text) to stay in the heap: ~1.5 MiB a round
    const grow = (round: number) =>
      c
        .query(`insert into ${table} select g, repeat(md5(g::text), 40) from generate_series($1::int, $2::int) g`, [round * 1000, round * 1000 + 999])
        .then(() => undefined);
    const r = await collectWhile(POSTGRES_URL, out, table, grow);
    await c.end();
    assert.ok(r.rounds >= 6);
    const { samples, notes } = await readBack(out);
    assert.ok(samples[0].dataBytes < 4 * MIB);
    assert.match(notes[0].text, /shared_buffers/);
    const x = (await analyzeMetricsFile(out)).shards[0].crossover;
    assert.ok(x, `no crossover; sizes ${samples.map((s) => s.dataBytes + (s.indexBytes ?? 0)).join(', ')}`);
    assert.ok(x.tSec > samples[0].tSec);
  });

  test("without --ram the file holds the server's shared_buffers", async () => {
    const c = new Client({ connectionString: POSTGRES_URL });
    await c.connect();
    const sb = Number((await c.query(`select pg_size_bytes(current_setting('shared_buffers')) as b`)).rows[0].b);
    await c.end();
    const out = join(dir, 'postgres-real.metrics.csv');
    await collect(POSTGRES_URL, out, { intervalMs: 200, durationMs: 200, ram: { kind: 'buffer' }, tables: table });
    assert.equal((await readBack(out)).samples[0].ramBytes, sb);
  });

  test('a refused port and an unknown user are one line naming host:port', async () => {
    const port = await refusingPort();
    await assert.rejects(
      collect(`postgres://postgres@127.0.0.1:${port}/test`, join(dir, 'y1.csv'), { intervalMs: 100, durationMs: 0, ram: { kind: 'buffer' } }),
      /^UserError: 127\.0\.0\.1:\d+: connection refused/,
    );
    const wrong = POSTGRES_URL.replace(/\/\/[^@]*@/, '//no_such_user_ir:wrong@');
    await assert.rejects(
      collect(wrong, join(dir, 'y2.csv'), { intervalMs: 100, durationMs: 0, ram: { kind: 'buffer' } }),
      /^UserError: 127\.0\.0\.1:5432: authentication failed for user "no_such_user_ir"/,
    );
  });
});

describe('MongoDB collector', () => {
  test('samples a MongoDB server given in MONGODB_URL', async (t) => {
    const url = process.env.MONGODB_URL;
    if (!url) {
      t.skip('MONGODB_URL is not set: no MongoDB server can run here (docs/protocols/mongodb.md); set it to test the collector against one');
      return;
    }
    const out = join(dir, 'mongodb.metrics.csv');
    const r = await collect(url, out, { intervalMs: 300, durationMs: 600, ram: { kind: 'buffer' } });
    assert.ok(r.rounds >= 2);
    const { samples } = await readBack(out);
    assert.ok(samples.length >= 2);
    for (const s of samples) assert.ok(s.ramBytes > 0 && s.dataBytes >= 0);
  });
});
