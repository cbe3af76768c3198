// The palette commands that open and drive timelines: Open Transcript…, Next/Previous Finding, Step Forward/Back,
// Show Output. The driving commands resolve with where the cursor ended up (for keybindings and tests alike).
import * as vscode from 'vscode';
import type { CursorReport, ViewCommand } from '../../webview/protocol';
import type { Log } from './output';
import type { Interactive } from './timeline-session';
import type { Timelines } from './timelines';

export function registerTimelineCommands(context: vscode.ExtensionContext, timelines: Timelines, log: Log): void {
  const drive = (command: ViewCommand) => async (): Promise<CursorReport | undefined> => {
    const s = timelines.current();
    if (!s) {
      void vscode.window.showInformationMessage('Incident Replay: open a transcript first (Incident Replay: Open Transcript…).');
      return undefined;
    }
    return s.command(command);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('incidentReplay.openTranscript', (uri?: vscode.Uri) => openTranscript(timelines, uri)),
    vscode.commands.registerCommand('incidentReplay.nextFinding', drive('nextFinding')),
    vscode.commands.registerCommand('incidentReplay.previousFinding', drive('prevFinding')),
    vscode.commands.registerCommand('incidentReplay.stepForward', drive('stepForward')),
    vscode.commands.registerCommand('incidentReplay.stepBack', drive('stepBack')),
    vscode.commands.registerCommand('incidentReplay.showOutput', () => log.show()),
  );
}

/** Opens a transcript (asking for one when none is given) and resolves once its timeline is interactive. */
async function openTranscript(timelines: Timelines, uri?: vscode.Uri): Promise<Interactive | undefined> {
  let target = uri instanceof vscode.Uri ? uri : undefined;
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Open Transcript',
      title: 'Incident Replay: Open Transcript',
      filters: { Transcripts: ['jsonl'] },
      ...(folder ? { defaultUri: folder } : {}),
    });
    target = picked?.[0];
  }
  if (!target) return undefined;
  return timelines.open(target).interactive();
}
