// `incident-replay report` as CI runs it (a child process): the draft and its pictures written beside the transcript
// or under --out, exit 0; a draft already there refused (exit 2, one line) unless --force; bad input exit 2 with one
// line naming the file.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { cli } from '../helpers/cli';
import { svgProblem } from '../helpers/svg-check';

const ROOT = resolve(__dirname, '../..');
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ir-report-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const oneLine = (s: string) => s.trim().split('\n').length === 1;

test('report replays/mogilefs-2008/*.transcript.jsonl --out DIR writes the draft and its pictures there, exit 0', async () => {
  const out = join(dir, 'out');
  const r = await cli(['report', 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl', '--out', out], { cwd: ROOT });
  assert.equal(r.code, 0, r.stderr);
  const md = join(out, 'mogilefs-2008.postmortem.md');
  assert.match(r.stdout, new RegExp(`^${md.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\d+ mismatches, 0 notes, \\d+ pictures`));
  const text = await readFile(md, 'utf8');
  assert.match(text, /^# Postmortem draft: mogilefs-2008\.transcript\.jsonl/);
  const pictures = await readdir(join(out, 'mogilefs-2008.postmortem'));
  assert.ok(pictures.length > 0);
  for (const p of pictures) assert.equal(svgProblem(await readFile(join(out, 'mogilefs-2008.postmortem', p), 'utf8')), null, p);
  // nothing was written beside the bundled replay
  await assert.rejects(stat(join(ROOT, 'replays/mogilefs-2008/mogilefs-2008.postmortem.md')));

  const again = await cli(['report', 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl', '--out', out], { cwd: ROOT });
  assert.equal(again.code, 2);
  assert.ok(oneLine(again.stderr), again.stderr);
  assert.match(again.stderr, /^incident-replay report: .*mogilefs-2008\.postmortem\.md: a postmortem draft is already there \(--force replaces it\)$/m);
  const forced = await cli(['report', 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl', '--out', out, '--force'], { cwd: ROOT });
  assert.equal(forced.code, 0, forced.stderr);
});

test('without --out the draft goes beside the transcript; --metrics adds the shard chart', async () => {
  const t = join(dir, 'desync.transcript.jsonl');
  await copyFile(join(ROOT, 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl'), t);
  const r = await cli(['report', t, '--metrics', join(ROOT, 'replays/foursquare-2010/foursquare-2010.metrics.csv')]);
  assert.equal(r.code, 0, r.stderr);
  const md = await readFile(join(dir, 'desync.postmortem.md'), 'utf8');
  assert.match(md, /!\[shard0: working set against RAM at the crossover\]\(desync\.postmortem\/metrics-shard0\.svg\)/);
  await stat(join(dir, 'desync.postmortem', 'metrics-shard0.svg'));
});

test('a shard metrics file alone gets a draft of its own with the chart at the crossover', async () => {
  const out = join(dir, 'metrics-out');
  const r = await cli(['report', 'replays/foursquare-2010/foursquare-2010.metrics.csv', '--out', out], { cwd: ROOT });
  assert.equal(r.code, 0, r.stderr);
  const md = await readFile(join(out, 'foursquare-2010.postmortem.md'), 'utf8');
  assert.match(md, /CROSSOVER at 2010-10-04T14:00:00Z/);
  assert.equal(svgProblem(await readFile(join(out, 'foursquare-2010.postmortem', 'metrics-shard0.svg'), 'utf8')), null);
});

test('bad input: exit 2 and one line naming the file', async () => {
  const notJson = join(dir, 'junk.transcript.jsonl');
  await writeFile(notJson, 'this is not a transcript\n');
  const bad = await cli(['report', notJson, '--out', join(dir, 'junk-out')]);
  assert.equal(bad.code, 2);
  assert.ok(oneLine(bad.stderr), bad.stderr);
  assert.match(bad.stderr, /junk\.transcript\.jsonl/);

  const t = join(dir, 'noted.transcript.jsonl');
  await copyFile(join(ROOT, 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl'), t);
  await writeFile(
    join(dir, 'noted.review.json'),
    '{"format": "incident-replay/review", "version": 1, "transcript": "noted.transcript.jsonl", "notes": [{"id": 1}]}\n',
  );
  const badNotes = await cli(['report', t, '--out', join(dir, 'noted-out')]);
  assert.equal(badNotes.code, 2);
  assert.ok(oneLine(badNotes.stderr), badNotes.stderr);
  assert.match(badNotes.stderr, /noted\.review\.json: notes\[0\]: /);

  const missing = await cli(['report', join(dir, 'absent.transcript.jsonl')]);
  assert.equal(missing.code, 2);
  assert.ok(oneLine(missing.stderr), missing.stderr);
  const usage = await cli(['report']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /no transcript given/);
});
