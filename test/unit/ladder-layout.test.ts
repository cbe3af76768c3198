// The ladder of one connection (extension/core/ladder) on the bundled 2008 replay: an arrow for every request and
// answer at its own row, rows in time order, each mismatch a red arrow from the answer taken to the request that took
// it, labelled with both keys as the engine names them, the 31 mismatches on one connection apart; long gaps cut to
// break marks; the SVG escapes what the transcript says.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EventKind, type TimelineFinding } from '../../extension/core/timeline/model';
import {
  fitKeepingKey,
  ladderInput,
  ladderLayout,
  ladderSvg,
  laneEvents,
  LADDER_LIGHT,
  stackSpans,
  windowAround,
  type LadderEvent,
  type LadderLayout,
} from '../../extension/core/ladder';
import { analyzeTranscript, type Analysis, type Finding } from '../../extension/core/pairing';
import { buildTimeline, type BuiltTimeline, type EventBrief } from '../../extension/core/timeline';
import { TimelineStore } from '../../webview/store';

const REPLAY = resolve(__dirname, '../../replays/mogilefs-2008/mogilefs-2008.transcript.jsonl');

let engine: Analysis;
let built: BuiltTimeline;
const store = new TimelineStore();

before(async () => {
  engine = await analyzeTranscript(REPLAY);
  built = await buildTimeline(REPLAY, { chunkEvents: 100, onChunk: (c) => store.append(c) });
});
after(() => built?.details.dispose());

/** The engine's mismatches in the order their answers arrived. */
const mismatches = (): Finding[] => engine.findings.filter((f) => f.kind === 'mismatch').sort((a, b) => a.response!.tUs - b.response!.tUs);

/** The ladder of the connection of the engine's first mismatch, every event of it, keys from the spill. */
async function ladderOfFirstMismatch(): Promise<{ layout: LadderLayout; events: number[]; conn: number }> {
  const conn = mismatches()[0].conn;
  const lane = store.lanes.indexOf(conn);
  const events = laneEvents(store, lane);
  const briefs = new Map<number, EventBrief>((await built.details.briefs(events)).map((b) => [b.event, b]));
  return { layout: ladderLayout(ladderInput(store, events, (e) => briefs.get(e))), events, conn };
}

