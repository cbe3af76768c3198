// The extension in a real VS Code (code-server 4.100.3, driven by Debian's Chromium through playwright-core): the
// packaged .vsix installs; from the command palette Open Transcript… on the 2008 desync shows the timeline with the
// mismatch inside the webview, and Open Shard Metrics… on the Foursquare replay shows its charts; and the
// extension-host mocha suite (test/editor/suite) passes inside VS Code.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freshDir, write2008Like } from '../helpers/timeline-fixtures';
import { closedPort } from '../helpers/net';
import { ARTIFACTS, CHROMIUM_ARGS } from '../webview/harness';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'node_modules/.bin');
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

function run(cmd: string, args: string[], timeoutMs: number): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  return r.stdout;
}


async function healthy(port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

async function runFromPalette(page: Page, title: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    // the extension's commands register a moment after the workbench shows
    if (await row.waitFor({ state: 'visible', timeout: 2000 }).then(() => true, () => false)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('Escape');
  }
  throw new Error(`the command palette never offered "${title}"`);
}

/** The remote file dialog is a quick input holding a path: give it the file's. */
async function answerFileDialog(page: Page, file: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  // the palette's input is the same element and the dialog puts its folder in it when it opens, which can come after
  // a first fill: so the path is filled again whenever the input does not hold it, and Enter pressed while the dialog
  // stays open (it validates the typed path first), bounded
  for (let i = 0; i < 20 && (await input.isVisible()); i++) {
    if ((await input.inputValue().catch(() => file)) !== file) await input.fill(file).catch(() => undefined);
    await page.waitForTimeout(300);
    if (await input.isVisible()) await page.keyboard.press('Enter');
  }
}

describe('Incident Replay in a real VS Code (code-server)', { timeout: 300_000 }, () => {
  let server: ChildProcess | null = null;
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
    run(join(BIN, 'vsce'), ['package', '--no-dependencies', '--skip-license', '--out', vsix], 120_000);
    run(join(BIN, 'code-server'), ['--user-data-dir', UD, '--extensions-dir', EXT, '--install-extension', vsix], 120_000);
    port = await closedPort();
    server = spawn(
      'timeout',
      ['300', join(BIN, 'code-server'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--user-data-dir', UD, '--extensions-dir', EXT, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', WS],
      { cwd: ROOT, env, stdio: 'ignore', detached: true },
    );
    await healthy(port, 30_000);
    browser = await chromium.launchPersistentContext(join(tmp, 'chromium'), { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    if (server?.pid) {
      // the process group started above: timeout, code-server and its children
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => (server?.exitCode !== null ? r(null) : server.once('exit', r)));
    }
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
