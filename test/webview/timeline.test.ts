// The timeline webview in headless Chromium, fed by a stand-in host: the 2008 desync is listed first and drawn in
// red, the findings filter and Next Finding agree with the engine's counts, the details pane states the pairing,
// stepping moves the cursor and the details pane, hostile transcripts stay text, a million events load.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeTranscript, type Finding } from '../../extension/core/pairing';
import { freshDir, header, HOSTILE, write2008Like, writeHostile, writeSynthetic } from '../helpers/timeline-fixtures';
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

/** The kinds of the findings listed, in list order. */
async function listedKinds(h: WebviewHarness): Promise<string[]> {
  return h.page.locator('#findings li').evaluateAll((lis) => lis.map((li) => (li as unknown as { dataset: { kind: string } }).dataset.kind));
}

/** The engine's first mismatch: the one whose taken answer comes first in the transcript (the list's order). */
function firstMismatch(findings: Finding[]): Finding {
  const mm = findings.filter((f) => f.kind === 'mismatch').sort((a, b) => (a.response?.line ?? 0) - (b.response?.line ?? 0));
  assert.ok(mm[0]?.request && mm[0].answers && mm[0].response, 'the engine finds a mismatch with both requests');
  return mm[0];
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

  test('the findings list puts mismatches first, counts each kind as the engine does, and filters by kind from the keyboard', async () => {
    const file = await replay2008();
    const engine = await analyzeTranscript(file);
    await h.load(file);
    const kinds = await listedKinds(h);
    assert.equal(kinds[0], 'mismatch', 'the first finding listed is a mismatch');
    assert.equal(kinds.lastIndexOf('mismatch'), engine.summary.findings.mismatch - 1, 'every mismatch comes before any other kind');
    for (const [kind, n] of Object.entries(engine.summary.findings)) {
      const chip = h.page.locator(`#findings-kinds [data-kind="${kind}"]`);
      if (n === 0) assert.equal(await chip.count(), 0, `no chip for ${kind}: none found`);
      else assert.equal(((await chip.textContent()) ?? '').replace(/\s+/g, ' ').trim(), `${kind} ${n}`);
    }
    await h.page.locator('#findings-kinds [data-kind="mismatch"]').click();
    const mismatches = await listedKinds(h);
    assert.equal(mismatches.length, engine.summary.findings.mismatch);
    assert.ok(
      mismatches.every((k) => k === 'mismatch'),
      `only mismatches: ${[...new Set(mismatches)].join(', ')}`,
    );
    await h.screenshot('timeline-2008-filtered-mismatches');
    // Next/Previous Finding walk the filtered list in its order, and wrap around
    const n1 = await h.command('nextFinding');
    const n2 = await h.command('nextFinding');
    assert.deepEqual([n1?.finding, n1?.findingKind, n2?.finding, n2?.findingKind], [0, 'mismatch', 1, 'mismatch']);
    const listed = await h.page
      .locator('#findings li')
      .evaluateAll((lis) => lis.map((li) => Number((li as unknown as { dataset: { event: string } }).dataset.event)));
    assert.deepEqual([n1?.event, n2?.event], listed.slice(0, 2));
    await h.command('prevFinding');
    const wrapped = await h.command('prevFinding');
    assert.deepEqual([wrapped?.finding, wrapped?.event], [mismatches.length - 1, listed[listed.length - 1]]);
    // the chips are buttons in the tab order: Tab to the next kind, Space adds it to the filter
    await h.page.keyboard.press('Tab');
    await h.page.keyboard.press('Space');
    const two = await listedKinds(h);
    const next = Object.entries(engine.summary.findings).find(([k, n]) => k !== 'mismatch' && n > 0 && two.includes(k));
    assert.ok(next, `a second kind is shown: ${[...new Set(two)].join(', ')}`);
    assert.equal(two.length, engine.summary.findings.mismatch + next[1]);
  });

  test('the details pane states the pairing: which request an answer answers, which request took it, and the waits', async () => {
    const file = await replay2008();
    const mm = firstMismatch((await analyzeTranscript(file)).findings);
    const [taker, owner] = [mm.request!, mm.answers!];
    await h.load(file);
    await h.page.locator('#findings li').first().click();
    await h.waitForText('#details-pairing', 'Taken by');
    const pairing = (await text(h, '#details-pairing')).replace(/\s+/g, ' ');
    assert.match(await text(h, '#details-title'), new RegExp(`^response #${mm.response!.seq} on connection ${mm.conn}$`));
    for (const s of [`Answers request #${owner.seq} (asked ${owner.key}, sent at`, `Taken by request #${taker.seq} (asked ${taker.key}, sent at`, 'waited']) {
      assert.ok(pairing.includes(s), `the pairing says "${s}": ${pairing}`);
    }
    await h.screenshot('timeline-2008-pairing');
    // the request it answers, seen from that request: answered by it, after the client gave up
    const timeout = h.page.locator('#findings li[data-kind="timeout"]', { hasText: `request #${owner.seq} "` }).first();
    await timeout.click();
    await h.waitForText('#details-pairing', 'Timed out');
    const asked = await text(h, '#details-pairing');
    assert.match(asked, new RegExp(`Answered by response #${mm.response!.seq} at .+ after it was sent`));
    assert.match(asked, /Timed out: the client gave up on it at .+ after sending it; its answer came .+ later/);
  });

  test('the selected finding and the filter survive a reload; a forged state is checked, not trusted', async () => {
    await h.load(await replay2008());
    await h.page.locator('#findings-kinds [data-kind="mismatch"]').click();
    const second = h.page.locator('#findings li').nth(1);
    const event = Number(await second.getAttribute('data-event'));
    await second.click();
    await h.waitFor((m) => m.type === 'stateChanged' && m.state.finding?.event === event);
    await h.reload();
    assert.equal(await h.page.locator('#findings-kinds [data-kind="mismatch"]').getAttribute('checked'), '');
    assert.ok((await listedKinds(h)).every((k) => k === 'mismatch'));
    assert.equal(await h.page.locator('#findings li[aria-current]').getAttribute('data-event'), String(event));
    await h.waitForText('#details-pairing', 'Taken by');
    assert.deepEqual(await h.command('nextFinding').then((c) => c?.finding), 2, 'Next Finding goes on from the restored one');
    // a state another version (or a hostile page) wrote: unknown kinds, a finding not in the list, a bad connection
    await h.evaluate(`(() => {
      const s = JSON.parse(sessionStorage.getItem('irState'));
      sessionStorage.setItem('irState', JSON.stringify({ ...s, cursor: -1, finding: { kind: 'mismatch', event: 1e9 }, filter: { kinds: ['<b>', 'timeout'], conn: -3 } }));
    })()`);
    await h.reload();
    assert.ok(
      (await listedKinds(h)).every((k) => k === 'timeout'),
      'the known kind of the filter is kept',
    );
    assert.equal(await h.page.locator('#findings li[aria-current]').count(), 0);
    assert.match(await text(h, '#details-title'), /^Nothing selected/);
    assert.deepEqual(h.pageErrors, []);
  });

  test('the details pane never stays on Loading…: nothing selected, an empty transcript and a failed load each say so', async () => {
    await h.load(await replay2008());
    assert.match(await text(h, '#details-title'), /^Nothing selected: click an event or a finding/);
    const empty = join(dir, 'empty.transcript.jsonl');
    writeFileSync(empty, header({ tool: 'test' }) + '\n');
    await h.load(empty);
    assert.equal(await text(h, '#details-title'), 'This transcript is empty: it holds no events to show.');
    await h.screenshot('timeline-empty');
    // the host reports a load that failed (a file that is not a transcript) after `load`
    await h.post({ type: 'load', source: 'file:///x.jsonl', title: 'x.jsonl' });
    await h.post({ type: 'error', message: 'x.jsonl:1: not a transcript (no header line)' });
    assert.equal(await text(h, '#details-title'), 'The transcript could not be loaded: x.jsonl:1: not a transcript (no header line)');
  });

  test('a chunk whose packed bytes cannot be read fails the load in words, and a chunk of the load before is not taken', async () => {
    const summary = h.summary;
    assert.ok(summary);
    const good = { start: 0, count: 1, newLanes: [], findings: [] };
    h.fromWebview.length = 0;
    await h.post({ type: 'load', source: 'file:///bad.jsonl', title: 'bad.jsonl' });
    // not deflate at all: the page's inflate fails, and the done after it is not taken as a whole model
    await h.post({ type: 'chunk', chunk: { ...good, bytes: Uint8Array.from([0xff, 0xfe, 0xfd, 0xfc]) } });
    await h.post({ type: 'done', summary });
    await h.waitFor((m) => m.type === 'log' && /a chunk could not be read/.test(m.message));
    assert.match(await text(h, '#details-title'), /^The transcript could not be loaded: the timeline's data could not be read: /);
    assert.equal((await text(h, '#summary')).startsWith("the timeline's data could not be read"), true);
    assert.equal(h.fromWebview.filter((m) => m.type === 'interactive').length, 0, 'no model was said to be whole');
    // a good load after it is drawn as usual
    await h.load(await replay2008());
    assert.match(await text(h, '#summary'), /mismatch/);
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
