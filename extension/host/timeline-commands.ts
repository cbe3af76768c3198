// The palette commands that open and drive timelines: Open Transcript…, Next/Previous Finding, Step Forward/Back,
// Play, Pause, Fit All, Show Output. The driving commands act on the active timeline, else the one last active: a
// hidden one is shown first, one still loading is waited for (said in the status bar), and one that cannot answer
// says why. They resolve with where the cursor ended up (for keybindings and tests alike).
import * as vscode from 'vscode';
import type { CursorReport, ViewCommand } from '../../webview/protocol';
import { fileArgument } from './bundled-replays';
import { pickFiles, registerCommands } from './commands';
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
  const driving: Array<[string, ViewCommand, string]> = [
    ['nextFinding', 'nextFinding', 'Next Finding'],
    ['previousFinding', 'prevFinding', 'Previous Finding'],
    ['stepForward', 'stepForward', 'Step Forward'],
    ['stepBack', 'stepBack', 'Step Back'],
    ['play', 'play', 'Play'],
    ['pause', 'pause', 'Pause'],
    ['fitAll', 'fitAll', 'Fit All'],
  ];
  registerCommands(context, log, [
    { id: 'incidentReplay.openTranscript', title: OPEN, run: (arg?: unknown) => openTranscript(timelines, fileArgument(context.extensionUri, arg)) },
    ...driving.map(([id, command, title]) => ({ id: `incidentReplay.${id}`, title, run: drive(command, title) })),
    { id: 'incidentReplay.showOutput', title: 'Show Output', run: () => log.show() },
  ]);
}

async function driveSession(s: TimelineSession, command: ViewCommand, label: string): Promise<CursorReport | undefined> {
  // a timeline behind another tab holds no page (its webview is not kept when hidden): shown, it loads again
  if (!s.panel.visible) s.panel.reveal(s.panel.viewColumn);
  const report = s.loaded
    ? await s.command(command)
    : await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Incident Replay: ${label} waits for ${s.title} to load` }, () =>
        s.command(command),
      );
  if (report) return report;
  const why = s.disposed ? `${s.title} was closed before it could` : s.loadError ? `${s.title} did not load: ${s.loadError}` : `${s.title} did not answer`;
  void vscode.window.showWarningMessage(`Incident Replay: ${label} did nothing: ${why}.`);
  return undefined;
}

/** Opens a transcript (asking for one when none is given) and resolves once its timeline is interactive. */
async function openTranscript(timelines: Timelines, uri?: vscode.Uri): Promise<Interactive | undefined> {
  const [target] = await pickFiles(uri, undefined, { title: 'Open Transcript', label: 'Open Transcript', filters: { Transcripts: ['jsonl'] } });
  if (!target) return undefined;
  return timelines.open(target).interactive();
}
