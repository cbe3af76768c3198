// The analysis rules on small made-up shards: the crossover is the first sample over RAM; the forecast recovers a
// known growth rate and time left; the alert fires once the earliest crossing is within the lead time, and not for
// a flat shard; the imbalance rule needs equal chunk counts and unequal bytes; the chart model carries it all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  backtest,
  chartModel,
  forecastFromFit,
  judgeImbalance,
  MetricsAnalyzer,
  ShardSeries,
  TrailingWindow,
  workingSet,
  type Sample,
} from '../../extension/core/metrics';

const T0 = 1_286_200_800;
const GB = 1e9;
let line = 1;
const s = (h: number, shard: string, dataBytes: number, extra: Partial<Sample> = {}): Sample => ({
  tSec: T0 + h * 3600,
  shard,
  line: ++line,
  dataBytes,
  ramBytes: 66 * GB,
  ...extra,
});

test('the working set is data, data+index or storage, as chosen', () => {
  const x = s(0, 'a', 10, { indexBytes: 2, storageBytes: 15 });
  assert.deepEqual([workingSet(x, 'data'), workingSet(x, 'data+index'), workingSet(x, 'storage')], [10, 12, 15]);
  assert.equal(workingSet(s(0, 'a', 10), 'storage'), 10, 'storage falls back to data+index when not given');
});

test('a straight line through the trailing window gives its slope, and points older than the window drop out', () => {
  const w = new TrailingWindow(10 * 3600);
  for (let h = 0; h < 30; h++) w.push(T0 + h * 3600, h < 15 ? 0 : 1e9 + (h - 15) * 5e6);
  const fit = w.fit()!;
  assert.equal(w.size, 10);
  assert.ok(Math.abs(fit.slope * 3600 - 5e6) < 1e-3, `slope ${fit.slope * 3600}`);
  assert.ok(Math.abs(fit.levelAtEnd - (1e9 + 14 * 5e6)) < 1e-3);
  assert.ok(fit.sigma < 1e-3);
});

test('the forecast says how long until the working set passes RAM, with a band around it', () => {
  const w = new TrailingWindow(24 * 3600);
  // 60 GB growing 100 MB an hour with ±20 MB of alternating noise: at 62.3 GB, 3.7 GB to go, about 37 h
  for (let h = 0; h < 24; h++) w.push(T0 + h * 3600, 60 * GB + h * 0.1 * GB + (h % 2 ? 20e6 : -20e6));
  const f = forecastFromFit(w.fit()!, 62.3 * GB, 66 * GB, 24);
  assert.ok(Math.abs(f.growthBytesPerHour - 0.1 * GB) < 0.01 * GB, `growth ${f.growthBytesPerHour}`);
  assert.ok(f.hoursLeft! > 35 && f.hoursLeft! < 39, `hours left ${f.hoursLeft}`);
  assert.ok(f.hoursLeftEarliest! < f.hoursLeft! && f.hoursLeft! < f.hoursLeftLatest!);
  const flat = new TrailingWindow(24 * 3600);
  for (let h = 0; h < 24; h++) flat.push(T0 + h * 3600, 10 * GB);
  assert.equal(forecastFromFit(flat.fit()!, 10 * GB, 66 * GB, 24).hoursLeft, null, 'a shard that does not grow never crosses');
});

test('the alert fires once the earliest crossing is under the lead time, and the backtest measures the warning', () => {
  const an = new MetricsAnalyzer({ leadHours: 12 });
  // grows 1 GB an hour from 10.5 GB: first over 66 GB at hour 56 (66.5 GB); 11.5 h left at hour 44
  for (let h = 0; h <= 70; h++) an.sample(s(h, 'grow', 10.5 * GB + h * GB));
  for (let h = 0; h <= 70; h++) an.sample(s(h, 'flat', 30 * GB));
  const [grow, flat] = an.finish().shards;
  assert.equal(grow.crossover?.tSec, T0 + 56 * 3600);
  assert.equal(grow.alert?.tSec, T0 + 44 * 3600, 'an exact line alerts at the first sample with less than 12 h left');
  assert.deepEqual(grow.backtest, { verdict: 'in-time', hoursBeforeCrossover: 12, leadHours: 12 });
  assert.equal(flat.alert, null);
  assert.equal(flat.backtest.verdict, 'quiet');
});

