import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeMetricsFile, ReliefTracker } from '../../extension/core/metrics';

const REPLAY = join(__dirname, '..', '..', 'replays', 'foursquare-2010', 'foursquare-2010.metrics.csv');
const GB = 1e9;

describe('relief that is not (fragmentation after a move)', () => {
  test('on the Foursquare replay, the 5% move brings data+index under RAM but not the pages, until the compaction', async () => {
    const a = await analyzeMetricsFile(REPLAY);
    const shard0 = a.shards.find((s) => s.shard === 'shard0');
    assert.ok(shard0?.falseRelief, 'shard0 shows a false relief');
    const r = shard0.falseRelief;
    assert.ok(r.workingSetBytes <= r.ramBytes && r.heldBytes > r.ramBytes);
    assert.equal(new Date(r.tSec * 1000).toISOString(), '2010-10-04T19:00:00.000Z');
    // relieved only when the 4-hour repairDatabase() finished
    assert.equal(r.relievedSec && new Date(r.relievedSec * 1000).toISOString(), '2010-10-05T14:00:00.000Z');
    for (const s of a.shards.filter((x) => x.shard !== 'shard0')) assert.equal(s.falseRelief, null, `${s.shard} has none`);
  });

  test('a real relief (pages freed with the data) is not flagged', () => {
    const r = new ReliefTracker();
    r.observe(0, 2, 60 * GB, 66 * GB, 61 * GB);
    r.observe(1, 3, 67 * GB, 66 * GB, 68 * GB);
    r.observe(2, 4, 50 * GB, 66 * GB, 51 * GB);
    assert.equal(r.relief, null);
  });

  test('without storage or resident bytes there is nothing to compare: no flag', () => {
    const r = new ReliefTracker();
    r.observe(0, 2, 67 * GB, 66 * GB);
    r.observe(1, 3, 60 * GB, 66 * GB);
    assert.equal(r.relief, null);
  });
});
