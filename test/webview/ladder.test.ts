// The ladder pane and the lanes' hover card and legend in headless Chromium, on the bundled 2008 replay: the first
// mismatch is a red arrow from the late answer to the request that took it, both keys written as the engine names
// them; the ladder follows the timeline's cursor and a click on it selects an event; the lanes tell what is under
// the pointer and what each mark means. Expected values come from the engine (analyzeTranscript), not from here.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeTranscript, type Finding } from '../../extension/core/pairing';
import { fmtTime } from '../../webview/viewport';
import { freshDir, HOSTILE, write2008Like, writeHostile } from '../helpers/timeline-fixtures';
import { ARTIFACTS, MISMATCH_RGB, WebviewHarness } from './harness';

const dir = freshDir('ir-ladder-');
const BUNDLED = resolve(__dirname, '../../replays/mogilefs-2008/mogilefs-2008.transcript.jsonl');

async function replay2008(): Promise<string> {
  return existsSync(BUNDLED) ? BUNDLED : write2008Like(join(dir, 'desync-2008.transcript.jsonl'));
}

/** The engine's first mismatch: the one whose taken answer comes first in the transcript (the list's order). */
function firstMismatch(findings: Finding[]): Finding & Required<Pick<Finding, 'request' | 'response' | 'answers'>> {
  const mm = findings.filter((f) => f.kind === 'mismatch').sort((a, b) => (a.response?.line ?? 0) - (b.response?.line ?? 0));
  const f = mm[0];
  assert.ok(f?.request && f.answers && f.response, 'the engine finds a mismatch with both requests');
  return f as Finding & Required<Pick<Finding, 'request' | 'response' | 'answers'>>;
}

