// The extension in a real VS Code (code-server 4.100.3, driven by Debian's Chromium through playwright-core): the
// packaged .vsix installs; from the command palette Open Transcript… on the 2008 desync shows the timeline with the
// mismatch inside the webview, and Open Shard Metrics… on the Foursquare replay shows its charts; and the
// extension-host mocha suite (test/editor/suite) passes inside VS Code.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { freshDir, write2008Like } from '../helpers/timeline-fixtures';
import { ARTIFACTS } from '../webview/harness';
import { type CodeServer, answerFileDialog, freshWindow, packageVsix, run, runFromPalette, startCodeServer } from './code-server';
import { svgProblem } from '../helpers/svg-check';

const ROOT = resolve(__dirname, '../..');
const BUNDLED = join(ROOT, 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl');
const FOURSQUARE = join(ROOT, 'replays/foursquare-2010/foursquare-2010.metrics.csv');
const tmp = freshDir('ir-vscode-');
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
  XDG_DATA_HOME: join(tmp, 'xdg-data'),
  XDG_CACHE_HOME: join(tmp, 'xdg-cache'),
};
const UD = join(tmp, 'user-data');
const EXT = join(tmp, 'extensions');
const WS = join(tmp, 'workspace');

describe('Incident Replay in a real VS Code (code-server)', { timeout: 300_000 }, () => {
  let cs: CodeServer | null = null;
  let browser: BrowserContext | null = null;
  let port = 0;
  let transcript = '';
  let metrics = '';

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist/extension.js')) && existsSync(join(ROOT, 'out/editor-suite/index.js')), 'build first: npm run build');
    mkdirSync(WS, { recursive: true });
    mkdirSync(join(UD, 'User'), { recursive: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    transcript = join(WS, 'mogilefs-2008.transcript.jsonl');
    if (existsSync(BUNDLED)) copyFileSync(BUNDLED, transcript);
    else await write2008Like(transcript);
    metrics = join(WS, 'foursquare-2010.metrics.csv');
    copyFileSync(FOURSQUARE, metrics);
    writeFileSync(
      join(UD, 'User/settings.json'),
      JSON.stringify({
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
      }),
    );
    const vsix = join(tmp, 'incident-replay.vsix');
    packageVsix(vsix, env);
    // what the installed extension reads, and nothing it never loads (source maps, the CLI bundle)
    const packed = run('unzip', ['-Z1', vsix], 10_000, env).split('\n');
    for (const f of ['extension/dist/extension.js', 'extension/dist/webview.js', 'extension/LICENSE.txt', 'extension/media/icon.png', 'extension/changelog.md'])
      assert.ok(packed.includes(f), `the .vsix holds ${f}`);
    assert.deepEqual(
      packed.filter((f) => f.endsWith('.map') || f === 'extension/dist/cli.js'),
      [],
    );
    cs = await startCodeServer({ tmp, userData: UD, extensions: EXT, folder: WS, vsix, env, trust: true });
    port = cs.port;
    browser = cs.browser;
  });

  after(async () => {
    await cs?.close();
  });

  test('the installed .vsix: Open Transcript… from the palette shows the timeline with the mismatch', async () => {
    assert.ok(browser);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WS)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'mogilefs-2008.transcript.jsonl' }).waitFor({ timeout: 30_000 });
    await runFromPalette(page, 'Incident Replay: Open Transcript…');
    await answerFileDialog(page, transcript);
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const mismatch = frame.locator('#findings li[data-kind="mismatch"]').first();
    await mismatch.waitFor({ timeout: 60_000 }).catch(async (err: unknown) => {
      await page.screenshot({ path: join(ARTIFACTS, 'vscode-open-transcript-failed.png') });
      throw err;
    });
    assert.match((await mismatch.textContent()) ?? '', /took the answer/);
    assert.match((await frame.locator('#summary').textContent()) ?? '', /mismatch/);
    await mismatch.click();
    await frame.locator('#details-title', { hasText: 'response' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'vscode-open-transcript.png') });
    await page.close();
  });

  test('Open Shard Metrics… from the palette shows the Foursquare charts: shard0 crosses RAM, with its alert', async () => {
    assert.ok(browser);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WS)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'foursquare-2010.metrics.csv' }).waitFor({ timeout: 30_000 });
    await runFromPalette(page, 'Incident Replay: Open Shard Metrics…');
    await answerFileDialog(page, metrics);
    // the timeline of the test before may be restored behind it: the visible webview is the new one
    const frame = page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
    const shard0 = frame.locator('.shard-chart[data-shard="shard0"][data-crossover-x][data-alert-x]');
    await shard0.waitFor({ timeout: 60_000 }).catch(async (err: unknown) => {
      await page.screenshot({ path: join(ARTIFACTS, 'vscode-open-metrics-failed.png') });
      throw err;
    });
    assert.equal(await frame.locator('.shard-chart canvas').count(), 6);
    assert.match((await frame.locator('#metrics-events li[data-kind="crossover"][data-shard="shard0"]').textContent()) ?? '', /2010-10-04T14:00:00Z/);
    assert.equal(await frame.locator('#metrics-events li[data-kind="alert"][data-shard="shard0"]').count(), 1);
    assert.match((await frame.locator('#frag-freed').textContent()) ?? '', /0\.00% of the pages/);
    await page.screenshot({ path: join(ARTIFACTS, 'vscode-open-metrics.png') });
    await page.close();
  });

  test('from the palette: a note on the first mismatch, then Export Postmortem Draft writes the Markdown with its pictures and link', async () => {
    assert.ok(browser);
    const page = await browser.newPage();
    await freshWindow(page, port, WS);
    await runFromPalette(page, 'Incident Replay: Open Transcript…');
    await answerFileDialog(page, transcript);
    const frame = page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
    const mismatch = frame.locator('#findings li[data-kind="mismatch"]').first();
    await mismatch.waitFor({ timeout: 60_000 });
    await mismatch.click();
    await frame.locator('#details-title', { hasText: 'response' }).waitFor({ timeout: 10_000 });
    await runFromPalette(page, 'Incident Replay: Add Review Note…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('Noted from the palette: the first wrong answer');
    await page.keyboard.press('Enter');
    // the note is marked on the timeline and shown with the event's details
    await frame.locator('#review-notes .review-note-text', { hasText: 'Noted from the palette' }).waitFor({ timeout: 10_000 });
    await runFromPalette(page, 'Incident Replay: Export Postmortem Draft');
    const draft = join(WS, 'mogilefs-2008.postmortem.md');
    for (let i = 0; i < 100 && !existsSync(draft); i++) await page.waitForTimeout(200);
    await page.screenshot({ path: join(ARTIFACTS, 'vscode-postmortem-draft.png') });
    await page.close();
    const md = readFileSync(draft, 'utf8');
    assert.match(md, /^\*\*mismatch\*\*: \d+ responses reached the wrong request$/m);
    assert.match(md, /### Note 1: at [\d.]+ ms, connection \d+, on the mismatch finding\n\n> Noted from the palette: the first wrong answer/);
    assert.match(
      md,
      /\[Open the transcript at event \d+\]\(vscode:\/\/incident-replay\.incident-replay\/open\?file=[^)&]+mogilefs-2008\.transcript\.jsonl&event=\d+\)/,
    );
    const pictures = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => join(WS, decodeURI(m[1])));
    assert.ok(pictures.length > 0);
    for (const p of pictures) assert.equal(svgProblem(readFileSync(p, 'utf8')), null, p);
  });

  test('keybindings drive the timeline: Alt+Right steps forward from the selected event, Alt+Left steps back', async () => {
    assert.ok(browser);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WS)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await runFromPalette(page, 'Incident Replay: Open Transcript…');
    await answerFileDialog(page, transcript);
    const frame = page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
    const mismatch = frame.locator('#findings li[data-kind="mismatch"]').first();
    await mismatch.waitFor({ timeout: 60_000 });
    await mismatch.click();
    const meta = frame.locator('#details-meta');
    await meta.filter({ hasText: /^event \d+ / }).waitFor({ timeout: 10_000 });
    const at = Number(/^event (\d+) /.exec((await meta.textContent()) ?? '')?.[1]);
    // the page leaves Alt+keys to the workbench, which runs the contributed keybinding's command
    await page.keyboard.press('Alt+ArrowRight');
    await meta.filter({ hasText: new RegExp(`^event ${at + 1} `) }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Alt+ArrowLeft');
    await meta.filter({ hasText: new RegExp(`^event ${at} `) }).waitFor({ timeout: 10_000 });
    await page.close();
  });

  test('a database password is asked once, kept out of settings.json, and not asked again', async () => {
    assert.ok(browser);
    const page = await browser.newPage();
    await freshWindow(page, port, WS);
    const input = page.locator('.quick-input-widget input');
    const title = page.locator('.quick-input-widget .quick-input-title');
    await runFromPalette(page, 'Incident Replay: Run Benchmark…');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Enter a URL…' }).click();
    await title.filter({ hasText: 'Run Benchmark (1/4)' }).waitFor({ timeout: 10_000 });
    await input.fill('mysql://tester@127.0.0.1:3306/test');
    await page.keyboard.press('Enter');
    await title.filter({ hasText: 'Password for mysql://tester@127.0.0.1:3306/test' }).waitFor({ timeout: 10_000 });
    assert.equal(await input.getAttribute('type'), 'password');
    await input.fill('s3cret-pw');
    await page.keyboard.press('Enter');
    await title.filter({ hasText: 'Run Benchmark (2/4)' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
    const settings = readFileSync(join(UD, 'User/settings.json'), 'utf8');
    assert.match(settings, /"tester@127\.0\.0\.1:3306\/test": "mysql:\/\/tester@127\.0\.0\.1:3306\/test"/);
    assert.doesNotMatch(settings, /s3cret-pw/);
    // the URL is offered from the setting now, and its password is not asked again
    await runFromPalette(page, 'Incident Replay: Run Benchmark…');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'tester@127.0.0.1:3306/test' }).click();
    await title.filter({ hasText: /Run Benchmark \(2\/4\)|Password for/ }).waitFor({ timeout: 10_000 });
    assert.match((await title.textContent()) ?? '', /Run Benchmark \(2\/4\)/);
    await page.keyboard.press('Escape');
    await page.close();
  });

  test('the extension-host suite passes inside VS Code', async () => {
    assert.ok(browser);
    const page = await browser.newPage();
    const lines: string[] = [];
    page.on('console', (m) => lines.push(m.text()));
    let exit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((r) => (exit = r));
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(join(ROOT, 'out/editor-suite/index'))],
    ]);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WS)}&payload=${encodeURIComponent(payload)}`);
    let timer: NodeJS.Timeout | undefined;
    // the timer is cleared, or it would hold the test process open for its full length after a pass
    const code = await Promise.race([exited, new Promise<number>((r) => (timer = setTimeout(() => r(-1), 180_000)))]);
    clearTimeout(timer);
    const report = lines.filter((l) => /passing|failing|✔|✓|\d+\)|Error|assert/i.test(l)).join('\n');
    await page.close();
    assert.equal(code, 0, `the extension-host suite failed or timed out (exit ${code}):\n${report}`);
    assert.match(report, /[1-9]\d* passing/);
    assert.doesNotMatch(report, /failing/);
  });
});
