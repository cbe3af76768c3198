// Every timeline open in the editor, and which one the Step/Finding commands act on: the active one, else the
// one most recently active. Opens transcripts in a panel (restored after reload by the panel serializer).
import * as vscode from 'vscode';
import type { Log } from './output';
import { TimelineSession } from './timeline-session';

export const PANEL_VIEW_TYPE = 'incidentReplay.timeline';

export class Timelines implements vscode.Disposable {
  private readonly sessions: TimelineSession[] = [];
  private recent: TimelineSession | null = null;

  /** sidecarDir: where transcripts' binary sidecars are kept, so a reopened transcript is read without parsing */
  constructor(private readonly extensionUri: vscode.Uri, private readonly log: Log, private readonly sidecarDir?: string) {}

  /** Binds a webview panel (a new one, a restored one or a custom editor's) to a transcript. */
  attach(uri: vscode.Uri, panel: vscode.WebviewPanel): TimelineSession {
    const s = new TimelineSession(uri, panel, this.extensionUri, this.log, (gone) => this.forget(gone), this.sidecarDir);
    this.sessions.push(s);
    this.recent = s;
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
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
    });
    return this.attach(uri, panel);
  }

  /** The timeline commands act on: the active one, else the last one active. */
  current(): TimelineSession | null {
    return this.sessions.find((s) => s.panel.active) ?? this.recent;
  }

  private forget(s: TimelineSession): void {
    const i = this.sessions.indexOf(s);
    if (i >= 0) this.sessions.splice(i, 1);
    if (this.recent === s) this.recent = this.sessions[this.sessions.length - 1] ?? null;
  }

  dispose(): void {
    for (const s of [...this.sessions]) s.panel.dispose();
  }
}
