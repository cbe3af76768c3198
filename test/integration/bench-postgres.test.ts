// The benchmark against the local PostgreSQL, for real: every select finds its row, inserts are all in the
// table afterwards, a select that misses its row is counted as an error (never hidden), and a run can be
// cancelled and reports its progress.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from 'pg';
import { makeSpec, runBench, type BenchProgress } from '../../extension/core/bench';
import { ClientGroup } from '../../extension/core/bench/clients';
import { PgStatement } from '../../extension/core/bench/pg-statement';
import { postgresDriver } from '../../extension/core/bench/postgres';
import { parseTargetUrl } from '../../extension/core/bench/target';
import { POSTGRES_URL, requireServer, testTable } from '../helpers/bench-db';

/** Counts the parse and describe messages pg's connections write while f runs (pg's Connection.prototype). */
async function countWrites(f: () => Promise<void>): Promise<{ parse: number; describe: number }> {
  const proto = Connection.prototype as unknown as Record<'parse' | 'describe', (...args: unknown[]) => unknown>;
  const counts = { parse: 0, describe: 0 };
  const orig = { parse: proto.parse, describe: proto.describe };
  for (const m of ['parse', 'describe'] as const) {
    proto[m] = function (this: unknown, ...args: unknown[]) {
      counts[m]++;
      return orig[m].apply(this, args);
    };
  }
  try {
    await f();
  } finally {
    Object.assign(proto, orig);
  }
  return counts;
}

