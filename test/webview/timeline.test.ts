// The timeline webview in headless Chromium, fed by a stand-in host: the 2008 desync is listed and drawn in red,
// stepping moves the cursor and the details pane, hostile transcripts stay text, a million events load.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshDir, HOSTILE, write2008Like, writeHostile, writeSynthetic } from '../helpers/timeline-fixtures';
import { ARTIFACTS, MISMATCH_RGB, WebviewHarness } from './harness';

const dir = freshDir('ir-webview-');
const BUNDLED = resolve(__dirname, '../../replays/mogilefs-2008/mogilefs-2008.transcript.jsonl');

/** The bundled replay when it is there, else the same desync written by hand. */
async function replay2008(): Promise<string> {
  return existsSync(BUNDLED) ? BUNDLED : write2008Like(join(dir, 'desync-2008.transcript.jsonl'));
}

async function text(h: WebviewHarness, selector: string): Promise<string> {
  return (await h.page.locator(selector).first().textContent()) ?? '';
}

/** Waits until the canvas says it drew labels (their texts come from the host on demand); the page's CSP forbids
 *  the eval that waitForFunction polls with, so this polls from outside. */
async function labelsDrawn(h: WebviewHarness, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const n = await h.evaluate<number>(`Number(document.querySelector('#timeline').dataset.labels) || 0`);
    if (n > 0 || Date.now() > end) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pixels of the canvas in the mismatch colour. */
async function redPixels(h: WebviewHarness): Promise<number> {
  const [r, g, b] = MISMATCH_RGB;
  return h.evaluate<number>(`(() => {
    const c = document.querySelector('#timeline');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - ${r}) < 8 && Math.abs(d[i + 1] - ${g}) < 8 && Math.abs(d[i + 2] - ${b}) < 8) n++;
    return n;
  })()`);
}

describe('timeline webview in Chromium', { timeout: 600_000 }, () => {
  let h: WebviewHarness;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await WebviewHarness.open();
  });
  after(() => h?.close());

  test('the first mismatch of the 2008 replay is listed first among mismatches and drawn in red', async () => {
    await h.load(await replay2008());
    const summary = await text(h, '#summary');
    assert.match(summary, /mismatch/);
    const first = h.page.locator('#findings li[data-kind="mismatch"]').first();
    assert.match((await first.textContent()) ?? '', /took the answer/);
    assert.ok((await redPixels(h)) > 20, 'the mismatch line and marks are drawn in the theme red');
    // the chunks carry no texts: the labels drawn are asked of the host, and drawn when they come
    assert.ok((await labelsDrawn(h, 10_000)) > 0, 'labels are drawn');
    assert.ok(h.textsAsked > 0 && h.textsAsked <= (h.summary?.events ?? 0), `texts asked: ${h.textsAsked}`);
    await first.click();
    const state = await h.waitFor((m) => m.type === 'stateChanged' && m.state.cursor >= 0);
    const mismatch = h.summary && (await h.command('stepBack'));
    assert.ok(mismatch);
    assert.equal(state.type === 'stateChanged' && state.state.cursor, mismatch.event + 1);
    await h.command('nextFinding');
    await h.screenshot('timeline-2008-mismatch');
    assert.match(await text(h, '#details-title'), /response/);
    assert.deepEqual(h.dialogs, []);
    assert.deepEqual(h.pageErrors, []);
  });

  test('stepping with the keys and the buttons moves the cursor and the details pane', async () => {
    await h.load(await replay2008());
    await h.page.locator('#timeline').focus();
    await h.page.keyboard.press('ArrowRight');
    await h.waitForText('#details-meta', 'event 1 at');
    await h.page.keyboard.press('ArrowRight');
    await h.waitForText('#details-meta', 'event 2 at');
    await h.page.locator('vscode-button[data-command="stepForward"]').click();
    await h.waitForText('#details-meta', 'event 3 at');
    const back = await h.command('stepBack');
    assert.equal(back?.event, 1);
    await h.waitForText('#details-meta', 'event 2 at');
    const next = await h.command('nextFinding');
    assert.ok(next && next.finding >= 0 && next.event > 1);
    await h.waitForText('#details-meta', `event ${next.event + 1} at`);
    await h.screenshot('timeline-2008-stepped');
  });

  test('the view (cursor, zoom) survives a reload through getState', async () => {
    await h.load(await replay2008());
    const f = await h.command('nextFinding');
    await h.page.keyboard.press('+');
    await h.waitFor((m) => m.type === 'stateChanged' && m.state.cursor === f?.event);
    await new Promise((r) => setTimeout(r, 300)); // the zoom's state write is debounced
    const saved = await h.evaluate<{ usPerPx: number }>(`JSON.parse(sessionStorage.getItem('irState'))`);
    await h.reload();
    const again = await h.command('pause');
    assert.equal(again?.event, f?.event);
    const restored = await h.evaluate<{ usPerPx: number }>(`JSON.parse(sessionStorage.getItem('irState'))`);
    assert.equal(restored.usPerPx, saved.usPerPx);
  });

  test('a hostile transcript renders as text: no script runs, no element is injected, it stays responsive', async () => {
    await h.load(await writeHostile(join(dir, 'hostile.transcript.jsonl')));
    const seen: string[] = [];
    for (let i = 0; i < (h.summary?.events ?? 0); i++) {
      const c = await h.command('stepForward');
      assert.equal(c?.event, i);
      await h.waitForText('#details-meta', `event ${i + 1} at`);
      seen.push((await text(h, '#details')) ?? '');
    }
    const all = seen.join('\n');
    assert.ok(all.includes(HOSTILE.img), 'the markup shows as text');
    assert.ok(all.includes('</script>'), 'the script end tag shows as text');
    assert.ok(all.includes('more bytes not shown'), 'the 10 MB line shows its first 64 KiB');
    assert.equal(await h.evaluate('typeof window.__pwned'), 'undefined');
    assert.equal(await h.page.locator('img, script:not([nonce])').count(), 0);
    assert.deepEqual(h.dialogs, []);
    assert.deepEqual(h.pageErrors, []);
    await h.screenshot('timeline-hostile');
  });

  test('a generated 1M-event transcript becomes interactive', async () => {
    const file = await writeSynthetic(join(dir, 'million.transcript.jsonl'), { events: 1_000_000, connections: 16, desyncEvery: 20_000 });
    await h.load(file, 240_000);
    assert.ok((h.summary?.events ?? 0) >= 1_000_000);
    assert.ok(h.firstFrameMs > 0 && h.firstFrameMs < h.loadMs, `the first chunk is drawn before the rest has loaded: ${h.firstFrameMs} ms, all ${h.loadMs} ms`);
    assert.match(await text(h, '#summary'), /1,000,0\d\d events/);
    const f = await h.command('nextFinding');
    assert.ok(f && f.finding === 0 && f.event > 0);
    await h.waitForText('#details-meta', `event ${f.event + 1} at`, 30_000);
    // zoomed in on the finding, its neighbours are labelled: only their texts were asked for, not a million
    for (let i = 0; i < 16; i++) await h.page.keyboard.press('+');
    assert.ok((await labelsDrawn(h, 30_000)) > 0, 'labels are drawn');
    assert.ok(h.textsAsked > 0 && h.textsAsked < 20_000, `texts asked: ${h.textsAsked}`);
    // drag to pan and wheel to zoom: the page keeps answering
    const box = await h.page.locator('#timeline').boundingBox();
    assert.ok(box);
    await h.page.mouse.move(box.x + box.width / 2, box.y + 60);
    await h.page.mouse.down();
    await h.page.mouse.move(box.x + box.width / 2 - 300, box.y + 60, { steps: 10 });
    await h.page.mouse.up();
    await h.page.mouse.wheel(0, 400);
    const fit = await h.command('fitAll');
    assert.equal(fit?.event, f.event);
    await h.screenshot('timeline-1m');
    assert.deepEqual(h.pageErrors, []);
  });
});