describe('the ladder of one connection', () => {
  test('every request and answer of the connection has its arrow, at its own row; rows go down in time order', async () => {
    const { layout, events, conn } = await ladderOfFirstMismatch();
    const messages = events.filter((e) => store.kind[e] === EventKind.request || store.kind[e] === EventKind.response);
    const engineCount = engine.summary.findings.mismatch;
    assert.ok(messages.length > 2 * engineCount, `connection ${conn} has its messages`);
    for (const e of messages) {
      const kind = store.kind[e] === EventKind.request ? 'request' : 'response';
      const arrows = layout.arrows.filter((a) => a.kind === kind && a.event === e);
      assert.equal(arrows.length, 1, `${kind} #${store.seq[e]} has one arrow`);
      const row = layout.rows.find((r) => r.event === e && r.kind === kind);
      assert.ok(row, `${kind} #${store.seq[e]} has a row`);
      const [a] = arrows;
      assert.deepEqual([a.y1, a.y2], [row.y, row.y]);
      // requests go to the server, answers come back to the client
      assert.deepEqual(kind === 'request' ? [a.x1, a.x2] : [a.x2, a.x1], [layout.clientX, layout.serverX]);
    }
    for (let k = 1; k < layout.rows.length; k++) {
      assert.ok(layout.rows[k].tUs >= layout.rows[k - 1].tUs, 'rows in time order');
      assert.ok(layout.rows[k].y >= layout.rows[k - 1].y + layout.rowPx, 'each row below the one before, a row apart');
    }
    // every give-up the engine found on the connection is a mark on the client's column, at its time
    const timeouts = engine.findings.filter((f) => f.kind === 'timeout' && f.conn === conn);
    assert.ok(timeouts.length > 0);
    const giveUps = layout.marks.filter((m) => m.kind === 'giveUp');
    assert.equal(giveUps.length, timeouts.length);
    for (const m of giveUps) assert.equal(m.x, layout.clientX);
  });

  test('a mismatch is a red arrow from the answer taken to the request that took it, labelled with both keys', async () => {
    const { layout, conn } = await ladderOfFirstMismatch();
    const onConn = mismatches().filter((f) => f.conn === conn);
    const arcs = layout.arrows.filter((a) => a.kind === 'mismatch');
    assert.equal(arcs.length, onConn.length);
    const yOf = (event: number, kind: string) => layout.rows.find((r) => r.event === event && r.kind === kind)?.y;
    onConn.forEach((f, k) => {
      const a = arcs.find((x) => store.seq[x.request] === f.request!.seq);
      assert.ok(a, `the mismatch of request #${f.request!.seq} is drawn`);
      assert.equal(a.tone, 'mismatch');
      assert.deepEqual([store.seq[a.event], store.tUs[a.event]], [f.response!.seq, f.response!.tUs], 'it starts at the answer taken');
      assert.deepEqual([store.seq[a.answers], store.tUs[a.request]], [f.answers!.seq, f.request!.tUs], 'and ends at the request that took it');
      assert.deepEqual([a.y1, a.y2], [yOf(a.event, 'response'), yOf(a.request, 'request')]);
      assert.deepEqual([a.x1, a.x2], [layout.clientX, layout.clientX]);
      const label = `#${f.answers!.seq} asked ${f.answers!.key} → taken by #${f.request!.seq} asked ${f.request!.key}`;
      if (k === 0) assert.equal(a.label, label);
      assert.equal(a.title, label);
    });
  });

  test('the 31 mismatches of one connection stay apart: arcs whose rows overlap reach out to different columns', async () => {
    const { layout } = await ladderOfFirstMismatch();
    const arcs = layout.arrows.filter((a) => a.kind === 'mismatch');
    let overlapping = 0;
    for (let i = 0; i < arcs.length; i++) {
      for (let j = i + 1; j < arcs.length; j++) {
        const [a, b] = [arcs[i], arcs[j]];
        const apart = Math.max(a.y1, a.y2) < Math.min(b.y1, b.y2) || Math.max(b.y1, b.y2) < Math.min(a.y1, a.y2);
        if (apart) continue;
        overlapping++;
        assert.notEqual(a.bendX, b.bendX, `the arcs of requests #${store.seq[a.request]} and #${store.seq[b.request]} overlap`);
      }
    }
    assert.ok(overlapping > 0, 'some arcs overlap in time: the case to tell apart');
    for (const a of arcs) assert.ok(a.bendX < layout.clientX && a.bendX > 0);
  });

  test('a long gap is cut to a break mark that says how long; near events keep their rhythm', () => {
    const ev = (event: number, tUs: number, kind: number): LadderEvent => ({
      event,
      tUs,
      kind: kind as LadderEvent['kind'],
      seq: 1 + (event >> 1),
      answers: kind === EventKind.response ? event - 1 : -1,
      key: `k:${event >> 1}`,
      text: `get k:${event >> 1}`,
    });
    const events = [ev(0, 0, 0), ev(1, 1000, 1), ev(2, 2000, 0), ev(3, 3000, 1), ev(4, 10_003_000, 0), ev(5, 10_004_000, 1)];
    const layout = ladderLayout({ conn: 7, events, findings: [] });
    assert.deepEqual(
      layout.breaks.map((b) => b.gapUs),
      [10_000_000],
    );
    const [r3, r4] = [layout.rows[3], layout.rows[4]];
    assert.ok(layout.breaks[0].y > r3.y && layout.breaks[0].y < r4.y, 'between the rows it separates');
    assert.match(layout.breaks[0].label, /10\.000 s/);
    // the gaps of 1 ms take the same room; the 10 s gap is not 10 000 times as long
    const d = (k: number) => layout.rows[k].y - layout.rows[k - 1].y;
    assert.deepEqual([d(2), d(3), d(5)], [d(1), d(1), d(1)]);
    assert.ok(d(4) < 4 * d(1));
    const svg = ladderSvg(layout, LADDER_LIGHT);
    assert.equal((svg.match(/data-role="break"/g) ?? []).length, 1);
    // no gap long enough: no break
    assert.deepEqual(ladderLayout({ conn: 7, events: events.slice(0, 4), findings: [] }).breaks, []);
  });

  test('the SVG carries each arrow as a group naming its events, in the theme colours, text escaped', () => {
    const hostile = '<script>alert(1)</script> & "x"';
    const events: LadderEvent[] = [
      { event: 10, tUs: 0, kind: EventKind.request, seq: 1, answers: -1, key: 'a', text: `get a ${hostile}` },
      { event: 11, tUs: 10, kind: EventKind.request, seq: 2, answers: -1, key: 'b', text: 'get b' },
      { event: 12, tUs: 20, kind: EventKind.response, seq: 1, answers: 10, key: null, text: 'VALUE a' },
    ];
    const mismatch: TimelineFinding = { kind: 'mismatch', tUs: 20, conn: 3, event: 12, request: 11, response: 12, answers: 10, text: '' };
    const svg = ladderSvg(ladderLayout({ conn: 3, events, findings: [mismatch] }), LADDER_LIGHT);
    assert.ok(!svg.includes('<script'), 'markup from the transcript is text');
    assert.ok(svg.includes('&lt;script&gt;'));
    assert.match(svg, /<g data-kind="mismatch" data-event="12" data-request="11" data-answers="10">/);
    assert.match(svg, new RegExp(`<path d="[^"]+" stroke="${LADDER_LIGHT.mismatch}"`));
    assert.ok(svg.includes('#1 asked a → taken by #2 asked b'));
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  });

  test('a window of a long connection is centred on the event asked for', () => {
    const lane = store.lanes.indexOf(mismatches()[0].conn);
    const events = laneEvents(store, lane);
    const at = events[Math.floor(events.length / 2)];
    const [from, to] = windowAround(store, events, at, 20);
    assert.equal(to - from, 20);
    assert.ok(events.indexOf(at) >= from && events.indexOf(at) < to);
    assert.deepEqual(windowAround(store, events, at, events.length + 5), [0, events.length]);
  });
});

