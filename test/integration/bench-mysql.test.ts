// The benchmark against the local MariaDB, for real: selects that each find their row, inserts whose row count
// is checked afterwards, clients on worker threads, and a failed login that is one clear line.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createConnection, type Connection } from 'mysql2/promise';
import { makeSpec, runBench } from '../../extension/core/bench';
import { UserError } from '../../extension/core/errors';
import { MARIADB_URL, requireServer, runCli, testTable } from '../helpers/bench-db';

describe('bench against MariaDB', () => {
  let admin: Connection;
  before(async () => {
    await requireServer('MariaDB', MARIADB_URL);
    admin = await createConnection(MARIADB_URL);
  });
  after(async () => {
    await admin?.end();
  });

  async function tableExists(table: string): Promise<boolean> {
    const [rows] = await admin.query(`select count(*) as n from information_schema.tables where table_schema = database() and table_name = ?`, [table]);
    return Number((rows as { n: number }[])[0].n) > 0;
  }

  test('every select finds its seeded row, at each level, and the table is dropped afterwards', async () => {
    const table = testTable('mysel');
    const doc = await runBench(makeSpec({ url: MARIADB_URL, workload: 'select', concurrency: [1, 4], count: 150, rows: 500, table, workers: 0 }));
    assert.match(doc.server, /^MariaDB 10\./);
    assert.deepEqual(
      doc.runs.map((r) => r.concurrency),
      [1, 4],
    );
    for (const r of doc.runs) {
      assert.equal(r.ops, 150 * r.concurrency);
      assert.deepEqual(r.errors, {});
      assert.deepEqual(r.verify, { kind: 'selects', checked: 150 * r.concurrency, missing: 0 });
      assert.ok(r.latency.p50 > 0 && r.latency.p50 <= r.latency.p90 && r.latency.p90 <= r.latency.p99);
      assert.ok(r.latency.p99 <= r.latency.p999 && r.latency.p999 <= r.latency.max);
      assert.ok(r.throughput > 0 && r.seconds > 0);
    }
    assert.equal(await tableExists(table), false);
  });

  test('inserts: the table holds exactly the rows that succeeded (warm-up included), checked by our own count', async () => {
    const table = testTable('myins');
    try {
      const doc = await runBench(makeSpec({ url: MARIADB_URL, workload: 'insert', concurrency: [3], count: 120, table, workers: 0 }), { keepTable: true });
      const r = doc.runs[0];
      const [rows] = await admin.query(`select count(*) as n, count(distinct val) as d from ${table}`);
      const { n, d } = (rows as { n: number; d: number }[])[0];
      assert.equal(r.ops, 360);
      assert.equal(Number(n), r.ops + r.warmup.ops);
      assert.equal(Number(d), Number(n), 'every insert wrote its own val');
      assert.deepEqual(r.verify, { kind: 'rows', expected: Number(n), found: Number(n) });
    } finally {
      await admin.query(`drop table if exists ${table}`);
    }
  });

  test('--no-index runs without an index on val, as the seed did, and still finds every row', async () => {
    const table = testTable('mynoix');
    try {
      const doc = await runBench(makeSpec({ url: MARIADB_URL, workload: 'select', concurrency: [2], count: 50, rows: 300, table, index: false, workers: 0 }), {
        keepTable: true,
      });
      assert.equal(doc.index, false);
      assert.deepEqual(doc.runs[0].errors, {});
      const [ix] = await admin.query(
        `select count(*) as n from information_schema.statistics where table_schema = database() and table_name = ? and column_name = 'val'`,
        [table],
      );
      assert.equal(Number((ix as { n: number }[])[0].n), 0);
    } finally {
      await admin.query(`drop table if exists ${table}`);
    }
  });

  test('clients spread over two worker threads open their own connections and all selects find their rows', async () => {
    const table = testTable('mywrk');
    const doc = await runBench(makeSpec({ url: MARIADB_URL, workload: 'select', concurrency: [4], count: 100, rows: 200, table, workers: 2 }));
    const r = doc.runs[0];
    assert.equal(r.workers, 2);
    assert.equal(r.ops, 400);
    assert.deepEqual(r.errors, {});
  });

  test("a table of the same name that holds rows is a user's: the run refuses and leaves it alone", async () => {
    const table = testTable('myuser');
    await admin.query(`create table ${table} (id int primary key, note varchar(20))`);
    try {
      await admin.query(`insert into ${table} values (1, 'keep me')`);
      await assert.rejects(
        runBench(makeSpec({ url: MARIADB_URL, concurrency: [1], count: 1, table })),
        (e: Error) =>
          e instanceof UserError &&
          e.message ===
            `127.0.0.1:3306: table "${table}" already exists with 1 rows; the bench drops and recreates its table, so name another (--table) or allow it (--replace-table)`,
      );
      const [rows] = await admin.query(`select note from ${table}`);
      assert.deepEqual(rows, [{ note: 'keep me' }]);
      const doc = await runBench(makeSpec({ url: MARIADB_URL, concurrency: [1], count: 3, rows: 5, table, replace: true }));
      assert.equal(doc.runs[0].ops, 3);
    } finally {
      await admin.query(`drop table if exists ${table}`);
    }
  });

  test('a wrong password is one line naming host:port, exit 2; the right one works', async () => {
    const user = testTable('u');
    await admin.query(`create user '${user}'@'%' identified by 'right-pw'`);
    await admin.query(`grant all on test.* to '${user}'@'%'`);
    try {
      const url = new URL(MARIADB_URL);
      url.username = user;
      url.password = 'wrong-pw';
      await assert.rejects(
        runBench(makeSpec({ url: url.toString(), concurrency: [1], count: 1 })),
        (err: Error) => err instanceof UserError && /127\.0\.0\.1:3306: authentication failed for user/.test(err.message),
      );
      const cli = await runCli(['bench', url.toString(), '--concurrency', '1', '--count', '1', '--no-save']);
      assert.equal(cli.code, 2);
      assert.equal(cli.stdout, '');
      assert.equal(cli.stderr.trim().split('\n').length, 1, cli.stderr);
      assert.match(cli.stderr, /^incident-replay bench: 127\.0\.0\.1:3306: authentication failed for user "ir_u_/);
      assert.doesNotMatch(cli.stderr, /wrong-pw/, 'the password is never echoed');
      url.password = 'right-pw';
      const doc = await runBench(makeSpec({ url: url.toString(), concurrency: [1], count: 5, rows: 10, table: testTable('mypw') }));
      assert.equal(doc.runs[0].ops, 5);
      assert.match(doc.target, /:\*\*\*@/, 'the result file shows the password masked');
    } finally {
      await admin.query(`drop user if exists '${user}'@'%'`);
    }
  });
});
