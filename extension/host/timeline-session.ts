// One timeline on screen: a webview (panel or custom editor) bound to a transcript. Starts reading the model (on a
// worker thread: core/timeline/off-thread.ts) as the page is made, streams it to the page in chunks once the page
// says `ready`, answers details requests from the spill, and forwards commands.
// The chunks go packed and deflated (core/timeline/packed.ts): numbers only, the texts stay in the spill.
// The webview asks for the texts and keys of the events it labels (`requestTexts`), read from the spill of the model
// shown or of the one still loading, and with an event's details for the keys of the others of its exchange.
import * as vscode from 'vscode';
import { UserError } from '../core/errors';
import { openTimelineOffThread, type BriefReader, type DetailsSpill, type ModelCache, type PackedChunk } from '../core/timeline';
import { webviewHtml } from './html';
import type { Log } from './output';
import { NO_SELECTION, type NoteMark, type TimelineSelection } from '../../webview/review-protocol';
import { parseWebviewMessage, type CursorReport, type HostMessage, type ViewCommand, type ViewState } from '../../webview/protocol';

/** model chunks posted to the page and not yet delivered, at most */
const CHUNKS_IN_FLIGHT = 4;
/**
 * model chunks built before the page is ready to take them, at most; then the build waits for the page. A page takes a
 * moment to start (in code-server about a second for every page after the first: each webview waits for its own
 * service worker to replace the last one's), and the model is read meanwhile rather than after.
 */
const CHUNKS_BEFORE_READY = 16;
const COMMAND_TIMEOUT_MS = 10_000;

export interface Interactive {
  events: number;
  findings: number;
}

