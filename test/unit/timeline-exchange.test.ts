// The pairing the details pane states, on the bundled 2008 replay: every message carries its number on its
// connection, the spill gives the keys of the other messages of an exchange, and the sentences name the same
// requests, keys and times as the engine's findings (extension/core/timeline, webview/exchange.ts).
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { analyzeTranscript, type Analysis, type Finding } from '../../extension/core/pairing';
import { buildTimeline, type BuiltTimeline } from '../../extension/core/timeline';
import { exchangeLines, exchangeOf, relatedOf } from '../../webview/exchange';
import { TimelineStore } from '../../webview/store';
import { fmtTime } from '../../webview/viewport';

const REPLAY = resolve(__dirname, '../../replays/mogilefs-2008/mogilefs-2008.transcript.jsonl');

let engine: Analysis;
let built: BuiltTimeline;
const store = new TimelineStore();

before(async () => {
  engine = await analyzeTranscript(REPLAY);
  built = await buildTimeline(REPLAY, { chunkEvents: 100, onChunk: (c) => store.append(c) });
  store.summary = built.summary;
  store.sortFindings();
});
after(() => built?.details.dispose());

/**
 * The timeline's finding for an engine finding: same kind, connection and time, pointing at the events of the same
 * request and response (by their times: a finding judged before its request was on the wire must still name it).
 */
function placed(f: Finding) {
  const at = (i: number) => (i < 0 ? undefined : store.tUs[i]);
  const tf = store.findings.find(
    (x) => x.kind === f.kind && x.conn === f.conn && x.tUs === f.tUs && at(x.request) === f.request?.tUs && at(x.response) === f.response?.tUs,
  );
  assert.ok(tf, `the timeline lists the ${f.kind} of request #${f.request?.seq} on connection ${f.conn}, at its events`);
  return tf;
}

const mismatches = () => engine.findings.filter((f) => f.kind === 'mismatch');

test('every finding points at its messages, which carry their numbers on their connection as the engine numbers them', () => {
  assert.ok(mismatches().length > 0);
  for (const f of engine.findings) {
    const tf = placed(f);
    if (f.request) assert.equal(store.seq[tf.request], f.request.seq);
    if (f.response) assert.equal(store.seq[tf.response], f.response.seq);
    if (f.answers) assert.deepEqual([store.seq[tf.answers], store.tUs[tf.answers]], [f.answers.seq, f.answers.tUs]);
  }
  // marks (opens, closes, client events) have no number
  let marks = 0;
  for (let i = 0; i < store.count; i++) if (store.kind[i] > 1) marks += store.seq[i] === 0 ? 1 : 0;
  assert.ok(marks > 0);
});

test('the spill gives the key and summary of each event asked for, in the order asked', async () => {
  const f = mismatches()[0];
  const tf = placed(f);
  const briefs = await built.details.briefs([tf.answers, tf.request, store.count + 5]);
  assert.deepEqual(
    briefs.map((b) => [b.event, b.key]),
    [
      [tf.answers, f.answers?.key],
      [tf.request, f.request?.key],
      [store.count + 5, null],
    ],
  );
  assert.equal(briefs[0].text, f.answers?.summary);
});

test('an answer taken by the wrong request: the pane names the request it answers, the one that took it, both keys and the waits', async () => {
  const f = mismatches()[0];
  const tf = placed(f);
  const x = exchangeOf(store, tf.response);
  assert.ok(x);
  assert.deepEqual([x.role, x.paired, x.taken], ['response', tf.answers, tf.request]);
  const related = relatedOf(store, x);
  assert.deepEqual(related, [tf.answers, tf.request]);
  const [owner, taker, resp] = [f.answers!, f.request!, f.response!];
  const lines = exchangeLines(store, x, await built.details.briefs(related));
  assert.equal(
    lines[0],
    `Answers request #${owner.seq} (asked ${owner.key}, sent at ${fmtTime(owner.tUs)}); that request waited ${fmtTime(resp.tUs - owner.tUs)} for it.`,
  );
  const wait =
    resp.tUs >= taker.tUs
      ? `that request had waited ${fmtTime(resp.tUs - taker.tUs)} when it arrived`
      : `it had been waiting ${fmtTime(taker.tUs - resp.tUs)} when that request was sent`;
  assert.equal(
    lines[lines.length - 1],
    `Taken by request #${taker.seq} (asked ${taker.key}, sent at ${fmtTime(taker.tUs)}) as its answer: a mismatch; ${wait}.`,
  );
  // the 2008 client gave up on the owner first: the answer came late
  const gaveUp = engine.findings.find((g) => g.kind === 'timeout' && g.conn === f.conn && g.request?.seq === owner.seq);
  if (gaveUp)
    assert.ok(
      lines.includes(`The client gave up on request #${owner.seq} at ${fmtTime(gaveUp.tUs)}; it arrived ${fmtTime(resp.tUs - gaveUp.tUs)} after that.`),
      lines.join('\n'),
    );
});

test('a request: which response answers it and when, whether it timed out, and whose answer it took', async () => {
  const f = mismatches()[0];
  const tf = placed(f);
  // the request that took the wrong answer: answered later by its own, never given up on
  const x = exchangeOf(store, tf.request);
  assert.ok(x);
  assert.equal(x.taken, tf.response);
  const lines = exchangeLines(store, x, await built.details.briefs(relatedOf(store, x)));
  const own = store.paired[tf.request];
  assert.ok(own >= 0);
  assert.equal(
    lines[0],
    `Answered by response #${store.seq[own]} at ${fmtTime(store.tUs[own])}, ${fmtTime(store.tUs[own] - f.request!.tUs)} after it was sent.`,
  );
  assert.ok(lines.includes('Not timed out.'));
  assert.ok(
    lines.includes(
      `Took response #${f.response!.seq} as its answer, which answers request #${f.answers!.seq} (asked ${f.answers!.key}, sent at ${fmtTime(f.answers!.tUs)}): a mismatch.`,
    ),
    lines.join('\n'),
  );
  // a request the client gave up on
  const timeout = engine.findings.find((g) => g.kind === 'timeout');
  assert.ok(timeout?.request);
  const given = exchangeOf(store, placed(timeout).request);
  assert.ok(given);
  const said = exchangeLines(store, given, []);
  assert.ok(
    said.some((l) =>
      l.startsWith(`Timed out: the client gave up on it at ${fmtTime(timeout.tUs)}, ${fmtTime(timeout.tUs - timeout.request!.tUs)} after sending it`),
    ),
    said.join('\n'),
  );
});

test('marks have no exchange', () => {
  const mark = Array.from({ length: store.count }, (_, i) => i).find((i) => store.kind[i] > 1);
  assert.ok(mark !== undefined);
  assert.equal(exchangeOf(store, mark), null);
  assert.equal(exchangeOf(store, -1), null);
  assert.equal(exchangeOf(store, store.count), null);
});
