// `incident-replay metrics`, `fragmentation` and `collect` as a user runs them (a child process): exit 0 when no
// shard crossed, 1 when one did, 2 on bad input with one line naming file:line; --json is one JSON object that
// other tools can read, times in ISO-8601.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/bench-db';

const REPLAY = join('replays', 'foursquare-2010', 'foursquare-2010.metrics.csv');
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ir-metrics-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface ShardJson {
  shard: string;
  crossover: { time: string } | null;
  alert: { time: string; leadHours: number } | null;
  forecast: { time: string; hoursLeft: number | null; hoursLeftBand: (number | null)[]; growthBytesPerHour: number } | null;
}

test('metrics --json on the Foursquare replay: one object, shards with crossover, alert and forecast; exit 1', async () => {
  const r = await runCli(['metrics', REPLAY, '--json']);
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as { shards: ShardJson[]; leadHours: number; workingSet: string };
  assert.equal(doc.leadHours, 12);
  assert.equal(doc.workingSet, 'data+index');
  assert.deepEqual(
    doc.shards.map((s) => s.shard),
    ['shard0', 'shard1', 'shard2', 'shard3', 'shard4', 'shard5'],
  );
  const [s0, s1] = doc.shards;
  assert.match(s0.crossover!.time, ISO);
  assert.match(s0.alert!.time, ISO);
  assert.ok(s0.alert!.leadHours >= 12);
  assert.equal(Date.parse(s0.crossover!.time) - Date.parse(s0.alert!.time), s0.alert!.leadHours * 3600_000);
  assert.equal(s1.crossover, null);
  assert.equal(s1.alert, null);
  for (const s of doc.shards) {
    assert.match(s.forecast!.time, ISO);
    assert.equal(typeof s.forecast!.growthBytesPerHour, 'number');
    assert.equal(s.forecast!.hoursLeftBand.length, 2);
  }
});

test('metrics prints crossover, alert and imbalance in words', async () => {
  const r = await runCli(['metrics', REPLAY, '--lead', '12h']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /shard0: .*\n\s+CROSSOVER at 2010-10-04T14:00:00Z/);
  assert.match(r.stdout, /ALERT at 2010-10-03T\d\d:00:00Z .* before the crossover \(in time for a 12\.0 h lead\)/);
  assert.match(r.stdout, /IMBALANCE from 2010-09-/);
});

test('a file where every shard stays within RAM exits 0', async () => {
  const p = join(dir, 'quiet.metrics.csv');
  await writeFile(p, 'time,shard,data_bytes,ram_bytes\n1,a,1GB,8GB\n3601,a,1GB,8GB\n7201,a,1GB,8GB\n');
  const r = await runCli(['metrics', p, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    (JSON.parse(r.stdout) as { shards: ShardJson[] }).shards.map((s) => [s.shard, s.crossover, s.alert]),
    [['a', null, null]],
  );
});

test('a bad row is one line on stderr naming file:line, exit 2, nothing on stdout', async () => {
  const p = join(dir, 'bad.metrics.csv');
  await writeFile(p, 'time,shard,data_bytes,ram_bytes\n1,a,1GB,8GB\n2,a,-1GB,8GB\n');
  const r = await runCli(['metrics', p, '--json']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /bad\.metrics\.csv:3: data_bytes is negative/);
});

test('usage errors exit 2: an unknown working set, no file', async () => {
  const a = await runCli(['metrics', REPLAY, '--working-set', 'everything']);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /--working-set "everything" is not one of data, data\+index, storage/);
  assert.equal((await runCli(['metrics'])).code, 2);
});

test('fragmentation --doc-bytes 300 --move 5%: no pages freed; 8 KiB documents free 5%', async () => {
  const small = await runCli(['fragmentation', '--doc-bytes', '300', '--move', '5%', '--json']);
  assert.equal(small.code, 0, small.stderr);
  const s = JSON.parse(small.stdout) as { pagesFreedShare: number; compactionReclaimsShare: number; simulation: { pagesFreed: number } };
  assert.ok(s.pagesFreedShare < 0.001);
  assert.equal(s.simulation.pagesFreed, 0);
  assert.ok(Math.abs(s.compactionReclaimsShare - 0.05) < 1e-6);
  const large = await runCli(['fragmentation', '--doc-bytes', '8KiB', '--move', '0.05', '--json']);
  assert.ok(Math.abs((JSON.parse(large.stdout) as { pagesFreedShare: number }).pagesFreedShare - 0.05) < 1e-9);
  const text = await runCli(['fragmentation', '--doc-bytes', '300', '--move', '5%']);
  assert.match(text.stdout, /pages freed \(RAM freed\): 0\.0+%/);
  assert.equal((await runCli(['fragmentation', '--move', '5%'])).code, 2);
  assert.equal((await runCli(['fragmentation', '--doc-bytes', '300', '--move', '150%'])).code, 2);
});

test('collect refuses to overwrite an existing file, before connecting anywhere', async () => {
  const p = join(dir, 'exists.metrics.csv');
  await writeFile(p, 'keep me');
  const r = await runCli(['collect', 'mysql://root@127.0.0.1:1/test', '--out', p]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /exists; collect never overwrites/);
});
