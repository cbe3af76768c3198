// The palette commands that open and drive timelines: Open Transcript…, Next/Previous Finding, Step Forward/Back,
// Play, Pause, Fit All, Show Output. The driving commands act on the active timeline, else the one last active: a
// hidden one is shown first, one still loading is waited for (said in the status bar), and one that cannot answer
// says why. They resolve with where the cursor ended up (for keybindings and tests alike).
import * as vscode from 'vscode';
import type { CursorReport, ViewCommand } from '../../webview/protocol';
import { fileArgument } from './bundled-replays';
import type { Log } from './output';
import type { Interactive, TimelineSession } from './timeline-session';
import type { Timelines } from './timelines';

const OPEN = 'Open Transcript…';

export function registerTimelineCommands(context: vscode.ExtensionContext, timelines: Timelines, log: Log): void {
  const drive = (command: ViewCommand, label: string) => async (): Promise<CursorReport | undefined> => {
    const s = timelines.current();
    if (!s) {
      const open = await vscode.window.showInformationMessage(`Incident Replay: ${label} acts on a timeline, and none is open.`, OPEN);
      if (open === OPEN) await vscode.commands.executeCommand('incidentReplay.openTranscript');
      return undefined;
    }
    return driveSession(s, command, label);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('incidentReplay.openTranscript', (arg?: unknown) => openTranscript(timelines, fileArgument(context.extensionUri, arg))),
    vscode.commands.registerCommand('incidentReplay.nextFinding', drive('nextFinding', 'Next Finding')),
    vscode.commands.registerCommand('incidentReplay.previousFinding', drive('prevFinding', 'Previous Finding')),
    vscode.commands.registerCommand('incidentReplay.stepForward', drive('stepForward', 'Step Forward')),
    vscode.commands.registerCommand('incidentReplay.stepBack', drive('stepBack', 'Step Back')),
    vscode.commands.registerCommand('incidentReplay.play', drive('play', 'Play')),
    vscode.commands.registerCommand('incidentReplay.pause', drive('pause', 'Pause')),
    vscode.commands.registerCommand('incidentReplay.fitAll', drive('fitAll', 'Fit All')),
    vscode.commands.registerCommand('incidentReplay.showOutput', () => log.show()),
  );
}

async function driveSession(s: TimelineSession, command: ViewCommand, label: string): Promise<CursorReport | undefined> {
  // a timeline behind another tab holds no page (its webview is not kept when hidden): shown, it loads again
  if (!s.panel.visible) s.panel.reveal(s.panel.viewColumn);
  const report = s.loaded
    ? await s.command(command)
    : await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Incident Replay: ${label} waits for ${s.title} to load` }, () => s.command(command));
  if (report) return report;
  const why = s.disposed ? `${s.title} was closed before it could` : s.loadError ? `${s.title} did not load: ${s.loadError}` : `${s.title} did not answer`;
  void vscode.window.showWarningMessage(`Incident Replay: ${label} did nothing: ${why}.`);
  return undefined;
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
