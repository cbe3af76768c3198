// The timeline read or built on a worker thread (the editor's way, off the extension host's thread) says what the same
// read in this thread says: the same chunks, summary, details, texts and keys for every transcript in the repo
// (replays and the recordings of real clients); texts asked for during the load; the model cache; a load given up
// leaves no spill behind; a bad file is the same one-line error. Runs the built worker (dist/timeline-worker.js:
// `npm test` builds it first).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../../extension/core/errors';
import {
  inflateChunk,
  ModelCache,
  openTimeline,
  openTimelineOffThread,
  type DetailsSpill,
  type EventBrief,
  type PackedChunk,
  type TimelineChunk,
  type TimelineSummary,
} from '../../extension/core/timeline';
import { filesUnder } from '../helpers/files';
import { textsDuringBuild } from '../helpers/texts-during-build';
import { freshDir, writeSynthetic } from '../helpers/timeline-fixtures';

const ROOT = join(__dirname, '..', '..');
const WORKER = join(ROOT, 'dist', 'timeline-worker.js');
const work = freshDir('ir-off-thread-');
after(() => rmSync(work, { recursive: true, force: true }));

interface LoadOptions {
  lenient: boolean;
  chunkEvents: number;
  models?: ModelCache;
  onChunk: (c: PackedChunk) => Promise<void>;
}
type Open = (file: string, opts: LoadOptions) => Promise<{ summary: TimelineSummary; details: DetailsSpill; fromCache: boolean }>;

async function load(open: Open, file: string, models?: ModelCache) {
  const chunks: TimelineChunk[] = [];
  const t = await open(file, { lenient: true, chunkEvents: 256, models, onChunk: async (c) => void chunks.push(await inflateChunk(c)) });
  const all = Array.from({ length: t.summary.events }, (_, i) => i);
  const read = await Promise.all(all.map((i) => t.details.read(i)));
  const briefs = await t.details.briefs(all);
  await t.details.dispose();
  return { summary: t.summary, fromCache: t.fromCache, chunks, read, briefs };
}

const offThread: Open = (file, opts) => openTimelineOffThread(file, { ...opts, workerFile: WORKER });

test('the worker is built (npm test builds it before the tests)', () => {
  assert.ok(existsSync(WORKER), `${relative(ROOT, WORKER)} is missing: run npm run build`);
});

test('every transcript in the repo: the worker thread gives the chunks, summary, details, texts and keys this thread gives', async () => {
  const files = [...filesUnder(join(ROOT, 'replays'), '.transcript.jsonl'), ...filesUnder(join(ROOT, 'test', 'fixtures'), '.transcript.jsonl')];
  assert.ok(files.length >= 30, `found ${files.length} transcripts`);
  for (const file of files) {
    const name = relative(ROOT, file);
    const here = await load(openTimeline, file).catch((err: Error) => err);
    const there = await load(offThread, file).catch((err: Error) => err);
    if (here instanceof Error) {
      assert.ok(there instanceof Error, `${name}: this thread fails (${here.message}), the worker does not`);
      assert.equal(there.message, here.message, name);
      assert.equal(there instanceof UserError, here instanceof UserError, name);
      continue;
    }
    assert.ok(!(there instanceof Error), `${name}: ${String(there)}`);
    assert.deepEqual(there.summary, here.summary, name);
    assert.deepEqual(there.chunks, here.chunks, name);
    assert.deepEqual(there.read, here.read, name);
    assert.deepEqual(there.briefs, here.briefs, name);
  }
});

test('texts asked for while the worker builds are the texts of the whole model; a reopen is read from the cache', async () => {
  const file = join(work, 'big.transcript.jsonl');
  await writeSynthetic(file, { events: 60_000, connections: 8, desyncEvery: 5_000 });
  const models = new ModelCache(join(work, 'models'));
  const early: Array<Promise<EventBrief[]>> = [];
  let chunks = 0;
  const built = await openTimelineOffThread(file, { workerFile: WORKER, lenient: true, chunkEvents: 4096, models, onChunk: () => undefined });
  assert.equal(built.fromCache, false);
  // disposed at once: the worker saves the spill to the cache after handing it over, and its files stay until then
  await built.details.dispose();
  assert.equal(readdirSync(models.dir).filter((n) => !n.startsWith('.')).length, 1, 'the cache entry is written');
  // again, asking for texts as chunks arrive; the cache now holds the model
  let reader: { briefs(e: number[]): Promise<EventBrief[]> } | null = null;
  const again = await openTimelineOffThread(file, {
    workerFile: WORKER,
    lenient: true,
    chunkEvents: 4096,
    models,
    onDetails: (d) => (reader = d),
    onChunk: (c) => {
      chunks++;
      if (reader) early.push(reader.briefs([c.start, c.start + c.count - 1]));
    },
  });
  assert.equal(again.fromCache, true, 'the second open reads the cache');
  assert.deepEqual(again.summary, built.summary);
  assert.ok(chunks > 5 && early.length === chunks, `${chunks} chunks, ${early.length} asks`);
  const asked = (await Promise.all(early)).flat();
  assert.deepEqual(asked, await again.details.briefs(asked.map((b) => b.event)));
  await again.details.dispose();
  // and during a build (no cache): what the worker reads from the spill it is writing
  const during = textsDuringBuild();
  const rebuilt = await openTimelineOffThread(file, {
    workerFile: WORKER,
    lenient: true,
    chunkEvents: 4096,
    onDetails: during.onDetails,
    onChunk: during.onChunk,
  });
  await during.check(rebuilt.details);
  await rebuilt.details.dispose();
});

test('a load given up leaves no spill behind; a bad file is the same one-line error as in this thread', async () => {
  const tmp = join(work, 'tmp');
  mkdirSync(tmp);
  const file = join(work, 'long.transcript.jsonl');
  await writeSynthetic(file, { events: 200_000, connections: 8, desyncEvery: 20_000 });
  const before = process.env.TMPDIR;
  // the worker's spill goes to its temporary folder, read from the environment it starts with
  process.env.TMPDIR = tmp;
  try {
    const abort = new AbortController();
    const failed = await openTimelineOffThread(file, {
      workerFile: WORKER,
      lenient: true,
      chunkEvents: 4096,
      signal: abort.signal,
      onChunk: () => abort.abort(),
    }).then(
      () => null,
      (err: Error) => err,
    );
    assert.ok(failed instanceof Error && failed.message === 'cancelled', String(failed));
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
  assert.deepEqual(readdirSync(tmp), [], 'the spill of the load given up is gone');

  const bad = join(work, 'bad.transcript.jsonl');
  writeFileSync(bad, 'this is not a transcript\n');
  const here = await openTimeline(bad, { lenient: true, onChunk: () => undefined }).catch((e: Error) => e);
  const there = await openTimelineOffThread(bad, { workerFile: WORKER, lenient: true, onChunk: () => undefined }).catch((e: Error) => e);
  assert.ok(here instanceof UserError && there instanceof UserError, `${String(here)} / ${String(there)}`);
  assert.equal(there.message, here.message);
  assert.match(there.message, /bad\.transcript\.jsonl:1: /);
});
