// The pure parts of the benchmark: what a spec accepts, how a target URL is read and shown, how thread
// histograms merge, and the comparison and chart models built from result documents.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchChartModel, compareResults, makeSpec, parseTargetUrl, runLabels, type BenchDocument, type BenchRun } from '../../extension/core/bench';
import { encodeHistogram, mergeHistograms, newHistogram, recordUs, summarise } from '../../extension/core/bench/histogram';
import { errorKind } from '../../extension/core/bench/tally';
import { UserError } from '../../extension/core/errors';

test("the seed's counts are the defaults: 100,000 selects and 10,000 inserts per client, with an index on val", () => {
  assert.deepEqual(makeSpec({ url: 'x', workload: 'select' }).amount, { kind: 'count', perClient: 100_000 });
  const ins = makeSpec({ url: 'x', workload: 'insert' });
  assert.deepEqual(ins.amount, { kind: 'count', perClient: 10_000 });
  assert.deepEqual(ins.warmup, { kind: 'count', perClient: 1000 });
  assert.equal(ins.index, true);
  assert.deepEqual(ins.concurrency, [1, 2, 4, 8, 16, 32, 40]);
  assert.deepEqual(makeSpec({ url: 'x', durationMs: 10_000 }).warmup, { kind: 'duration', ms: 1000 });
});

test('a spec refuses what cannot run, with a UserError', () => {
  const bad = [
    { url: 'x', workload: 'update' },
    { url: 'x', concurrency: [0] },
    { url: 'x', concurrency: [] },
    { url: 'x', count: 10, durationMs: 1000 },
    { url: 'x', table: 'data; drop table users' },
    { url: 'x', workers: -1 },
  ];
  for (const input of bad) assert.throws(() => makeSpec(input), UserError, JSON.stringify(input));
});

test('target URLs: kind by scheme, host:port for messages, the password masked wherever it is shown', () => {
  const m = parseTargetUrl('mysql://root:s3cret@127.0.0.1/test');
  assert.deepEqual([m.kind, m.where, m.user, m.database], ['mysql', '127.0.0.1:3306', 'root', 'test']);
  assert.equal(m.shown, 'mysql://root:***@127.0.0.1/test');
  assert.equal(parseTargetUrl('postgresql://u@db.example:6543/x').where, 'db.example:6543');
  assert.equal(parseTargetUrl('postgres://u@h/x').kind, 'postgres');
  assert.equal(parseTargetUrl('mongodb://h').where, 'h:27017');
  assert.throws(() => parseTargetUrl('redis://h/0'), /not a supported target/);
  assert.throws(() => parseTargetUrl('postgres://h'), /name the database/);
  assert.throws(() => parseTargetUrl('not a url'), /is not a URL/);
});