export class TimelineSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private details: DetailsSpill | null = null;
  /** the texts of the model being built (its worker thread reads them from the spill it writes) while it loads */
  private loading: BriefReader | null = null;
  private abort: AbortController | null = null;
  private nextCommandId = 1;
  private readonly pending = new Map<number, (c: CursorReport | undefined) => void>();
  /** who waits for the model to be drawn; told null if the timeline closes first */
  private interactiveWaiters: Array<(i: Interactive | null) => void> = [];
  private lastInteractive: Interactive | null = null;
  /** why the last load failed, if it did: a command given then is told so instead of waiting for a model */
  loadError: string | null = null;
  state: ViewState | null = null;
  /** what the view has selected, as it last said (what Add Review Note… writes on) */
  selection: TimelineSelection = NO_SELECTION;
  /** the review notes marked on the view; sent again after each load */
  private notes: NoteMark[] = [];
  disposed = false;
  /** resolved once the page has first said `ready` (or the timeline closed) */
  private readonly pageReady: Promise<void>;
  private markReady!: () => void;
  private readySeen = false;

  /** the worker thread's bundle, beside the extension's */
  private readonly workerFile: string;

  constructor(
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: Log,
    private readonly onDisposed: (s: TimelineSession) => void,
    private readonly sidecarDir: string,
    private readonly models: ModelCache,
  ) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    this.workerFile = vscode.Uri.joinPath(dist, 'timeline-worker.js').fsPath;
    panel.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      // a page not kept while hidden (a panel restored without retainContextWhenHidden) is made anew when shown, and
      // says `ready` and loads again: a command given meanwhile waits for that load rather than go to no page
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible && !e.webviewPanel.options.retainContextWhenHidden) this.lastInteractive = null;
      }),
    );
    panel.webview.html = webviewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      title: this.title,
    });
    this.pageReady = new Promise((resolve) => (this.markReady = resolve));
    // the model is read while the page starts; its chunks wait for the page's `ready`
    void this.send();
  }

  get title(): string {
    return this.uri.path.split('/').pop() ?? 'transcript';
  }

  /** Whether the webview shows the whole model now (a command would be answered at once). */
  get loaded(): boolean {
    return this.lastInteractive !== null;
  }

  /** Resolves once the webview has drawn the whole model. */
  interactive(): Promise<Interactive> {
    if (this.lastInteractive) return Promise.resolve(this.lastInteractive);
    return new Promise((resolve) => this.interactiveWaiters.push((i) => i && resolve(i)));
  }

  /**
   * Runs a view command in the webview and resolves with where the cursor ends up. A command given while the model
   * is still loading waits for it, however long that takes (a step pressed during a 20 s load is done, not dropped);
   * only closing the timeline drops it. The webview's answer is then awaited for a bounded time.
   */
  async command(command: ViewCommand): Promise<CursorReport | undefined> {
    return this.ask((id) => ({ type: 'command', id, command }));
  }

  /** Selects an event (a draft's link) once the model is drawn; resolves with where the cursor is then. */
  async select(event: number): Promise<CursorReport | undefined> {
    return this.ask((id) => ({ type: 'select', id, event }));
  }

  /** Marks these review notes on the view (now if it is drawn, else once it is). */
  showNotes(notes: NoteMark[]): void {
    this.notes = notes;
    if (this.lastInteractive) void this.post({ type: 'notes', notes });
  }

  private async ask(message: (id: number) => HostMessage): Promise<CursorReport | undefined> {
    const ready = this.lastInteractive ?? (this.disposed ? null : await new Promise<Interactive | null>((resolve) => this.interactiveWaiters.push(resolve)));
    if (!ready || this.disposed) return undefined;
    const id = this.nextCommandId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(undefined);
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(id, (c) => {
        clearTimeout(timer);
        resolve(c);
      });
      this.post(message(id));
    });
  }

  private post(m: HostMessage): Thenable<boolean> {
    return this.disposed ? Promise.resolve(false) : this.panel.webview.postMessage(m);
  }

  private receive(raw: unknown): void {
    const m = parseWebviewMessage(raw);
    if (!m) {
      this.log.warn(`timeline: ignored a malformed message from the webview`);
      return;
    }
    switch (m.type) {
      case 'ready':
        // the first `ready` takes the load begun with the page; a page made again (a reload) loads again
        if (!this.readySeen) {
          this.readySeen = true;
          this.markReady();
        } else void this.send();
        return;
      case 'requestDetails':
        void this.answerDetails(m.id, m.event, m.related);
        return;
      case 'requestTexts':
        void this.answerTexts(m.id, m.events);
        return;
      case 'stateChanged':
        this.state = m.state;
        return;
      case 'commandDone':
        this.pending.get(m.id)?.(m.cursor);
        this.pending.delete(m.id);
        return;
      case 'firstFrame':
        return;
      case 'interactive':
        this.lastInteractive = { events: m.events, findings: m.findings };
        for (const w of this.interactiveWaiters.splice(0)) w(this.lastInteractive);
        void this.post({ type: 'notes', notes: this.notes });
        return;
      case 'selection':
        this.selection = m.selection;
        return;
      case 'log':
        this.log.warn(`timeline webview: ${m.message}`);
        return;
    }
  }

  /**
   * Sends the model: from the model cache on disk when it holds this transcript as it is, else built from the file
   * (and kept there). The page keeps its model while hidden (retainContextWhenHidden), so this runs when a page is
   * made: opened (begun with the page, before it is ready), or restored after a reload; the extension host keeps no
   * copy of the chunks beyond the few built before the page was ready.
   */
  private async send(): Promise<void> {
    this.lastInteractive = null;
    this.loadError = null;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    // a post resolves when the page has it: one at a time would wait a round trip each, so a few are kept in flight,
    // enough to keep the transport busy without queueing a whole model in memory
    const inFlight: Thenable<boolean>[] = [];
    const postOne = async (chunk: PackedChunk): Promise<void> => {
      if (abort.signal.aborted) return;
      inFlight.push(this.post({ type: 'chunk', chunk }));
      if (inFlight.length >= CHUNKS_IN_FLIGHT) await inFlight.shift();
    };
    // until the page is ready the chunks wait here, in order (the build too, past CHUNKS_BEFORE_READY of them); then
    // the page is told a load begins and takes them, and the rest go as they are built
    const early: PackedChunk[] = [];
    let live = false;
    const golive = (async () => {
      await this.pageReady;
      // a load given up for a newer one (the page made again) tells the page nothing
      if (abort.signal.aborted) return;
      try {
        await this.post({ type: 'load', source: this.uri.toString(), title: this.title });
        while (early.length > 0) await postOne(early.shift() as PackedChunk);
      } catch (err) {
        this.log.warn(`timeline: the page did not take the model: ${(err as Error).message}`);
      }
      live = true;
    })();
    const postChunk = async (chunk: PackedChunk): Promise<void> => {
      if (live) return postOne(chunk);
      early.push(chunk);
      if (early.length >= CHUNKS_BEFORE_READY) await golive;
    };
    const started = Date.now();
    /** this load's texts: a load cancelled by a newer one must not clear the newer one's */
    let mine: BriefReader | null = null;
    try {
      if (this.uri.scheme !== 'file') throw new UserError(`${this.uri.toString()}: only transcripts on this machine's disk can be opened`);
      // read or built on a worker thread: this thread (the extension host's, shared by every extension) hands on chunks
      const built = await openTimelineOffThread(this.uri.fsPath, {
        workerFile: this.workerFile,
        models: this.models,
        lenient: true,
        sidecar: { dir: this.sidecarDir },
        signal: abort.signal,
        onDetails: (d) => (this.loading = mine = d),
        onChunk: postChunk,
        onProgress: (fraction, events) => void (live && this.post({ type: 'progress', fraction, events })),
      });
      if (abort.signal.aborted || this.disposed) {
        if (this.loading === mine) this.loading = null;
        await built.details.dispose();
        return;
      }
      await this.details?.dispose();
      this.details = built.details;
      this.loading = null;
      await golive;
      await Promise.all(inFlight);
      await this.post({ type: 'done', summary: built.summary });
      this.log.info(
        `opened ${this.uri.fsPath}${built.fromCache ? ' from the model cache' : ''}${built.onWorker ? '' : ' in the extension host thread (the worker bundle dist/timeline-worker.js is missing)'}: ` +
          `${built.summary.events} events, ${built.summary.verdict} (${Date.now() - started} ms)`,
      );
    } catch (err) {
      if (this.loading === mine) this.loading = null;
      if (abort.signal.aborted) return;
      const message = err instanceof UserError ? err.message : `could not open the transcript: ${(err as Error).message}`;
      if (!(err instanceof UserError)) this.log.error(`timeline: ${(err as Error).stack ?? String(err)}`);
      else this.log.warn(message);
      this.loadError = message;
      // commands waiting for this load are answered now (with nothing) rather than never
      for (const w of this.interactiveWaiters.splice(0)) w(null);
      await golive;
      await this.post({ type: 'error', message });
    }
  }

  /** The texts the view labels with, and their keys (a label is cut in its command, never in its key). */
  private async answerTexts(id: number, events: number[]): Promise<void> {
    const spill = this.loading ?? this.details;
    const briefs = (await spill?.briefs(events).catch(() => null)) ?? [];
    await this.post({ type: 'texts', id, events, texts: events.map((_, k) => briefs[k]?.text ?? ''), keys: events.map((_, k) => briefs[k]?.key ?? null) });
  }

  /** One event's details, and the keys and summaries of the other events of its exchange (for the pairing text). */
  private async answerDetails(id: number, event: number, related: number[]): Promise<void> {
    const details = (await this.details?.read(event).catch(() => null)) ?? null;
    const briefs = (await this.details?.briefs(related).catch(() => null)) ?? [];
    await this.post({ type: 'details', id, details, related: briefs });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.markReady();
    this.abort?.abort();
    for (const resolve of this.pending.values()) resolve(undefined);
    this.pending.clear();
    for (const w of this.interactiveWaiters.splice(0)) w(null);
    void this.details?.dispose();
    this.details = null;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.onDisposed(this);
  }
}
