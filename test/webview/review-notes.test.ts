// Review notes in the timeline webview (headless Chromium, the real bundle): the notes the host sends are marked on
// the timeline and shown with the selected event's details; the view reports what is selected (the cursor's event and
// finding, a time range dragged with Shift) to the host; and the host's `select` puts the cursor on an event.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { TimelineSelection } from '../../webview/review-protocol';
import { WebviewHarness } from './harness';

const TRANSCRIPT = join(resolve(__dirname, '../..'), 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl');
let h: WebviewHarness;
before(async () => {
  h = await WebviewHarness.open();
  await h.load(TRANSCRIPT);
});
after(async () => {
  await h?.close();
});

const selections = () => h.fromWebview.flatMap((m) => (m.type === 'selection' ? [m.selection] : []));

test('the cursor on a finding is reported as the selection; select puts the cursor on an event', async () => {
  const cursor = await h.command('nextFinding');
  assert.equal(cursor?.findingKind, 'mismatch');
  const sel = selections().at(-1) as TimelineSelection;
  assert.equal(sel.event, cursor?.event);
  assert.deepEqual(sel.finding, { kind: 'mismatch', event: cursor?.event });
  assert.ok(sel.conn > 0 && sel.tUs > 0);
  await h.post({ type: 'select', id: 9001, event: 12 });
  const done = await h.waitFor((m) => m.type === 'commandDone' && m.id === 9001);
  assert.equal(done.type === 'commandDone' && done.cursor.event, 12);
  assert.equal(selections().at(-1)?.event, 12);
});

test('notes are marked on the timeline and shown with their event; Shift+drag selects a range', async () => {
  const at = (await h.command('nextFinding'))!;
  const sel = selections().at(-1) as TimelineSelection;
  await h.post({
    type: 'notes',
    notes: [{ id: 1, on: 'finding', event: at.event, tUs: sel.tUs, toUs: null, conn: sel.conn, text: 'first wrong answer <b>not bold</b>' }],
  });
  await h.waitForText('#review-notes .review-note-text', 'first wrong answer <b>not bold</b>');
  await h.command('fitAll');
  const marked = await h.evaluate<string>(
    `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(document.getElementById('review-marks').dataset.notes))))`,
  );
  assert.equal(marked, '1');
  const box = (await h.page.locator('#plot').boundingBox())!;
  await h.page.keyboard.down('Shift');
  await h.page.mouse.move(box.x + 300, box.y + 60);
  await h.page.mouse.down();
  await h.page.mouse.move(box.x + 500, box.y + 60, { steps: 5 });
  await h.page.mouse.up();
  await h.page.keyboard.up('Shift');
  const range = (await h.waitFor((m) => m.type === 'selection' && m.selection.range !== null)).type === 'selection' ? selections().at(-1)!.range! : null;
  assert.ok(range && range.toUs > range.fromUs, 'a range was selected');
  assert.ok(range.conn !== null, 'on the lane where the drag started');
  assert.ok(range.event >= 0, 'with its first event');
});
