// The findings list's order and filter (webview/store.ts sortFindings, webview/finding-nav.ts), and the view state
// the webview restores (webview/protocol.ts parseViewState): checked where it enters, the rest kept.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { analyzeTranscript, type Analysis } from '../../extension/core/pairing';
import { buildTimeline, FINDING_KINDS, type BuiltTimeline } from '../../extension/core/timeline';
import { FindingNav } from '../../webview/finding-nav';
import { parseViewState } from '../../webview/protocol';
import { TimelineStore } from '../../webview/store';

const REPLAY = resolve(__dirname, '../../replays/mogilefs-2008/mogilefs-2008.transcript.jsonl');

let engine: Analysis;
let built: BuiltTimeline;
const store = new TimelineStore();

before(async () => {
  engine = await analyzeTranscript(REPLAY);
  built = await buildTimeline(REPLAY, { onChunk: (c) => store.append(c) });
  store.sortFindings();
});
after(() => built?.details.dispose());

test('findings are listed by severity, mismatches first, each kind in timeline order', () => {
  const f = store.findings;
  assert.equal(
    f.length,
    Object.values(engine.summary.findings).reduce((a, b) => a + b, 0),
  );
  assert.equal(f[0].kind, 'mismatch');
  for (let i = 1; i < f.length; i++) {
    const [a, b] = [FINDING_KINDS.indexOf(f[i - 1].kind), FINDING_KINDS.indexOf(f[i].kind)];
    assert.ok(a < b || (a === b && f[i - 1].event <= f[i].event), `finding ${i} (${f[i].kind} at event ${f[i].event}) is in order`);
  }
});

test("the filter shows the kinds and the connection chosen, with the engine's counts", () => {
  const nav = new FindingNav(() => store.findings);
  nav.refresh();
  assert.equal(nav.shown.length, store.findings.length);
  nav.setFilter({ kinds: ['timeout', 'mismatch'], conn: null });
  // kinds are kept in severity order, whatever order they were chosen in
  assert.deepEqual(nav.filter.kinds, ['mismatch', 'timeout']);
  assert.equal(nav.shown.length, engine.summary.findings.mismatch + engine.summary.findings.timeout);
  const conn = engine.findings.find((f) => f.kind === 'timeout')!.conn;
  nav.setFilter({ kinds: ['timeout'], conn });
  const expected = engine.findings.filter((f) => f.kind === 'timeout' && f.conn === conn).length;
  assert.equal(nav.shown.length, expected);
  assert.ok(nav.shown.every((i) => store.findings[i].conn === conn && store.findings[i].kind === 'timeout'));
  assert.equal(nav.counts().kinds.get('timeout'), expected);
});

test('Next and Previous walk the shown findings in list order from the current one, and wrap around', () => {
  const nav = new FindingNav(() => store.findings);
  nav.setFilter({ kinds: ['mismatch'], conn: null });
  const n = nav.shown.length;
  assert.equal(nav.step(1), nav.shown[0], 'with none current, Next goes to the first');
  assert.equal(nav.step(-1), nav.shown[n - 1], 'and Previous to the last');
  nav.current = nav.shown[0];
  assert.equal(nav.step(1), nav.shown[1]);
  assert.equal(nav.step(-1), nav.shown[n - 1]);
  assert.equal(nav.position(), 0);
  assert.equal(nav.atEvent(store.findings[nav.shown[1]].event), nav.shown[1]);
  // a filter that hides the current finding drops it; one that keeps it keeps it
  nav.setFilter({ kinds: ['mismatch', 'late'], conn: null });
  assert.equal(nav.current, nav.shown[0]);
  nav.setFilter({ kinds: ['timeout'], conn: null });
  assert.equal(nav.current, -1);
  assert.equal(nav.atEvent(store.findings.find((f) => f.kind === 'mismatch')!.event), -1, 'a hidden finding is not found by its event');
});

test('a restored view state is checked: version 1 is read without finding or filter, a bad finding or filter is dropped', () => {
  const v1 = { v: 1, source: 'file:///a', cursor: 3, t0Us: 0, usPerPx: 10, laneTop: 0, speed: 2 };
  assert.deepEqual(parseViewState(v1), { ...v1, v: 2, finding: null, filter: { kinds: [], conn: null } });
  const v2 = { ...v1, v: 2, finding: { kind: 'late', event: 7 }, filter: { kinds: ['timeout', 'mismatch'], conn: 4 } };
  assert.deepEqual(parseViewState(v2), { ...v2, filter: { kinds: ['mismatch', 'timeout'], conn: 4 } });
  const forged = parseViewState({ ...v2, finding: { kind: '<img>', event: 7 }, filter: { kinds: ['x', 'late', 1], conn: -1 } });
  assert.deepEqual([forged?.finding, forged?.filter], [null, { kinds: ['late'], conn: null }]);
  assert.equal(parseViewState({ ...v2, finding: { kind: 'late', event: 1.5 } })?.finding, null);
  assert.equal(parseViewState({ ...v2, v: 3 }), null);
  assert.equal(parseViewState({ ...v2, cursor: 'x' }), null);
});
