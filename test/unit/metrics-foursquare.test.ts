// The Foursquare replay as the post-mortem tells it: shard0 crosses its 66 GB of RAM on Monday morning,
// 4 October 2010; the alert fires at least 12 h before (and not absurdly early; shard1 never alerts); the imbalance
// is flagged before the crossover; the 5% move frees almost no RAM, so only the compaction brings shard0 back.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { analyzeMetricsFile, fragmentationModel, type MetricsFileAnalysis } from '../../extension/core/metrics';
import { FACTS, generateFoursquare } from '../../replays/foursquare-2010/generate';

const FILE = join(__dirname, '..', '..', 'replays', 'foursquare-2010', 'foursquare-2010.metrics.csv');
let a: MetricsFileAnalysis;
before(async () => {
  a = await analyzeMetricsFile(FILE);
});
const shard = (name: string) => a.shards.find((s) => s.shard === name)!;
/** New York wall-clock time (EDT, UTC−4, in October 2010) */
const newYork = (tSec: number) => new Date((tSec - 4 * 3600) * 1000);

test('the committed file is exactly what the generator writes', async () => {
  assert.equal(await readFile(FILE, 'utf8'), generateFoursquare());
});

test('shard0 crosses its 66 GB of RAM on Monday morning, 4 October 2010, between 66 and 67 GB', () => {
  const x = shard('shard0').crossover;
  assert.ok(x, 'shard0 never crossed');
  const ny = newYork(x.tSec);
  assert.equal(ny.toISOString().slice(0, 10), '2010-10-04');
  assert.equal(ny.getUTCDay(), 1, 'a Monday');
  assert.ok(ny.getUTCHours() >= 6 && ny.getUTCHours() < 12, `morning in New York, not ${ny.toISOString()}`);
  assert.equal(x.ramBytes, FACTS.ramBytes);
  assert.ok(x.workingSetBytes > 66e9 && x.workingSetBytes <= 67e9, `${x.workingSetBytes}`);
  for (const other of a.shards.filter((s) => s.shard !== 'shard0')) assert.equal(other.crossover, null, `${other.shard} crossed`);
});

test('the alert fires at least 12 h before the crossover, within the last two days, and only for shard0', () => {
  const s0 = shard('shard0');
  assert.ok(s0.alert, 'no alert');
  assert.equal(s0.backtest.verdict, 'in-time');
  const h = s0.backtest.hoursBeforeCrossover!;
  assert.ok(h >= 12 && h <= 48, `alert ${h} h before`);
  for (const other of a.shards.filter((s) => s.shard !== 'shard0')) assert.equal(other.alert, null, `${other.shard} alerted`);
});

test('a longer lead time fires earlier, and still in time on this steady growth', async () => {
  let previous = shard('shard0').alert!.tSec;
  for (const leadHours of [24, 48]) {
    const s0 = (await analyzeMetricsFile(FILE, { leadHours })).shards.find((s) => s.shard === 'shard0')!;
    assert.ok(s0.alert && s0.alert.tSec < previous, `lead ${leadHours} h did not fire earlier`);
    assert.ok(s0.backtest.verdict === 'in-time' && s0.backtest.hoursBeforeCrossover! >= leadHours);
    previous = s0.alert.tSec;
  }
});

test('the imbalance is flagged before the crossover, with shard0 taking about two thirds of the growth', () => {
  const f = a.imbalance.firstFlagged;
  assert.ok(f, 'never flagged');
  assert.ok(f.tSec < shard('shard0').crossover!.tSec);
  assert.equal(f.largest.shard, 'shard0');
  assert.ok(f.chunkSpread <= 0.1 && f.bytesSpread > 0.2);
  const s0 = a.imbalance.growthAtFlag!.find((g) => g.shard === 'shard0')!;
  assert.ok(s0.share > 0.6 && s0.share < 0.72, `shard0 share ${s0.share}`);
});

test("the 5% move frees almost no RAM: the model says so, and shard0's pages stay over RAM until the compaction", async () => {
  const m = fragmentationModel({ docBytes: FACTS.docBytes, moveShare: FACTS.movedShare });
  assert.ok(m.pagesFreedShare < 0.001, `freed ${m.pagesFreedShare}`);
  const byStorage = await analyzeMetricsFile(FILE, { workingSet: 'storage' });
  const spell = byStorage.shards.find((s) => s.shard === 'shard0')!.overSpells[0];
  const compaction = byStorage.notes.find((x) => /compaction finished/.test(x.text))!;
  const moved = byStorage.notes.find((x) => /5% of shard0 moved/.test(x.text))!;
  assert.ok(moved.tSec < compaction.tSec);
  assert.equal(spell.endSec, compaction.tSec, 'storage stays over RAM after the move and drops under with the compaction');
});

test('later shards bring each to about 20 GB', () => {
  assert.equal(a.shards.length, 6);
  for (const s of a.shards) assert.ok(s.lastWorkingSetBytes > 18e9 && s.lastWorkingSetBytes < 23e9, `${s.shard} ${s.lastWorkingSetBytes}`);
});
