// Driving code-server (4.100.3) from the real-VS-Code tests: a command run, its health awaited, the command palette
// and the remote file dialog answered, the .vsix packaged as `npm run package` packages it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { closedPort } from '../helpers/net';
import { CHROMIUM_ARGS } from '../webview/harness';

const ROOT = resolve(__dirname, '../..');

export function run(cmd: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** The .vsix as `npm run package` makes it (no dependencies, README links left relative). */
export function packageVsix(out: string, env: NodeJS.ProcessEnv = process.env): void {
  run('npm', ['run', '-s', 'package', '--', '--out', out], 120_000, env);
}

export async function healthy(port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** The palette's rows for a title typed in: what it offers (an empty list when it offers nothing). */
export async function paletteOffers(page: Page, title: string): Promise<string[]> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.waitForTimeout(1000);
  const rows = await page.locator('.quick-input-widget .monaco-list-row .label-name').allTextContents();
  await page.keyboard.press('Escape');
  return rows;
}

export async function runFromPalette(page: Page, title: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    // the palette closes when something else takes the focus (an editor the window restores, finishing its load):
    // then it is opened again
    const filled = await input.fill(`>${title}`, { timeout: 5000 }).then(
      () => true,
      () => false,
    );
    if (!filled) continue;
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    // the extension's commands register a moment after the workbench shows
    if (
      await row.waitFor({ state: 'visible', timeout: 2000 }).then(
        () => true,
        () => false,
      )
    ) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('Escape');
  }
  throw new Error(`the command palette never offered "${title}"`);
}

/** The remote file dialog is a quick input holding a path: give it the file's. */
export async function answerFileDialog(page: Page, file: string): Promise<void> {
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

/** A code-server with the packaged extension installed, serving a folder, and a Chromium to drive it. */
export interface CodeServer {
  port: number;
  browser: BrowserContext;
  close(): Promise<void>;
}

/**
 * Installs the .vsix into a fresh user-data and extensions folder and starts code-server on a spare loopback port in
 * its own process group (stopped by close(), whatever it started), then a headless Chromium.
 */
export async function startCodeServer(o: {
  tmp: string;
  userData: string;
  extensions: string;
  folder: string;
  vsix: string;
  env: NodeJS.ProcessEnv;
  trust: boolean;
}): Promise<CodeServer> {
  const bin = join(ROOT, 'node_modules/.bin/code-server');
  run(bin, ['--user-data-dir', o.userData, '--extensions-dir', o.extensions, '--install-extension', o.vsix], 120_000, o.env);
  const port = await closedPort();
  const args = ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--user-data-dir', o.userData, '--extensions-dir', o.extensions];
  args.push(
    '--disable-telemetry',
    '--disable-update-check',
    ...(o.trust ? ['--disable-workspace-trust'] : []),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    o.folder,
  );
  const server: ChildProcess = spawn('timeout', ['300', bin, ...args], { cwd: ROOT, env: o.env, stdio: 'ignore', detached: true });
  const stop = async () => {
    if (!server.pid) return;
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
  };
  try {
    await healthy(port, 30_000);
    const browser = await chromium.launchPersistentContext(join(o.tmp, 'chromium'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
    });
    return {
      port,
      browser,
      close: async () => {
        await browser.close();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A new window on the folder with no editor open: a window restores the editors of the last one, and a timeline
 * restored behind the test, finishing its load while a quick input is open, takes the focus and closes it.
 */
export async function freshWindow(page: Page, port: number, folder: string): Promise<void> {
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await runFromPalette(page, 'View: Close All Editors');
}
