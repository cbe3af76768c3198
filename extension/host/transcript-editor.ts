// The read-only custom editor for *.transcript.jsonl: opening one from the explorer shows its timeline. The
// document is only a URI; the model is built by the session from the file itself.
import * as vscode from 'vscode';
import type { Timelines } from './timelines';

export const EDITOR_VIEW_TYPE = 'incidentReplay.transcript';

export class TranscriptEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly timelines: Timelines) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    this.timelines.attach(document.uri, panel);
  }
}

export function registerTranscriptEditor(context: vscode.ExtensionContext, timelines: Timelines): void {
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(EDITOR_VIEW_TYPE, new TranscriptEditorProvider(timelines), {
      supportsMultipleEditorsPerDocument: false,
      // the page keeps its model while another tab is in front: showing it again costs nothing
      webviewOptions: { retainContextWhenHidden: true },
    }),
  );
}
