// `incident-replay bench` as a user runs it: --json prints the result document, every run writes a new
// *.bench.json beside the earlier ones (never over one), compare reads them back, and a refused connection is
// one line with exit 2.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeSpec, runBench } from '../../extension/core/bench';
import { UserError } from '../../extension/core/errors';
import { MARIADB_URL, POSTGRES_URL, refusingPort, requireServer, runCli, testTable } from '../helpers/bench-db';

describe('incident-replay bench', () => {
  let dir: string;
  before(async () => {
    await requireServer('MariaDB', MARIADB_URL);
    await requireServer('PostgreSQL', POSTGRES_URL);
    dir = await mkdtemp(join(tmpdir(), 'ir-bench-cli-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('--json prints {target, workload, runs: [{concurrency, ops, seconds, throughput, latency, errors}]} per URL', async () => {
    const out = join(dir, 'json');
    const r = await runCli([
      'bench',
      MARIADB_URL,
      POSTGRES_URL,
      '--concurrency',
      '1,2',
      '--count',
      '40',
      '--rows',
      '100',
      '--table',
      testTable('cli'),
      '--out',
      `${out}.bench.json`,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const docs = JSON.parse(r.stdout) as { target: string; workload: string; server: string; runs: Record<string, unknown>[] }[];
    assert.equal(docs.length, 2);
    assert.deepEqual(
      docs.map((d) => d.target),
      [MARIADB_URL, POSTGRES_URL],
    );
    for (const d of docs) {
      assert.equal(d.workload, 'select');
      assert.deepEqual(
        d.runs.map((x) => x.concurrency),
        [1, 2],
      );
      for (const run of d.runs) {
        assert.equal(run.ops, 40 * (run.concurrency as number));
        for (const k of ['seconds', 'throughput']) assert.equal(typeof run[k], 'number');
        assert.deepEqual(Object.keys(run.latency as object).slice(0, 5), ['p50', 'p90', 'p99', 'p999', 'max']);
        assert.deepEqual(run.errors, {});
      }
    }
    // both documents were saved, the second beside the first rather than over it
    const files = (await readdir(dir)).filter((f) => f.startsWith('json')).sort();
    assert.deepEqual(files, ['json-2.bench.json', 'json.bench.json']);
    assert.match(r.stderr, /result: .*json\.bench\.json/);
  });

  test('a second run to the same --out gets a new file; compare puts both side by side', async () => {
    const out = join(dir, 'same.bench.json');
    const args = ['bench', POSTGRES_URL, '--workload', 'insert', '--concurrency', '1,3', '--count', '30', '--table', testTable('clicmp'), '--out', out];
    const first = await runCli(args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /insert on table .*index on val/);
    assert.match(first.stdout, /verified: \d+\/\d+ rows/);
    const before = await readFile(out, 'utf8');
    const second = await runCli(args);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(await readFile(out, 'utf8'), before, 'the first result is untouched');
    const secondFile = join(dir, 'same-2.bench.json');
    assert.match(second.stdout, /result: .*same-2\.bench\.json/);

    const cmp = await runCli(['bench', 'compare', out, secondFile, '--json']);
    assert.equal(cmp.code, 0, cmp.stderr);
    const c = JSON.parse(cmp.stdout) as { columns: unknown[]; rows: { concurrency: number; cells: { throughput: number; ratio: number }[] }[] };
    assert.equal(c.columns.length, 2);
    assert.deepEqual(
      c.rows.map((x) => x.concurrency),
      [1, 3],
    );
    const a = JSON.parse(before) as { runs: { throughput: number }[] };
    assert.equal(c.rows[0].cells[0].throughput, a.runs[0].throughput);
    assert.equal(c.rows[0].cells[0].ratio, 1);
  });

  test('--config runs each listed workload, as the bundled 2010 replay does, with --count scaling it down', async () => {
    const config = join(dir, 'seed.json');
    await writeFile(
      config,
      JSON.stringify({
        runs: [
          { workload: 'insert', concurrency: [2], count: 10000, index: false },
          { workload: 'select', concurrency: [1, 2], count: 100000, index: false, rows: 50 },
        ],
      }),
    );
    const r = await runCli(['bench', '--config', config, POSTGRES_URL, '--count', '20', '--table', testTable('clicfg'), '--no-save', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const docs = JSON.parse(r.stdout) as { workload: string; index: boolean; amount: unknown; runs: { concurrency: number; ops: number }[] }[];
    assert.deepEqual(
      docs.map((d) => [d.workload, d.index]),
      [
        ['insert', false],
        ['select', false],
      ],
    );
    assert.deepEqual(docs[0].amount, { kind: 'count', perClient: 20 });
    assert.deepEqual(
      docs[1].runs.map((x) => x.ops),
      [20, 40],
    );
  });

  test('compare of a file that is not a result names the file and what is wrong, exit 2', async () => {
    const bad = join(dir, 'bad.bench.json');
    await writeFile(bad, JSON.stringify({ format: 'incident-replay/bench', version: 1, target: 'x', workload: 'select', runs: [{ concurrency: 1 }] }));
    const r = await runCli(['bench', 'compare', bad, bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.bench\.json: not a bench result: runs\[0\]: missing concurrency, ops, seconds or throughput/);
  });

  test('a refused connection is one line naming host:port, exit 2, for each kind of SQL target', async () => {
    const port = await refusingPort();
    const r = await runCli(['bench', `mysql://root@127.0.0.1:${port}/test`, '--concurrency', '1', '--count', '1', '--no-save']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `incident-replay bench: 127.0.0.1:${port}: connection refused (is the server running?)\n`);
    await assert.rejects(
      runBench(makeSpec({ url: `postgres://postgres@127.0.0.1:${port}/test`, concurrency: [1], count: 1 })),
      (e: Error) => e instanceof UserError && e.message === `127.0.0.1:${port}: connection refused (is the server running?)`,
    );
  });

  test('usage errors are one line, exit 2', async () => {
    const r = await runCli(['bench', POSTGRES_URL, '--count', '5', '--duration', '1s']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^incident-replay bench: (bench: )?give --count or --duration, not both\n$/);
  });
});