const hex = (rgb: readonly number[]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/** Polls (from outside: the CSP forbids the eval waitForFunction needs for page code) until `read` gives a value. */
async function until<T>(read: () => Promise<T | null | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the ladder of a connection, in Chromium', { timeout: 300_000 }, () => {
  let h: WebviewHarness;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await WebviewHarness.open();
  });
  after(() => h?.close());

  test('the first mismatch of the 2008 replay: a red arrow from the late answer to the request that took it, both keys written', async () => {
    const file = await replay2008();
    const mm = firstMismatch((await analyzeTranscript(file)).findings);
    const [owner, taker, resp] = [mm.answers, mm.request, mm.response];
    await h.load(file);
    const item = h.page.locator('#findings li[data-kind="mismatch"]').first();
    const event = Number(await item.getAttribute('data-event'));
    await item.locator('.ladder-button').click();
    const label = `#${owner.seq} asked ${owner.key} → taken by #${taker.seq} asked ${taker.key}`;
    await h.waitForText('#ladder', label);
    assert.equal(await h.page.locator('#ladder-pane').getAttribute('data-conn'), String(mm.conn));
    const arrow = h.page.locator(`#ladder g[data-kind="mismatch"][data-event="${event}"]`);
    assert.equal(await arrow.count(), 1, 'one mismatch arrow starts at the answer taken');
    assert.equal(await arrow.locator('text').textContent(), label);
    assert.equal(await arrow.locator('path').first().getAttribute('stroke'), hex(MISMATCH_RGB), 'drawn in the theme red');
    // its ends: the answer (an arrow to the client naming the request it answers) and the request that took it
    const request = Number(await arrow.getAttribute('data-request'));
    const answer = await h.page.locator(`#ladder g[data-kind="response"][data-event="${event}"] text`).textContent();
    assert.ok(answer?.startsWith(`#${resp.seq} late, answers ${owner.key}`), `the answer's arrow: ${answer}`);
    const took = await h.page.locator(`#ladder g[data-kind="request"][data-event="${request}"] text`).textContent();
    assert.ok(took?.startsWith(`#${taker.seq} `) && took.endsWith(`key=${taker.key}`), `the taking request's arrow: ${took}`);
    // the arrow goes from the answer's row up to the request's: the request was sent before the answer came
    const rowY = (e: number, kind: string) =>
      h.page.locator(`#ladder [data-role="rows"] rect[data-event="${e}"][data-row="${kind}"]`).getAttribute('y').then(Number);
    const [yAnswer, yRequest] = [await rowY(event, 'response'), await rowY(request, 'request')];
    assert.equal(yRequest < yAnswer, taker.tUs < resp.tUs);
    // the cursor's row is banded and in view
    assert.equal(await h.page.locator('#ladder [data-role="cursor"]').getAttribute('data-event'), String(event));
    await h.screenshot('ladder-2008-first-mismatch');
    assert.deepEqual(h.pageErrors, []);
  });

  test('the ladder follows the cursor: a step bands the next row of the connection and scrolls to it; a click selects', async () => {
    await h.load(await replay2008());
    const first = await h.command('nextFinding');
    assert.ok(first && first.event >= 0);
    await h.page.locator('#timeline').focus();
    await h.page.keyboard.press('l');
    const band = h.page.locator('#ladder [data-role="cursor"]');
    await until(async () => ((await band.count()) > 0 ? band.getAttribute('data-event') : null), 'the ladder');
    assert.equal(await band.getAttribute('data-event'), String(first.event));
    // step until the cursor is on an event of the ladder's connection (the lanes interleave)
    let at = first.event;
    for (let k = 0; k < 60 && (at === first.event || (await h.page.locator(`#ladder [data-role="rows"] rect[data-event="${at}"]`).count()) === 0); k++) {
      at = (await h.command('stepForward'))?.event ?? -1;
    }
    assert.notEqual(at, first.event);
    assert.equal(await band.getAttribute('data-event'), String(at), 'the band moved to the new cursor');
    const [y, top, height] = [
      Number(await band.getAttribute('y')),
      await h.evaluate<number>(`document.querySelector('#ladder').scrollTop`),
      await h.evaluate<number>(`document.querySelector('#ladder').clientHeight`),
    ];
    assert.ok(y >= top && y <= top + height, `the row (y ${y}) is in view (${top}…${top + height})`);
    // a click on a request's arrow selects that request in the timeline
    const other = h.page.locator('#ladder g[data-kind="request"]').nth(3);
    const picked = Number(await other.getAttribute('data-event'));
    await other.locator('text').click();
    await h.waitFor((m) => m.type === 'stateChanged' && m.state.cursor === picked);
    assert.equal(await band.getAttribute('data-event'), String(picked));
    // Escape closes it
    await h.page.keyboard.press('Escape');
    assert.equal(await h.page.locator('#ladder-pane').isHidden(), true);
    assert.deepEqual(h.pageErrors, []);
  });

  test('a hostile transcript in the ladder and the hover card stays text: no element injected, no script run', async () => {
    await h.load(await writeHostile(join(dir, 'hostile.transcript.jsonl')));
    await h.command('stepForward');
    await h.page.keyboard.press('l');
    // the markup and the script end tag show as text (they come in the texts the ladder asks for)
    await h.waitForText('#ladder', HOSTILE.img);
    await h.waitForText('#ladder', '</script>');
    const canvas = h.page.locator('#timeline');
    const xy = await until(async () => canvas.getAttribute('data-cursor-at'), 'the cursor drawn');
    const box = await canvas.boundingBox();
    assert.ok(box);
    const [x, y] = xy.split(',').map(Number);
    await h.page.mouse.move(box.x + x, box.y + y);
    await h.waitForText('#hover-card', HOSTILE.img);
    assert.equal(await h.page.locator('img, script:not([nonce]), b').count(), 0);
    assert.equal(await h.evaluate('typeof window.__pwned'), 'undefined');
    assert.deepEqual(h.dialogs, []);
    assert.deepEqual(h.pageErrors, []);
  });

  test("a lane's name opens its connection's ladder", async () => {
    const file = await replay2008();
    await h.load(file);
    const firstConn = (JSON.parse(readFileSync(file, 'utf8').split('\n')[1]) as { c: number }).c;
    const box = await h.page.locator('#timeline').boundingBox();
    assert.ok(box);
    // the first lane's label, in the gutter left of the plot (viewport.ts: a 22 px axis, then 24 px lanes)
    await h.page.mouse.click(box.x + 20, box.y + 22 + 12);
    await until(async () => h.page.locator('#ladder-pane').getAttribute('data-conn'), 'the ladder');
    assert.equal(await h.page.locator('#ladder-pane').getAttribute('data-conn'), String(firstConn));
    assert.match((await h.page.locator('#ladder-title').textContent()) ?? '', new RegExp(`conn ${firstConn}\\b`));
  });

  test('the lanes: a hover card tells the event under the pointer and what it is paired with; a legend names the marks', async () => {
    const file = await replay2008();
    const mm = firstMismatch((await analyzeTranscript(file)).findings);
    const [owner, taker, resp] = [mm.answers, mm.request, mm.response];
    await h.load(file);
    await h.command('nextFinding');
    for (let k = 0; k < 6; k++) await h.page.keyboard.press('+');
    const canvas = h.page.locator('#timeline');
    const xy = await until(async () => canvas.getAttribute('data-cursor-at'), 'the cursor drawn');
    const [x, y] = xy.split(',').map(Number);
    const box = await canvas.boundingBox();
    assert.ok(box);
    await h.page.mouse.move(box.x + x, box.y + y);
    const card = h.page.locator('#hover-card');
    const expected = [
      `response #${resp.seq} · conn ${mm.conn}`,
      `at ${fmtTime(resp.tUs)}`,
      `paired with request #${owner.seq}, ${owner.key} sent at ${fmtTime(owner.tUs)}`,
      'late: the client had given up on it',
      `taken by request #${taker.seq}, ${taker.key}: a mismatch`,
    ];
    const lines = await until(async () => {
      const l = await card.locator('div').allTextContents();
      return expected.every((e) => l.includes(e)) ? l : null;
    }, 'the hover card');
    assert.equal(lines[0], expected[0]);
    await h.screenshot('timeline-hover-card');
    await h.page.mouse.move(box.x + box.width - 2, box.y + 2);
    assert.equal(await card.isHidden(), true, 'off the events, the card goes');
    // the legend: each kind of mark, in the colour the canvas draws it
    const legend = await h.page.locator('#legend .legend-item').allTextContents();
    for (const word of ['request', 'response', 'mismatch', 'timeout', 'late'])
      assert.ok(
        legend.some((t) => t.includes(word)),
        `the legend names ${word}: ${legend.join(' | ')}`,
      );
    const red = await h.page
      .locator('#legend .legend-mismatch')
      .evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);
    assert.equal(red, `rgb(${MISMATCH_RGB.join(', ')})`);
    assert.deepEqual(h.pageErrors, []);
  });
});
