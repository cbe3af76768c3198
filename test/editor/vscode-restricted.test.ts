// The extension in Restricted Mode (code-server with workspace trust on, the folder never trusted): the packaged
// extension still activates, a transcript opens in its timeline; Record Transcript… is not offered by the palette,
// and reached through a user's own keybinding it says it needs a trusted workspace and records nothing.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { freshDir } from '../helpers/timeline-fixtures';
import { ARTIFACTS } from '../webview/harness';
import { type CodeServer, answerFileDialog, packageVsix, paletteOffers, runFromPalette, startCodeServer } from './code-server';

const ROOT = resolve(__dirname, '../..');
const tmp = freshDir('ir-vscode-restricted-');
const env = { ...process.env, XDG_CONFIG_HOME: join(tmp, 'xdg-config'), XDG_DATA_HOME: join(tmp, 'xdg-data'), XDG_CACHE_HOME: join(tmp, 'xdg-cache') };
const UD = join(tmp, 'user-data');
const EXT = join(tmp, 'extensions');
const WS = join(tmp, 'untrusted');
const RECORD_KEY = 'ctrl+alt+shift+r';

describe('Incident Replay in Restricted Mode (code-server, an untrusted folder)', { timeout: 300_000 }, () => {
  let cs: CodeServer | null = null;
  let browser: BrowserContext | null = null;
  let port = 0;
  const transcript = join(WS, 'mogilefs-2008.transcript.jsonl');

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist/extension.js')), 'build first: npm run build');
    mkdirSync(WS, { recursive: true });
    mkdirSync(join(UD, 'User'), { recursive: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    copyFileSync(join(ROOT, 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl'), transcript);
    writeFileSync(
      join(UD, 'User/settings.json'),
      JSON.stringify({
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': true,
        // no dialog: the folder opens untrusted, in Restricted Mode
        'security.workspace.trust.startupPrompt': 'never',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
      }),
    );
    // a user's own keybinding: the palette hides the command in Restricted Mode, a key still reaches it
    writeFileSync(join(UD, 'User/keybindings.json'), JSON.stringify([{ key: RECORD_KEY, command: 'incidentReplay.recordTranscript' }]));
    const vsix = join(tmp, 'incident-replay.vsix');
    packageVsix(vsix, env);
    cs = await startCodeServer({ tmp, userData: UD, extensions: EXT, folder: WS, vsix, env, trust: false });
    port = cs.port;
    browser = cs.browser;
  });

  after(async () => {
    await cs?.close();
  });

  test('a transcript opens in its timeline; Record Transcript… is not offered, and from a key says it needs trust', async () => {
    assert.ok(browser);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WS)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'mogilefs-2008.transcript.jsonl' }).waitFor({ timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    await runFromPalette(page, 'Incident Replay: Open Transcript…');
    await answerFileDialog(page, transcript);
    const frame = page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
    await frame
      .locator('#findings li[data-kind="mismatch"]')
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async (err: unknown) => {
        await page.screenshot({ path: join(ARTIFACTS, 'vscode-restricted-failed.png') });
        throw err;
      });
    // the palette matches loosely (Open Transcript… is offered for these words): what matters is that Record is not
    const offered = await paletteOffers(page, 'Incident Replay: Record Transcript');
    assert.ok(offered.includes('Incident Replay: Open Transcript…'), `the palette answered: ${offered.join(', ')}`);
    assert.ok(!offered.includes('Incident Replay: Record Transcript…'), `Record Transcript… is not offered: ${offered.join(', ')}`);
    await page.locator('.monaco-workbench').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('Control+Alt+Shift+KeyR');
    const toast = page.locator('.notification-toast', { hasText: 'Record Transcript… needs a trusted workspace' });
    await toast.waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'vscode-restricted-record.png') });
    // nothing was asked for and nothing recorded
    assert.equal(await page.locator('.quick-input-widget input').isVisible(), false);
    assert.deepEqual(existsSync(join(WS, 'recordings')) ? readdirSync(join(WS, 'recordings')) : [], []);
    await page.close();
  });
});
