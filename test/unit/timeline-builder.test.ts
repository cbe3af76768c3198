// The timeline model builder: events in transcript order, lanes per connection, the true pairing and the mismatch
// by event index, details on demand, and a verdict when nothing is wrong.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTimeline, DETAILS_MAX_BYTES, EventKind, type TimelineChunk } from '../../extension/core/timeline';
import { textsDuringBuild } from '../helpers/texts-during-build';
import { freshDir, write2008Like, writeHostile, writeSynthetic } from '../helpers/timeline-fixtures';

const dir = freshDir('ir-timeline-');

async function build(file: string, chunkEvents?: number) {
  const chunks: TimelineChunk[] = [];
  const built = await buildTimeline(file, { onChunk: (c) => void chunks.push(c), ...(chunkEvents ? { chunkEvents } : {}) });
  // each event's text is read from the details spill, as the webview asks for the texts of the events it labels
  const strings = await built.details.readTexts(Array.from({ length: built.summary.events }, (_, i) => i));
  const at = (i: number) => {
    const c = chunks.find((x) => i >= x.start && i < x.start + x.count) as TimelineChunk;
    const j = i - c.start;
    return { tUs: c.tUs[j], lane: c.lane[j], kind: c.kind[j], paired: c.paired[j], flags: c.flags[j], seq: c.seq[j], text: strings[i] };
  };
  return { ...built, chunks, at, findings: chunks.flatMap((c) => c.findings), lanes: chunks.flatMap((c) => c.newLanes) };
}

test("the 2008 desync: B takes A's answer, and the finding names both requests and the response by event index", async (t) => {
  const m = await build(await write2008Like(join(dir, 'desync.transcript.jsonl')), 7);
  t.after(() => m.details.dispose());
  assert.deepEqual(m.lanes, [1, 2]);
  // once desynchronised the connection stays one answer late: B takes A's answer, C takes B's
  assert.equal(m.summary.findings.mismatch, 2);
  const mm = m.findings.find((f) => f.kind === 'mismatch');
  assert.ok(mm);
  assert.match(m.at(mm.request).text, /key=B/);
  assert.match(m.at(mm.response).text, /A\.fid/);
  assert.match(m.at(mm.answers).text, /key=A/);
  assert.equal(m.at(mm.request).kind, EventKind.request);
  assert.equal(m.at(mm.response).kind, EventKind.response);
  // server truth: A's answer answers A
  assert.equal(m.at(mm.response).paired, mm.answers);
  assert.equal(mm.event, mm.response);
  const timeout = m.findings.find((f) => f.kind === 'timeout');
  assert.equal(timeout?.request, mm.answers);
  // events come in time order and every one is in exactly one chunk
  let next = 0;
  for (const c of m.chunks) {
    assert.equal(c.start, next);
    next += c.count;
  }
  assert.equal(next, m.summary.events);
  for (let i = 1; i < next; i++) assert.ok(m.at(i).tUs >= m.at(i - 1).tUs);
});

test('details come on demand: the decoded arguments and the exact wire bytes of the event', async (t) => {
  const m = await build(await write2008Like(join(dir, 'details.transcript.jsonl')));
  t.after(() => m.details.dispose());
  const mm = m.findings.find((f) => f.kind === 'mismatch');
  assert.ok(mm);
  const d = await m.details.read(mm.request);
  assert.ok(d);
  assert.deepEqual(Object.fromEntries(d.fields), { command: 'get_paths', domain: 'mail', key: 'B' });
  assert.equal(Buffer.from(d.bytes).toString(), 'get_paths domain=mail&key=B\r\n');
  assert.equal(d.totalBytes, d.bytes.length);
  assert.equal(d.title, `request #${m.at(mm.request).seq} on connection ${m.lanes[m.at(mm.request).lane]}`);
  assert.ok(d.line > 1 && d.error === undefined, JSON.stringify(d));
  assert.equal(await m.details.read(m.summary.events), null);
});

test('a transcript with no finding says so in words', async (t) => {
  const m = await build(await writeSynthetic(join(dir, 'clean.transcript.jsonl'), { events: 500, connections: 3, desyncEvery: 0 }));
  t.after(() => m.details.dispose());
  assert.equal(m.findings.length, 0);
  assert.equal(m.summary.verdict, `clean: ${m.summary.requests} requests on 3 connections, every response reached its request`);
  assert.equal(m.summary.verdictKind, 'clean');
});

test('a 10 MB line becomes one event whose details carry the first 64 KiB and the true size', async (t) => {
  const m = await build(await writeHostile(join(dir, 'hostile.transcript.jsonl')));
  t.after(() => m.details.dispose());
  let big = -1;
  for (let i = 0; i < m.summary.events; i++) if (m.at(i).kind === EventKind.request && m.at(i).text.includes('AAAA')) big = i;
  assert.ok(big >= 0);
  assert.ok(m.at(big).text.length <= 300);
  const d = await m.details.read(big);
  assert.equal(d?.bytes.length, DETAILS_MAX_BYTES);
  assert.ok((d?.totalBytes ?? 0) > 10 * 1024 * 1024);
  assert.ok((d?.fields.find(([k]) => k === 'key')?.[1].length ?? Infinity) <= 2000);
});

test('a large transcript arrives in chunks of the size asked for, with the desyncs found', async (t) => {
  const m = await build(await writeSynthetic(join(dir, 'big.transcript.jsonl'), { events: 50_000, connections: 8, desyncEvery: 1000 }), 8192);
  t.after(() => m.details.dispose());
  assert.ok(m.chunks.length >= 6);
  assert.ok(m.chunks.slice(0, -1).every((c) => c.count >= 8192 && c.count < 8192 + 8));
  assert.equal(m.summary.findings.mismatch, 24); // 25,000 exchanges on 8 connections, a desync every 1000th on each
  assert.equal(m.findings.filter((f) => f.kind === 'mismatch').length, m.summary.findings.mismatch);
});

test('texts asked for during a build are the texts of the whole model (the spill is flushed for them while the build adds)', async () => {
  const file = join(freshDir('ir-builder-texts-'), 'mid.transcript.jsonl');
  await writeSynthetic(file, { events: 60_000, connections: 8, desyncEvery: 5_000 });
  const during = textsDuringBuild();
  const t = await buildTimeline(file, { lenient: true, chunkEvents: 4096, onDetails: during.onDetails, onChunk: during.onChunk });
  await during.check(t.details);
  await t.details.dispose();
});