describe('labels that keep the key', () => {
  const fits = (n: number) => (s: string) => s.length <= n;
  test('a summary too long is cut in its command, never in its key', () => {
    const text = 'get_paths domain=mail key=msg:1032';
    assert.equal(fitKeepingKey(text, 'msg:1032', fits(100)), text);
    assert.equal(fitKeepingKey(text, 'msg:1032', fits(22)), 'get_paths…key=msg:1032');
    assert.equal(fitKeepingKey(text, 'msg:1032', fits(13)), '…key=msg:1032');
    assert.equal(fitKeepingKey('SELECT v FROM t WHERE k=user:7 AND x=1', 'user:7', fits(12)), '…k=user:7…');
    assert.equal(fitKeepingKey(text, 'msg:1032', fits(9)), '…msg:1032');
    // no key: cut at the end, as before
    assert.equal(fitKeepingKey(text, null, fits(10)), 'get_paths…');
    for (let n = 9; n < text.length; n++) assert.ok(fitKeepingKey(text, 'msg:1032', fits(n)).includes('msg:1032'), `room ${n}`);
  });

  test('overlapping spans get different levels; spans apart share the lowest', () => {
    assert.deepEqual(
      stackSpans([
        [0, 10],
        [5, 15],
        [12, 20],
        [30, 40],
      ]),
      [0, 1, 0, 0],
    );
    assert.deepEqual(
      stackSpans([
        [10, 0],
        [9, 1],
        [8, 2],
      ]),
      [0, 1, 2],
    );
  });
});
