// The fragmentation model: small documents in insertion order, moved by shard-key range, free almost no pages;
// documents of a page or more free what they move; compaction reclaims the rest. The exact average agrees with
// a simulation that plays the move out document by document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fragmentationModel, simulateFragmentation } from '../../extension/core/metrics';

test('Foursquare: 300-byte documents, 5% moved, free about 0% of pages; compaction reclaims the 5%', () => {
  const m = fragmentationModel({ docBytes: 300, moveShare: 0.05 });
  assert.ok(m.docsPerPage > 13 && m.docsPerPage < 16, `docs per page ${m.docsPerPage}`);
  assert.ok(m.pagesFreedShare < 1e-9, `pages freed ${m.pagesFreedShare}`);
  assert.ok(Math.abs(m.compactionReclaimsShare - 0.05) < 1e-6);
  assert.ok(Math.abs(m.fillAfterMove - 0.95) < 1e-6, 'the pages stay, 95% full');
});

test('8 KiB documents free what they move, and compaction has nothing left to reclaim', () => {
  const m = fragmentationModel({ docBytes: 8192, moveShare: 0.05 });
  assert.ok(Math.abs(m.pagesFreedShare - 0.05) < 1e-12);
  assert.ok(m.compactionReclaimsShare < 1e-12);
});

test('the share freed rises with document size towards the share moved', () => {
  const freed = [300, 1000, 2048, 4096, 16384].map((d) => fragmentationModel({ docBytes: d, moveShare: 0.2 }).pagesFreedShare);
  for (let i = 1; i < 4; i++) assert.ok(freed[i] > freed[i - 1], `not rising: ${freed.join(', ')}`);
  assert.ok(freed[0] < 1e-6 && Math.abs(freed[3] - 0.2) < 1e-12 && Math.abs(freed[4] - 0.2) < 1e-12);
  // documents straddling page edges share those pages: 5000-byte documents free less than they move
  const straddle = fragmentationModel({ docBytes: 5000, moveShare: 0.05 });
  assert.ok(straddle.pagesFreedShare > 0.005 && straddle.pagesFreedShare < 0.05);
});

test('moving everything frees everything; moving nothing frees nothing', () => {
  assert.equal(fragmentationModel({ docBytes: 300, moveShare: 1 }).pagesFreedShare, 1);
  assert.equal(fragmentationModel({ docBytes: 300, moveShare: 0 }).pagesFreedShare, 0);
});

test('the simulation agrees with the model', () => {
  for (const [docBytes, moveShare] of [
    [300, 0.05],
    [300, 0.6],
    [1000, 0.3],
    [5000, 0.05],
    [8192, 0.05],
  ] as const) {
    const m = fragmentationModel({ docBytes, moveShare });
    const docs = Math.floor(4e8 / docBytes);
    const sim = simulateFragmentation({ docBytes, moveShare }, docs, 7);
    const freed = sim.pagesFreed / sim.pages;
    const tol = 4 * Math.sqrt((m.pagesFreedShare * (1 - m.pagesFreedShare)) / sim.pages) + 2 / sim.pages;
    assert.ok(Math.abs(freed - m.pagesFreedShare) <= tol, `${docBytes} B, ${moveShare}: simulated ${freed}, model ${m.pagesFreedShare}`);
    assert.ok(Math.abs(sim.docsMoved / docs - moveShare) < 0.01);
    const reclaim = (sim.pages - sim.pagesFreed - sim.pagesAfterCompaction) / sim.pages;
    assert.ok(Math.abs(reclaim - m.compactionReclaimsShare) < tol + 0.01, `compaction ${reclaim} vs ${m.compactionReclaimsShare}`);
  }
});

test('nonsense questions are refused', () => {
  assert.throws(() => fragmentationModel({ docBytes: 0, moveShare: 0.1 }), RangeError);
  assert.throws(() => fragmentationModel({ docBytes: 300, moveShare: 1.5 }), RangeError);
});