test('histograms recorded in different threads merge into the percentiles of all their values', () => {
  const a = newHistogram();
  const b = newHistogram();
  for (let i = 1; i <= 900; i++) recordUs(a, 100);
  for (let i = 1; i <= 100; i++) recordUs(b, 10_000);
  recordUs(b, 0.2); // below a microsecond still counts, as 1 µs
  const h = mergeHistograms([encodeHistogram(a), encodeHistogram(b)]);
  assert.equal(h.totalCount, 1001);
  const s = summarise(h);
  assert.equal(s.p50, 100);
  assert.ok(Math.abs(s.p99 - 10_000) <= 10, String(s.p99));
  assert.ok(Math.abs(s.max - 10_000) <= 10);
  assert.deepEqual(summarise(newHistogram()), { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
});

test('errors are counted under the driver code, SQLSTATE or Node code, else their name', () => {
  assert.equal(errorKind(Object.assign(new Error('x'), { code: 'ER_LOCK_DEADLOCK' })), 'ER_LOCK_DEADLOCK');
  assert.equal(errorKind(Object.assign(new Error('x'), { code: '57P01' })), '57P01');
  assert.equal(errorKind(Object.assign(new Error('x'), { code: 11000, codeName: 'DuplicateKey' })), 'DuplicateKey');
  assert.equal(errorKind(new Error('Connection terminated unexpectedly')), 'connection-lost');
  assert.equal(errorKind(new TypeError('boom')), 'TypeError');
});

function run(concurrency: number, throughput: number, p99: number, errors: Record<string, number> = {}): BenchRun {
  return {
    concurrency,
    workers: 0,
    ops: throughput,
    seconds: 1,
    throughput,
    latency: { p50: 1, p90: 1, p99, p999: p99, max: p99, mean: 1 },
    errors,
    errorSamples: {},
    warmup: { ops: 0, errors: {}, trials: [] },
    verify: { kind: 'selects', checked: throughput, missing: 0 },
    clientCpuCores: 1,
    clientThreadBusy: null,
    clientsLost: 0,
    histogram: '',
  };
}

function doc(server: string, runs: BenchRun[], index = true): BenchDocument {
  return {
    format: 'incident-replay/bench',
    version: 1,
    target: `x://${server}`,
    kind: 'postgres',
    server,
    workload: 'select',
    table: 'data',
    index,
    rows: 10,
    amount: { kind: 'count', perClient: 1 },
    warmup: { kind: 'count', perClient: 1 },
    startedAt: '',
    finishedAt: '',
    machine: { platform: '', arch: '', cpus: 1, node: '' },
    cancelled: false,
    runs,
  };
}

test('a run through the driver query path is told apart from the default path in comparisons and on the chart', () => {
  const lean = doc('PostgreSQL 15', [run(8, 46000, 400)]);
  const plain = { ...doc('PostgreSQL 15', [run(8, 34000, 600)]), driverQuery: true };
  const c = compareResults([
    { file: 'lean', doc: lean },
    { file: 'plain', doc: plain },
  ]);
  assert.deepEqual(
    c.columns.map((x) => x.label),
    ['PostgreSQL 15 select', 'PostgreSQL 15 select (driver query)'],
  );
  assert.equal(c.rows[0].cells[1]?.ratio, 0.739);
});

test('compare lines results up by concurrency, with each throughput against the first file', () => {
  const c = compareResults([
    { file: 'a', doc: doc('A', [run(1, 1000, 500), run(8, 4000, 2000)]) },
    { file: 'b', doc: doc('B', [run(8, 3000, 2500, { 'missing-row': 2 }), run(16, 3500, 4000)], false) },
  ]);
  assert.deepEqual(
    c.columns.map((x) => x.label),
    ['A select', 'B select (no index)'],
  );
  assert.deepEqual(
    c.rows.map((r) => r.concurrency),
    [1, 8, 16],
  );
  assert.equal(c.rows[0].cells[1], null);
  assert.deepEqual(c.rows[1].cells[1], { throughput: 3000, p99Us: 2500, errors: 2, ratio: 0.75 });
  assert.equal(c.rows[2].cells[1]?.ratio, null, 'no baseline at 16 clients');
});

test('the chart model has one series per result, sorted by concurrency, errors carried along', () => {
  const m = benchChartModel([doc('A', [run(8, 4000, 2000), run(1, 1000, 500)]), doc('B', [run(2, 10, 9, { ECONNRESET: 1 })])]);
  assert.deepEqual(m.levels, [1, 2, 8]);
  assert.deepEqual(m.series[0].concurrency, [1, 8]);
  assert.deepEqual(m.series[0].throughput, [1000, 4000]);
  assert.deepEqual(m.series[0].p99Us, [500, 2000]);
  assert.deepEqual(m.series[1].errors, [1]);
});

test('two runs of the same settings are told apart in legends and comparisons: by driver, then by time; a cancelled one says how far it got', () => {
  const at = (d: BenchDocument, startedAt: string, driver?: string): BenchDocument => ({ ...d, startedAt, ...(driver ? { driver } : {}) });
  const a = at(doc('PostgreSQL 15', [run(8, 46000, 400)]), '2026-11-29T10:00:05Z', 'pg 8.16.0');
  const b = at(doc('PostgreSQL 15', [run(8, 44000, 420)]), '2026-11-29T14:30:00Z', 'pg 8.16.0');
  const c = at(doc('PostgreSQL 15', [run(8, 30000, 900)]), '2026-11-29T14:30:00Z', 'pg 8.11.0');
  assert.deepEqual(
    benchChartModel([a, b]).series.map((s) => s.label),
    ['PostgreSQL 15 select · 2026-11-29 10:00', 'PostgreSQL 15 select · 2026-11-29 14:30'],
  );
  assert.deepEqual(
    compareResults([
      { file: 'a', doc: a },
      { file: 'b', doc: b },
      { file: 'c', doc: c },
    ]).columns.map((x) => x.label),
    ['PostgreSQL 15 select · pg 8.16.0 · 2026-11-29 10:00', 'PostgreSQL 15 select · pg 8.16.0 · 2026-11-29 14:30', 'PostgreSQL 15 select · pg 8.11.0'],
  );
  // the same minute: to the second; the very same second: numbered
  const d = at(doc('PostgreSQL 15', [run(8, 1, 1)]), '2026-11-29T10:00:45Z', 'pg 8.16.0');
  assert.deepEqual(runLabels([a, d]), ['PostgreSQL 15 select · 2026-11-29 10:00:05', 'PostgreSQL 15 select · 2026-11-29 10:00:45']);
  assert.deepEqual(runLabels([a, a]), ['PostgreSQL 15 select', 'PostgreSQL 15 select #2']);
  // different settings keep their short labels
  assert.deepEqual(runLabels([a, doc('MariaDB 11', [])]), ['PostgreSQL 15 select', 'MariaDB 11 select']);
  const cancelled = { ...a, cancelled: true, levelsPlanned: [1, 2, 4, 8] };
  assert.equal(runLabels([cancelled])[0], 'PostgreSQL 15 select (cancelled after 1 of 4 levels)');
  assert.equal(runLabels([{ ...a, cancelled: true }])[0], 'PostgreSQL 15 select (cancelled after 1 levels)');
});
