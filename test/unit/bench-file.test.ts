// Result files: a new file for every run, beside the others and never over one, and a file that is not a
// result is refused at the door with its name and what is wrong.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readBenchFile, writeBenchFile, type BenchDocument } from '../../extension/core/bench';
import { UserError } from '../../extension/core/errors';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ir-bench-file-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const doc = (server: string): BenchDocument => ({
  format: 'incident-replay/bench',
  version: 1,
  target: 'postgres://u@h/test',
  kind: 'postgres',
  server,
  workload: 'select',
  table: 'data',
  index: true,
  rows: 1,
  amount: { kind: 'count', perClient: 1 },
  warmup: { kind: 'count', perClient: 1 },
  startedAt: '2010-10-04T12:00:00.000Z',
  finishedAt: '2010-10-04T12:00:01.000Z',
  machine: { platform: 'linux', arch: 'ia32', cpus: 2, node: 'v20' },
  cancelled: false,
  runs: [],
});

test('each write makes a new file; the earlier results stay as they were', async () => {
  const a = await writeBenchFile(doc('first'), dir);
  const b = await writeBenchFile(doc('second'), dir);
  const c = await writeBenchFile(doc('third'), join(dir, 'postgres-select-20101004-120000Z.bench.json'));
  assert.equal(a, join(dir, 'postgres-select-20101004-120000Z.bench.json'));
  assert.equal(b, join(dir, 'postgres-select-20101004-120000Z-2.bench.json'));
  assert.equal(c, join(dir, 'postgres-select-20101004-120000Z-3.bench.json'));
  assert.equal((await readBenchFile(a))[0].server, 'first');
  assert.equal((await readBenchFile(b))[0].server, 'second');
  assert.equal((await readdir(dir)).length, 3);
  const named = await writeBenchFile(doc('named'), join(dir, 'mine'));
  assert.equal(named, join(dir, 'mine.bench.json'));
});

test('reading refuses what is not a result, naming the file', async () => {
  const p = join(dir, 'x.bench.json');
  await writeFile(p, '{"format":"something-else"}');
  await assert.rejects(
    readBenchFile(p),
    (e: Error) => e instanceof UserError && e.message === `${p}: not a bench result: "format" is not "incident-replay/bench"`,
  );
  await writeFile(p, '{not json');
  await assert.rejects(readBenchFile(p), /x\.bench\.json: not JSON/);
  await assert.rejects(readBenchFile(join(dir, 'absent.bench.json')), /absent\.bench\.json: no such file/);
  await writeFile(p, JSON.stringify([doc('a'), doc('b')]));
  assert.deepEqual(
    (await readBenchFile(p)).map((d) => d.server),
    ['a', 'b'],
  );
  assert.equal(JSON.parse(await readFile(p, 'utf8')).length, 2);
});

test('a result cannot be written into a directory that does not exist: one line saying so', async () => {
  await assert.rejects(
    writeBenchFile(doc('x'), join(dir, 'no', 'such', 'r.bench.json')),
    (e: Error) => e instanceof UserError && /no such directory/.test(e.message),
  );
});

test('a bench configuration is checked where it is read: the bundled 2010 one reads, a bad run names the file and the run', async () => {
  const { readBenchConfig } = await import('../../extension/core/bench');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const c = await readBenchConfig(join(__dirname, '..', '..', 'replays', 'db-speed-2010', 'bench.json'));
  assert.deepEqual(
    c.runs.map((r) => r.workload),
    ['insert', 'select'],
  );
  assert.deepEqual(c.runs[1].concurrency, [1, 2, 4, 8, 16, 32, 40]);
  const dir = mkdtempSync(join(tmpdir(), 'ir-bench-config-'));
  const bad = join(dir, 'bench.json');
  for (const [runs, why] of [
    [[{ workload: 'delete' }], /bench\.json: run 1: "workload" is not one of insert, select/],
    [[{ workload: 'select' }, { concurrency: [1, 0] }], /run 2: "concurrency" is not a list of whole numbers/],
    [[{ count: 1.5 }], /run 1: "count" is not a whole number/],
    [[], /expected \{"runs"/],
  ] as const) {
    writeFileSync(bad, JSON.stringify({ runs }));
    await assert.rejects(readBenchConfig(bad), why);
  }
});
