// The benchmark against the local PostgreSQL, for real: every select finds its row, inserts are all in the
// table afterwards, a select that misses its row is counted as an error (never hidden), and a run can be
// cancelled and reports its progress.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { makeSpec, runBench, type BenchProgress } from '../../extension/core/bench';
import { ClientGroup } from '../../extension/core/bench/clients';
import { postgresDriver } from '../../extension/core/bench/postgres';
import { parseTargetUrl } from '../../extension/core/bench/target';
import { POSTGRES_URL, requireServer, testTable } from '../helpers/bench-db';

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
      const doc = await runBench(makeSpec({ url: POSTGRES_URL, workload: 'select', concurrency: [1, 4], count: 120, rows: 400, table: testTable('pgsel'), workers }));
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
      const group = await ClientGroup.open({ url: POSTGRES_URL, table, workload: 'select', rows: 1000, clientIds: [0, 1] });
      const tally = await group.run({ kind: 'count', perClient: 200 }, true);
      await group.close();
      const missing = tally.errors['missing-row'] ?? 0;
      assert.ok(missing > 0, 'some selects asked for rows that do not exist');
      assert.equal(tally.ops + missing, 400);
      assert.match(tally.samples['missing-row'], /^select val = \d+ returned no row$/);
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
      makeSpec({ url: POSTGRES_URL, workload: 'select', concurrency: [1, 2, 4], durationMs: 60_000, warmup: { kind: 'count', perClient: 5 }, rows: 50, table, workers: 0 }),
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