test('a sudden jump over RAM is a crossover the alert missed', () => {
  const an = new MetricsAnalyzer();
  for (let h = 0; h < 48; h++) an.sample(s(h, 'a', h < 40 ? 30 * GB : 70 * GB));
  const [a] = an.finish().shards;
  assert.equal(a.crossover?.tSec, T0 + 40 * 3600);
  assert.equal(a.alert, null);
  assert.equal(a.backtest.verdict, 'missed');
  assert.deepEqual(backtest(null, a.crossover, T0 + 40 * 3600, 12).verdict, 'over-from-start');
});

test('spells over RAM end when the working set falls back under', () => {
  const an = new MetricsAnalyzer({ workingSet: 'storage' });
  const sizes = [60, 67, 68, 65, 64, 67, 60];
  sizes.forEach((g, h) => an.sample(s(h, 'a', 50 * GB, { storageBytes: g * GB })));
  const [a] = an.finish().shards;
  assert.deepEqual(a.overSpells, [
    { startSec: T0 + 3600, endSec: T0 + 3 * 3600 },
    { startSec: T0 + 5 * 3600, endSec: T0 + 6 * 3600 },
  ]);
});

test('imbalance: equal chunk counts (within 10%) with bytes more than 20% apart, and nothing else', () => {
  const at = (bytes: number[], chunks: number[]) =>
    judgeImbalance(
      T0,
      bytes.map((b, i) => ({ shard: `s${i}`, bytes: b, chunks: chunks[i] })),
    );
  assert.equal(at([66, 50], [176, 176])?.largest.shard, 's0');
  assert.ok(Math.abs(at([66, 50], [176, 176])!.bytesSpread - 0.32) < 1e-9);
  assert.equal(at([60, 50], [176, 176]), null, '20% apart is not more than 20%');
  assert.equal(at([66, 50], [176, 150]), null, 'chunk counts 17% apart: the balancer has not evened them, a different problem');
  assert.equal(at([66], [176]), null);
});

test("imbalance is flagged at the first sample time it holds, with each shard's share of growth until then", () => {
  const an = new MetricsAnalyzer();
  for (let h = 0; h < 100; h++) {
    an.sample(s(h, 'a', 10 * GB + h * 0.2 * GB, { chunks: 100 }));
    an.sample(s(h, 'b', 10 * GB + h * 0.1 * GB, { chunks: 100 }));
  }
  const im = an.finish().imbalance;
  // (10 + 0.2h) / (10 + 0.1h) > 1.2 first at h = 26
  assert.equal(im.firstFlagged?.tSec, T0 + 26 * 3600);
  assert.deepEqual(
    im.growthAtFlag?.map((g) => [g.shard, Math.round(g.share * 1000) / 1000]),
    [
      ['a', 0.667],
      ['b', 0.333],
    ],
  );
  assert.equal(im.flaggedTimes, 74);
});

test('the chart series stays within its cap by thinning, keeping first and evenly spaced samples', () => {
  const series = new ShardSeries('a', 8);
  for (let i = 0; i < 100; i++) series.push(s(i, 'a', i));
  assert.ok(series.length <= 8);
  const t = [...series.get('tSec')].map((x) => (x - T0) / 3600);
  assert.equal(t[0], 0);
  const gaps = new Set(t.slice(1).map((x, i) => x - t[i]));
  assert.equal(gaps.size, 1, `evenly spaced: ${t.join(',')}`);
  assert.equal(series.stride, [...gaps][0]);
});

test('the chart model carries working set, RAM, crossover, alert, band and notes', () => {
  const an = new MetricsAnalyzer();
  for (let h = 0; h <= 70; h++) an.sample(s(h, 'a', 10.5 * GB + h * GB, { indexBytes: 0 }));
  an.note({ tSec: T0 + 60 * 3600, shard: 'a', text: 'added shard2', line: 99 });
  const m = chartModel(an.finish());
  const a = m.shards[0];
  assert.equal(a.tSec.length, 71);
  assert.equal(a.workingSetBytes[56], 66.5 * GB);
  assert.equal(a.ramBytes[0], 66 * GB);
  assert.equal(a.crossoverSec, T0 + 56 * 3600);
  assert.equal(a.alertSec, T0 + 44 * 3600);
  assert.ok(a.band && a.band.tSec[0] === T0 + 70 * 3600 && a.band.low[5] <= a.band.mid[5] && a.band.mid[5] <= a.band.high[5]);
  assert.deepEqual(m.notes, [{ tSec: T0 + 60 * 3600, shard: 'a', text: 'added shard2' }]);
});