describe('bench against PostgreSQL', () => {
  let admin: Client;
  before(async () => {
    await requireServer('PostgreSQL', POSTGRES_URL);
    admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
  });
  after(async () => {
    await admin?.end();
  });

  test('every select finds its row at each level, through in-thread clients and worker threads alike', async () => {
    for (const workers of [0, 2]) {
      const doc = await runBench(
        makeSpec({ url: POSTGRES_URL, workload: 'select', concurrency: [1, 4], count: 120, rows: 400, table: testTable('pgsel'), workers }),
      );
      assert.match(doc.server, /^PostgreSQL \d+/);
      for (const r of doc.runs) {
        assert.equal(r.workers, workers === 0 ? 0 : Math.min(2, r.concurrency));
        assert.equal(r.ops, 120 * r.concurrency);
        assert.deepEqual(r.errors, {});
        assert.equal(r.verify.kind === 'selects' && r.verify.missing, 0);
        assert.ok(r.latency.p50 > 0 && r.latency.p99 >= r.latency.p50 && r.latency.max >= r.latency.p999);
      }
    }
  });

  test('the default path parses and describes a statement once per connection; --driver-query describes every run; both read the same rows', async () => {
    const table = testTable('pglean');
    const t = parseTargetUrl(POSTGRES_URL);
    const a = await postgresDriver.admin(t);
    try {
      await a.prepare(table, { index: true, rows: 50 });
      for (const driverQuery of [false, true]) {
        const set = await postgresDriver.sessions(t, table, 1, { driverQuery });
        const counts = await countWrites(async () => {
          const s = set.sessions[0];
          for (let v = 1; v <= 50; v++) assert.deepEqual(await s.select(v), [v]);
          assert.deepEqual(await s.select(51), [], 'a val with no row gives no row');
          await s.insert(7, 'again');
          assert.deepEqual(await s.select(7), [7, 7]);
        });
        await set.close();
        assert.equal(counts.parse, 2, 'one parse per statement (select, insert) per connection');
        assert.equal(counts.describe, driverQuery ? 53 : 2, driverQuery ? "pg's Query describes every run" : 'described once');
        await a.prepare(table, { index: true, rows: 50 });
      }
    } finally {
      await a.drop(table);
      await a.close();
    }
  });

  test('a statement that fails rejects with its SQLSTATE and leaves the connection usable, before and after it was parsed', async () => {
    const table = testTable('pgerr');
    const c = new Client({ connectionString: POSTGRES_URL });
    await c.connect();
    try {
      await c.query(`drop table if exists ${table}`);
      const sel = new PgStatement(c, `s_${table}`, `select val from ${table} where val = $1`);
      await assert.rejects(sel.run(['1']), (e: { code?: string }) => e.code === '42P01', 'no such table yet: rejected at parse');
      await c.query(`create table ${table} (val integer)`);
      await c.query(`insert into ${table} values (1)`);
      assert.deepEqual((await sel.run(['1'])).rows, [['1']], 'parsed again once the table exists');
      await assert.rejects(sel.run(['not a number']), (e: { code?: string }) => e.code === '22P02', 'a bad parameter: rejected at bind');
      const r = await sel.run(['1']);
      assert.deepEqual(r, { columns: ['val'], rows: [['1']] }, 'the statement and the connection still work');
      assert.equal((await c.query('select 1 as one')).rows[0].one, 1);
    } finally {
      await c.query(`drop table if exists ${table}`);
      await c.end();
    }
  });

  test('workers auto warms up on this thread and on worker threads, and keeps what its own trials say was faster', async () => {
    const doc = await runBench(
      makeSpec({ url: POSTGRES_URL, workload: 'select', concurrency: [1, 4], count: 300, rows: 400, table: testTable('pgauto'), workers: 'auto' }),
    );
    const [one, four] = doc.runs;
    assert.deepEqual(
      one.warmup.trials.map((t) => t.workers),
      [0],
      'one client: nothing to spread',
    );
    assert.equal(one.workers, 0);
    const trials = four.warmup.trials;
    const perCore = Math.min(availableParallelism(), 4);
    assert.ok(perCore > 1, 'this test needs a machine with two cores or more');
    assert.deepEqual(
      trials.slice(0, 2).map((t) => t.workers),
      [0, perCore],
      'this thread first, then a worker per core',
    );
    const threadsWon = trials[1].throughput >= trials[0].throughput * 1.05;
    assert.equal(four.workers, threadsWon ? perCore : 0);
    assert.equal(trials.length, threadsWon ? 2 : 3, 'going back to this thread warms it up again');
    assert.equal(four.ops, 1200);
    assert.deepEqual(four.errors, {});
  });

  test('inserts: our own count of the table equals the inserts that succeeded', async () => {
    const table = testTable('pgins');
    try {
      const doc = await runBench(makeSpec({ url: POSTGRES_URL, workload: 'insert', concurrency: [1, 4], count: 100, table, workers: 0 }), { keepTable: true });
      const last = doc.runs[1];
      const r = await admin.query<{ n: string; d: string }>(`select count(*) as n, count(distinct val) as d from ${table}`);
      assert.equal(Number(r.rows[0].n), last.ops + last.warmup.ops, 'the table is emptied before each level');
      assert.equal(Number(r.rows[0].d), Number(r.rows[0].n));
      for (const run of doc.runs) {
        assert.equal(run.ops, 100 * run.concurrency);
        assert.equal(run.verify.kind === 'rows' && run.verify.found, run.ops + run.warmup.ops);
      }
    } finally {
      await admin.query(`drop table if exists ${table}`);
    }
  });

  test('a select that finds no row is counted as missing-row, not as a success', async () => {
    const table = testTable('pgmiss');
    const t = parseTargetUrl(POSTGRES_URL);
    const a = await postgresDriver.admin(t);
    try {
      await a.prepare(table, { index: true, rows: 100 });
      // the clients believe 1000 rows exist; only val 1..100 do
      for (const driverQuery of [false, true]) {
        const group = await ClientGroup.open({ url: POSTGRES_URL, table, workload: 'select', rows: 1000, clientIds: [0, 1], driverQuery });
        const tally = await group.run({ kind: 'count', perClient: 200 }, true);
        await group.close();
        const missing = tally.errors['missing-row'] ?? 0;
        assert.ok(missing > 0, 'some selects asked for rows that do not exist');
        assert.equal(tally.ops + missing, 400);
        assert.match(tally.samples['missing-row'], /^select val = \d+ returned no row$/);
      }
    } finally {
      await a.drop(table);
      await a.close();
    }
  });

  test('progress goes prepare, warmup, measure, verify per level; an abort stops the run with the completed levels kept', async () => {
    const seen: BenchProgress[] = [];
    const abort = new AbortController();
    const table = testTable('pgcancel');
    const doc = await runBench(
      makeSpec({
        url: POSTGRES_URL,
        workload: 'select',
        concurrency: [1, 2, 4],
        durationMs: 60_000,
        warmup: { kind: 'count', perClient: 5 },
        rows: 50,
        table,
        workers: 0,
      }),
      {
        signal: abort.signal,
        onProgress: (p) => {
          seen.push(p);
          if (p.phase === 'measure' && p.done > 20) abort.abort();
        },
      },
    );
    assert.equal(doc.cancelled, true);
    assert.deepEqual(doc.runs, [], 'the level that was cut short is not reported as if complete');
    const phases = [...new Set(seen.map((p) => p.phase))];
    assert.deepEqual(phases.slice(0, 3), ['prepare', 'warmup', 'measure']);
    assert.ok(seen.every((p) => p.levels === 3 && p.target === POSTGRES_URL));
    const r = await admin.query(`select to_regclass($1) as t`, [table]);
    assert.equal(r.rows[0].t, null, 'a cancelled run still drops its table');
  });
});
