// A chart page on screen (shard metrics, bench results, a check verdict): a webview panel bound to the files it
// shows. Waits for the webview's `ready`, sends the payload (built once, sent again when a hidden panel is shown
// again), and turns the page's requests (open the transcript) into editor actions. ChartPanels keeps them and
// reuses the panel that already shows the same files.
import * as vscode from 'vscode';
import { UserError } from '../core/errors';
import { parseChartWebviewMessage, type ChartHostMessage, type ChartPayload, type ChartView, type ChartViewState } from '../../webview/protocol';
import { webviewHtml } from './html';
import type { Log } from './output';

export const CHART_VIEW_TYPES: Record<ChartView, string> = { metrics: 'incidentReplay.metrics', bench: 'incidentReplay.bench', check: 'incidentReplay.check' };
const TITLES: Record<ChartView, string> = { metrics: 'Shard Metrics', bench: 'Benchmark', check: 'Mismatch Check' };

export interface ChartSource {
  view: ChartView;
  files: vscode.Uri[];
  load: () => Promise<ChartPayload>;
  /** the page asked to open the run's transcript, at a mismatch (its index) or at the start (-1) */
  openTranscript?: (mismatch: number) => Promise<unknown>;
}

export class ChartPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private payload: ChartPayload | null = null;
  private waiters: Array<(items: number) => void> = [];
  private lastRendered: number | null = null;
  state: ChartViewState | null = null;
  disposed = false;

  constructor(
    readonly source: ChartSource,
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly onDisposed: (p: ChartPanel) => void,
  ) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = webviewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      title: panel.title,
      view: source.view,
    });
  }

  get key(): string {
    return chartKey(this.source.view, this.source.files);
  }

  /** Resolves with the number of charts (or rows) the page drew, once it has drawn them. */
  rendered(): Promise<number> {
    if (this.lastRendered !== null) return Promise.resolve(this.lastRendered);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private post(m: ChartHostMessage): Thenable<boolean> {
    return this.disposed ? Promise.resolve(false) : this.panel.webview.postMessage(m);
  }

  private async receive(raw: unknown): Promise<void> {
    const m = parseChartWebviewMessage(raw);
    if (!m) {
      this.log.warn(`${this.source.view}: ignored a malformed message from the webview`);
      return;
    }
    switch (m.type) {
      case 'ready':
        return this.send();
      case 'rendered':
        this.lastRendered = m.items;
        for (const w of this.waiters.splice(0)) w(m.items);
        return;
      case 'stateChanged':
        this.state = m.state;
        return;
      case 'openTranscript':
        await this.source.openTranscript?.(m.mismatch);
        return;
      case 'log':
        this.log.warn(`${this.source.view} webview: ${m.message}`);
        return;
    }
  }

  private async send(): Promise<void> {
    this.lastRendered = null;
    try {
      this.payload ??= await this.source.load();
      this.panel.title = this.payload.title;
      await this.post({ type: 'show', payload: this.payload });
    } catch (err) {
      const message = err instanceof UserError ? err.message : `could not show ${TITLES[this.source.view].toLowerCase()}: ${(err as Error).message}`;
      if (err instanceof UserError) this.log.warn(message);
      else this.log.error(`${this.source.view}: ${(err as Error).stack ?? String(err)}`);
      void vscode.window.showErrorMessage(`Incident Replay: ${message}`);
      await this.post({ type: 'error', message });
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.onDisposed(this);
  }
}

export function chartKey(view: ChartView, files: vscode.Uri[]): string {
  return `${view}:${files.map((f) => f.toString()).join('|')}`;
}

export class ChartPanels implements vscode.Disposable {
  private readonly panels: ChartPanel[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
  ) {}

  /** Binds a webview panel (a new one or a restored one) to what it shows. */
  attach(source: ChartSource, panel: vscode.WebviewPanel): ChartPanel {
    const p = new ChartPanel(source, panel, this.extensionUri, this.log, (gone) => this.forget(gone));
    this.panels.push(p);
    return p;
  }

  /** Shows the files' chart, reusing a panel that already shows them. */
  open(source: ChartSource): ChartPanel {
    const existing = this.panels.find((p) => p.key === chartKey(source.view, source.files));
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const title = source.files.length === 1 ? (source.files[0].path.split('/').pop() ?? TITLES[source.view]) : TITLES[source.view];
    const panel = vscode.window.createWebviewPanel(CHART_VIEW_TYPES[source.view], title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
    });
    return this.attach(source, panel);
  }

  private forget(p: ChartPanel): void {
    const i = this.panels.indexOf(p);
    if (i >= 0) this.panels.splice(i, 1);
  }

  dispose(): void {
    for (const p of [...this.panels]) p.panel.dispose();
  }
}
