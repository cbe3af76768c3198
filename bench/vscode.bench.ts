// `npm run bench vscode`: the timeline in the product itself, the packaged extension in a real VS Code (code-server
// 4.100.3, as the editor tests run it) driven by Chromium, on a generated 1M-event transcript (BENCH_VSCODE_EVENTS):
// the time from Open Transcript… to the first drawn frame and to an interactive timeline (the webview's summary
// states the verdict), to show it again after another tab was in front, and to reopen it unchanged after closing it
// (the model cache), against an anchor (a small transcript opened for the first time after closing all: what any page
// made after the session's first costs here); and the extension host's resident memory before and after. Prints;
// asserts nothing. Needs code-server in node_modules (.ci/run installs it); without it, it says so and measures
// nothing.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { packageVsix, runFromPalette, startCodeServer } from '../test/editor/code-server';
import { freshDir, writeSynthetic } from '../test/helpers/timeline-fixtures';

const ROOT = resolve(__dirname, '..');

/** The extension host's resident set, MiB (the node process code-server forks for extensions), or NaN. */
function extensionHostMiB(): number {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('extensionHost') && !cmd.includes('--type=extensionHost')) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) return Number(rss[1]) / 1024;
    } catch {
      // gone meanwhile
    }
  }
  return NaN;
}

/** Waits until the visible timeline's summary states a verdict (the model is whole and drawn), and says when. */
async function untilInteractive(page: Page, t0: number): Promise<{ firstMs: number; interactiveMs: number }> {
  const frame = page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
  await frame.locator('#timeline').waitFor({ timeout: 300_000 });
  const firstMs = Date.now() - t0;
  await frame.locator('#summary[data-verdict]').waitFor({ timeout: 300_000 });
  return { firstMs, interactiveMs: Date.now() - t0 };
}

export default async function vscodeBench(): Promise<void> {
  if (!existsSync(join(ROOT, 'node_modules/.bin/code-server'))) {
    console.log('code-server is not installed here (bash .ci/run installs it): nothing measured');
    return;
  }
  const events = Number(process.env.BENCH_VSCODE_EVENTS ?? 1_000_000);
  const tmp = freshDir('ir-bench-vscode-');
  const env = { ...process.env, XDG_CONFIG_HOME: join(tmp, 'xdg-config'), XDG_DATA_HOME: join(tmp, 'xdg-data'), XDG_CACHE_HOME: join(tmp, 'xdg-cache') };
  const UD = join(tmp, 'user-data');
  const WS = join(tmp, 'workspace');
  mkdirSync(join(UD, 'User'), { recursive: true });
  mkdirSync(WS, { recursive: true });
  writeFileSync(
    join(UD, 'User/settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off' }),
  );
  // BENCH_VSCODE_TRANSCRIPT: a transcript of your own (a real client's recording) instead of the generated one, whose
  // regular numbers pack far smaller than real traffic's
  const own = process.env.BENCH_VSCODE_TRANSCRIPT;
  const file = join(WS, own ? basename(own) : 'synthetic.transcript.jsonl');
  if (own) copyFileSync(own, file);
  else await writeSynthetic(file, { events, connections: 16, desyncEvery: 20_000 });
  await writeSynthetic(join(WS, 'small.transcript.jsonl'), { events: 1000, connections: 4, desyncEvery: 200 });
  writeFileSync(join(WS, 'notes.md'), '# another tab\n');
  const vsix = join(tmp, 'incident-replay.vsix');
  packageVsix(vsix, env);
  const cs = await startCodeServer({ tmp, userData: UD, extensions: join(tmp, 'extensions'), folder: WS, vsix, env, trust: true });
  try {
    const page = await cs.browser.newPage();
    await page.goto(`http://127.0.0.1:${cs.port}/?folder=${encodeURIComponent(WS)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: basename(file) }).waitFor({ timeout: 30_000 });
    // the extension activates on its first command: Show Output wakes it, so its memory before a model can be read
    await runFromPalette(page, 'Incident Replay: Show Output');
    await page.waitForTimeout(2000);
    const hostBefore = extensionHostMiB();
    // opened from the explorer (the custom editor), so no dialog's typing is timed
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: basename(file) });
    let t0 = Date.now();
    await row.dblclick();
    const open = await untilInteractive(page, t0);
    const hostAfter = extensionHostMiB();
    // another tab in front, then the timeline again: its page is made anew and the model sent from memory
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'notes.md' }).dblclick();
    await page.waitForTimeout(1000);
    t0 = Date.now();
    await page.locator('.tab', { hasText: basename(file) }).click();
    const shown = await untilInteractive(page, t0);
    // closed, then opened again: the model is read from the cache on disk
    await runFromPalette(page, 'View: Close All Editors');
    await page.waitForTimeout(3000);
    t0 = Date.now();
    await row.dblclick();
    const reopened = await untilInteractive(page, t0);
    // the anchor: a small transcript never opened before, opened the same way after closing all. Every page made after
    // the session's first waits about a second here, whatever it holds: code-server serves every webview from one
    // origin, and each registers its own service worker, which must replace the last one's before the page loads
    await runFromPalette(page, 'View: Close All Editors');
    await page.waitForTimeout(3000);
    t0 = Date.now();
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'small.transcript.jsonl' }).dblclick();
    const small = await untilInteractive(page, t0);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(
      `${own ? basename(own) : `${events.toLocaleString('en-US')} events`} in code-server: open ${s(open.interactiveMs)} to interactive (timeline drawn ${s(open.firstMs)}); ` +
        `shown again after another tab ${s(shown.interactiveMs)}; reopened unchanged ${s(reopened.interactiveMs)} (timeline drawn ${s(reopened.firstMs)}); ` +
        `extension host ${hostBefore.toFixed(0)} MiB before, ${hostAfter.toFixed(0)} MiB with the model (+${(hostAfter - hostBefore).toFixed(0)} MiB)`,
    );
    console.log(
      `  anchor: a 1,000-event transcript opened for the first time after closing all: ${s(small.interactiveMs)} to interactive (timeline drawn ${s(small.firstMs)}); ` +
        `the reopen's own cost ${s(reopened.interactiveMs - small.interactiveMs)}`,
    );
  } finally {
    await cs.close();
  }
}
