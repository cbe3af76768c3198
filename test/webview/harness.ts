// A stand-in for the extension host around the real webview bundle in headless Chromium (Debian's, through
// playwright-core): serves the page the host would (same HTML, same CSP), stubs acquireVsCodeApi, and speaks
// the host's side of the protocol: for the timeline with the real model builder and details spill, for the chart
// pages (metrics, bench, check) with the payload the host's builders make.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { openTimeline, type DetailsSpill, type ModelCache, type TimelineSummary } from '../../extension/core/timeline';
import { webviewHtml } from '../../extension/host/html';
import {
  parseChartWebviewMessage,
  parseWebviewMessage,
  type ChartHostMessage,
  type ChartPayload,
  type ChartView,
  type ChartWebviewMessage,
  type HostMessage,
  type ViewCommand,
  type WebviewMessage,
} from '../../webview/protocol';
import { freshDir } from '../helpers/timeline-fixtures';

const ROOT = resolve(__dirname, '../..');
const ORIGIN = 'https://webview.test';
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** A few of the variables VS Code defines in every webview (Dark Modern), so the page is themed as in the editor. */
const THEME = `:root {
  --vscode-editor-background: #1f1f1f; --vscode-editor-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d;
  --vscode-editorWidget-border: #454545; --vscode-panel-border: #2b2b2b; --vscode-charts-blue: #3794ff;
  --vscode-charts-green: #89d185; --vscode-charts-red: #f14c4c; --vscode-charts-orange: #d18616;
  --vscode-charts-purple: #b180d7; --vscode-editorLineNumber-foreground: #6e7681; --vscode-focusBorder: #0078d4;
  --vscode-font-family: sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-editor-font-size: 12px; --vscode-errorForeground: #f85149;
  --vscode-list-activeSelectionBackground: #04395e; --vscode-list-activeSelectionForeground: #ffffff;
  --vscode-charts-yellow: #cca700; --vscode-button-background: #0078d4;
}
`;
/** --vscode-charts-red above, as the canvas draws it */
export const MISMATCH_RGB: [number, number, number] = [0xf1, 0x4c, 0x4c];
/** --vscode-charts-orange and --vscode-charts-blue above */
export const ORANGE_RGB: [number, number, number] = [0xd1, 0x86, 0x16];
export const BLUE_RGB: [number, number, number] = [0x37, 0x94, 0xff];
/** --vscode-charts-yellow above */
export const YELLOW_RGB: [number, number, number] = [0xcc, 0xa7, 0x00];

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export class WebviewHarness {
  readonly fromWebview: WebviewMessage[] = [];
  /** messages from a chart page (see show) */
  readonly fromChart: ChartWebviewMessage[] = [];
  private view: 'timeline' | ChartView = 'timeline';
  private payload: ChartPayload | null = null;
  readonly dialogs: string[] = [];
  readonly pageErrors: string[] = [];
  private file: string | null = null;
  private details: DetailsSpill | null = null;
  /** the spill of the model being built: texts asked for during the load are read from it */
  private loading: DetailsSpill | null = null;
  /** how many event texts the page has asked for */
  textsAsked = 0;
  summary: TimelineSummary | null = null;
  /** ms from the start of loading to the webview's `interactive` */
  loadMs = 0;
  /** ms from the start of loading to the webview's `firstFrame` (its first chunk drawn) */
  firstFrameMs = 0;
  private loadStarted = 0;
  private nextId = 1;

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async open(width = 1400, height = 900): Promise<WebviewHarness> {
    const context = await chromium.launchPersistentContext(freshDir('ir-chromium-'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width, height },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const h = new WebviewHarness(context, page);
    page.on('dialog', (d) => {
      h.dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => h.pageErrors.push(String(e)));
    await page.exposeFunction('__irToHost', (m: unknown) => h.receive(m));
    // a string, not a function: the test runs through tsx, whose helpers do not exist in the page
    await page.addInitScript(`window.acquireVsCodeApi = () => ({
      postMessage: (m) => window.__irToHost(m),
      getState: () => JSON.parse(sessionStorage.getItem('irState') || 'null'),
      setState: (s) => sessionStorage.setItem('irState', JSON.stringify(s)),
    });`);
    await page.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/index.html') {
        const html = webviewHtml({
          cspSource: ORIGIN,
          scriptUri: `${ORIGIN}/dist/webview.js`,
          styleUri: `${ORIGIN}/dist/webview.css`,
          title: h.view,
          view: h.view,
        });
        return route.fulfill({ contentType: 'text/html', body: html });
      }
      if (path === '/dist/webview.js' || path === '/dist/webview.css') {
        const body = await readFile(join(ROOT, path));
        const css = path.endsWith('.css');
        return route.fulfill({ contentType: css ? 'text/css' : 'text/javascript', body: css ? THEME + body.toString() : body });
      }
      if (path === '/blank') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title>' });
      return route.fulfill({ status: 404, body: '' });
    });
    return h;
  }

  /** Opens the page on a transcript and resolves once the webview reports it interactive. */
  async load(file: string, timeoutMs = 120_000): Promise<void> {
    this.view = 'timeline';
    this.file = file;
    this.summary = null;
    this.fromWebview.length = 0;
    // a fresh view: the state a previous page saved would be restored (reload() is the test of that)
    await this.forgetState();
    this.loadStarted = Date.now();
    this.firstFrameMs = 0;
    await this.page.goto(`${ORIGIN}/index.html`);
    await this.waitFor((m) => m.type === 'interactive', timeoutMs);
    this.loadMs = Date.now() - this.loadStarted;
  }

  /** Opens a chart page (the payload's view) and resolves once it reports `rendered`. */
  async show(payload: ChartPayload, timeoutMs = 30_000): Promise<void> {
    this.view = payload.view;
    this.payload = payload;
    this.fromChart.length = 0;
    await this.forgetState();
    await this.page.goto(`${ORIGIN}/index.html`);
    await this.waitForChart((m) => m.type === 'rendered', timeoutMs);
  }

  async waitForChart(pred: (m: ChartWebviewMessage) => boolean, timeoutMs = 10_000): Promise<ChartWebviewMessage> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = this.fromChart.find(pred);
      if (m) return m;
      if (Date.now() > end)
        throw new Error(
          `the chart page did not send the expected message within ${timeoutMs} ms; got: ${this.fromChart.map((x) => x.type).join(', ')}; page errors: ${this.pageErrors.join('; ')}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async reload(timeoutMs = 60_000): Promise<void> {
    this.fromWebview.length = 0;
    await this.page.reload();
    await this.waitFor((m) => m.type === 'interactive', timeoutMs);
  }

  /** Waits (bounded) for a message from the webview matching pred, among those already received or to come. */
  async waitFor(pred: (m: WebviewMessage) => boolean, timeoutMs = 10_000): Promise<WebviewMessage> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = this.fromWebview.find(pred);
      if (m) return m;
      if (Date.now() > end)
        throw new Error(`the webview did not send the expected message within ${timeoutMs} ms; got: ${this.fromWebview.map((x) => x.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Runs a view command as the host would and returns the cursor report. */
  async command(command: ViewCommand) {
    const id = this.nextId++;
    await this.post({ type: 'command', id, command });
    const m = await this.waitFor((x) => x.type === 'commandDone' && x.id === id);
    return m.type === 'commandDone' ? m.cursor : null;
  }

  async post(m: HostMessage | ChartHostMessage): Promise<void> {
    await this.page.evaluate(
      (msg) => (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(msg, '*'),
      m as unknown as Record<string, unknown>,
    );
  }

  private receive(raw: unknown): void {
    if (this.view !== 'timeline') {
      const c = parseChartWebviewMessage(raw);
      if (!c) throw new Error(`malformed message from the chart page: ${JSON.stringify(raw)}`);
      this.fromChart.push(c);
      if (c.type === 'ready' && this.payload) void this.post({ type: 'show', payload: this.payload });
      return;
    }
    const m = parseWebviewMessage(raw);
    if (!m) throw new Error(`malformed message from the webview: ${JSON.stringify(raw)}`);
    this.fromWebview.push(m);
    if (m.type === 'firstFrame') this.firstFrameMs = Date.now() - this.loadStarted;
    if (m.type === 'ready') void this.send();
    if (m.type === 'requestDetails') {
      const spill = this.details;
      void Promise.all([spill?.read(m.event), spill?.briefs(m.related)]).then(([details, related]) =>
        this.reply({ type: 'details', id: m.id, details: details ?? null, related: related ?? [] }),
      );
    }
    if (m.type === 'requestTexts') {
      this.textsAsked += m.events.length;
      void (this.loading ?? this.details)
        ?.briefs(m.events)
        .then((b) => this.reply({ type: 'texts', id: m.id, events: m.events, texts: b.map((x) => x.text), keys: b.map((x) => x.key) }));
    }
  }

  /** An answer to the page's request: dropped when the page that asked has gone (a test reloaded or moved on). */
  private async reply(m: HostMessage): Promise<void> {
    await this.post(m).catch((err: unknown) => {
      if (!/Execution context was destroyed|has been closed/.test(String(err))) throw err;
    });
  }

  /** when set, the host side reads and builds transcripts' binary sidecars here, as the extension does */
  sidecarDir: string | null = null;
  /** when set, the host side reads and keeps built models here, as the extension does */
  modelCache: ModelCache | null = null;

  private async send(): Promise<void> {
    const file = this.file;
    if (!file) return;
    await this.details?.dispose();
    await this.post({ type: 'load', source: `file://${file}`, title: file.split('/').pop() ?? file });
    const built = await openTimeline(file, {
      models: this.modelCache ?? undefined,
      sidecar: this.sidecarDir ? { dir: this.sidecarDir, minBytes: 0 } : undefined,
      onDetails: (d) => (this.loading = d),
      onChunk: (chunk) => this.post({ type: 'chunk', chunk }),
      onProgress: (fraction, events) => void this.post({ type: 'progress', fraction, events }).catch(() => undefined),
    });
    this.details = built.details;
    this.loading = null;
    this.summary = built.summary;
    await this.post({ type: 'done', summary: built.summary });
  }

  /**
   * Clears what a previous page saved with setState. The old page is unloaded first: its save timer (the view saves
   * a moment after the cursor moves) could otherwise write the old state back after the clear, and a new page would
   * start where the last test left off.
   */
  private async forgetState(): Promise<void> {
    if (!this.page.url().startsWith(ORIGIN)) return;
    await this.page.goto('about:blank');
    await this.page.goto(`${ORIGIN}/blank`); // a page of the origin with no script: it saves nothing
    await this.page.evaluate('sessionStorage.clear()');
  }

  /** Waits (bounded) until the element's text contains the string. (A string predicate would need eval, which the CSP forbids.) */
  async waitForText(selector: string, text: string, timeoutMs = 30_000): Promise<void> {
    await this.page.waitForFunction(
      ([sel, t]) => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
        return (doc.querySelector(sel)?.textContent ?? '').includes(t);
      },
      [selector, text] as const,
      { timeout: timeoutMs },
    );
  }

  /** Evaluates page code given as a string. */
  async evaluate<T>(code: string): Promise<T> {
    return (await this.page.evaluate(code)) as T;
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  }

  async close(): Promise<void> {
    await this.context.close();
    await this.details?.dispose();
  }
}
