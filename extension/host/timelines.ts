// Every timeline open in the editor, and which one the Step/Finding commands act on: the active one, else the
// one most recently active. Opens transcripts in a panel (restored after reload by the panel serializer).
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ModelCache } from '../core/timeline';
import type { Log } from './output';
import { TimelineSession } from './timeline-session';

export const PANEL_VIEW_TYPE = 'incidentReplay.timeline';

export class Timelines implements vscode.Disposable {
  private readonly sessions: TimelineSession[] = [];
  private recent: TimelineSession | null = null;
  private readonly attached = new vscode.EventEmitter<TimelineSession>();
  /** a timeline was bound to a transcript (the review notes are marked on it) */
  readonly onDidAttach = this.attached.event;

  /**
   * storage: where transcripts' binary sidecars and built models are kept (the extension's global storage), so a
   * reopened unchanged transcript is read, not built
   */
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Log,
    storage: string,
  ) {
    this.sidecarDir = join(storage, 'sidecars');
    this.models = new ModelCache(join(storage, 'models'));
  }

  private readonly sidecarDir: string;
  private readonly models: ModelCache;

  /** Binds a webview panel (a new one, a restored one or a custom editor's) to a transcript. */
  attach(uri: vscode.Uri, panel: vscode.WebviewPanel): TimelineSession {
    const s = new TimelineSession(uri, panel, this.extensionUri, this.log, (gone) => this.forget(gone), this.sidecarDir, this.models);
    this.sessions.push(s);
    this.publishOpen();
    this.recent = s;
    this.attached.fire(s);
    panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) this.recent = s;
    });
    return s;
  }

  /** Shows the transcript's timeline, reusing a panel that already shows it. */
  open(uri: vscode.Uri): TimelineSession {
    const existing = this.sessions.find((s) => s.uri.toString() === uri.toString());
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const title = uri.path.split('/').pop() ?? 'Transcript';
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      // the page keeps its model while another tab is in front: showing it again costs nothing
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
    });
    return this.attach(uri, panel);
  }

  /** The timeline commands act on: the active one, else the last one active. */
  current(): TimelineSession | null {
    return this.sessions.find((s) => s.panel.active) ?? this.recent;
  }

  /** `incidentReplay.timelineOpen`: the palette offers Step, Finding, Play and Fit only while a timeline is open */
  private publishOpen(): void {
    void vscode.commands.executeCommand('setContext', 'incidentReplay.timelineOpen', this.sessions.length > 0);
  }

  private forget(s: TimelineSession): void {
    const i = this.sessions.indexOf(s);
    if (i >= 0) this.sessions.splice(i, 1);
    this.publishOpen();
    if (this.recent === s) this.recent = this.sessions[this.sessions.length - 1] ?? null;
  }

  /** The timeline showing this transcript, if one is open. */
  find(uri: vscode.Uri): TimelineSession | undefined {
    return this.sessions.find((s) => s.uri.toString() === uri.toString());
  }

  /** Every timeline open. */
  get all(): readonly TimelineSession[] {
    return this.sessions;
  }

  dispose(): void {
    this.attached.dispose();
    for (const s of [...this.sessions]) s.panel.dispose();
  }
}
