// Restores timeline panels after a window reload: the webview's saved state names the transcript; it is checked
// at the door (parseViewState) and the panel is bound to that transcript again. The webview restores its own view.
import * as vscode from 'vscode';
import { parseViewState } from '../../webview/protocol';
import type { Log } from './output';
import { PANEL_VIEW_TYPE, type Timelines } from './timelines';

export function registerTimelineSerializer(context: vscode.ExtensionContext, timelines: Timelines, log: Log): void {
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const s = parseViewState(state);
        if (!s) {
          log.warn('a timeline panel could not be restored: its saved state is missing or from another version');
          panel.dispose();
          return;
        }
        timelines.attach(vscode.Uri.parse(s.source, true), panel);
      },
    }),
  );
}
