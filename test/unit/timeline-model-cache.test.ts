// The model cache: a reopened unchanged transcript gives the same chunks, summary, details, texts and keys as its
// build did, read from disk; a changed one is built again; an entry survives the view that opened it; the least
// recently opened entries go when the cache passes its size.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inflateChunk, ModelCache, openTimeline, type TimelineChunk } from '../../extension/core/timeline';

const ROOT = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'ir-model-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function open(file: string, models: ModelCache) {
  const chunks: TimelineChunk[] = [];
  const t = await openTimeline(file, { lenient: true, models, onChunk: async (c) => void chunks.push(await inflateChunk(c)) });
  await t.saved;
  const all = Array.from({ length: t.summary.events }, (_, i) => i);
  const details = await Promise.all(all.map((i) => t.details.read(i)));
  const briefs = await t.details.briefs(all);
  return { ...t, chunks, details: t.details, read: details, briefs };
}

test('a reopened unchanged transcript is read from the cache: the same chunks, summary, details, texts and keys', async () => {
  for (const name of ['mogilefs-2008/mogilefs-2008.transcript.jsonl', 'driver-check/pg.transcript.jsonl', 'driver-check/ioredis.transcript.jsonl']) {
    const file = join(work, name.split('/')[1]);
    copyFileSync(join(ROOT, 'replays', name), file);
    const models = new ModelCache(join(work, 'cache'));
    const built = await open(file, models);
    assert.equal(built.fromCache, false);
    const again = await open(file, models);
    assert.equal(again.fromCache, true, `${name}: the second open reads the cache`);
    assert.deepEqual(again.summary, built.summary);
    assert.deepEqual(again.chunks, built.chunks);
    assert.deepEqual(again.read, built.read);
    assert.deepEqual(again.briefs, built.briefs);
    assert.ok(built.summary.events > 100 && built.briefs.some((b) => b.key !== null), name);
    await again.details.dispose();
    await built.details.dispose();
    const third = await open(file, models);
    assert.equal(third.fromCache, true, 'disposing a view leaves the entry');
    await third.details.dispose();
    // the same length, another time: an edit that kept the size
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    const changed = await open(file, models);
    assert.equal(changed.fromCache, false, 'a changed transcript is built again');
    await changed.details.dispose();
  }
});

test('past its size, the cache drops the least recently opened entries; an unwritable cache is no error', async () => {
  const dir = join(work, 'small');
  const models = new ModelCache(dir, 1);
  const a = join(work, 'a.transcript.jsonl');
  const b = join(work, 'b.transcript.jsonl');
  copyFileSync(join(ROOT, 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl'), a);
  copyFileSync(join(ROOT, 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl'), b);
  await (await open(a, models)).details.dispose();
  assert.equal(readdirSync(dir).length, 1);
  await (await open(b, models)).details.dispose();
  assert.equal(readdirSync(dir).length, 1, 'only the newest entry is kept');
  const cachedB = await open(b, models);
  assert.equal(cachedB.fromCache, true);
  await cachedB.details.dispose();
  const builtA = await open(a, models);
  assert.equal(builtA.fromCache, false);
  await builtA.details.dispose();
  const blocked = new ModelCache(join(a, 'not-a-dir'));
  const t = await open(a, blocked);
  assert.equal(t.fromCache, false);
  assert.ok(t.summary.events > 0);
  assert.equal(existsSync(join(a, 'not-a-dir')), false);
  await t.details.dispose();
});
