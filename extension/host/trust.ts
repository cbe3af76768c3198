// Restricted Mode: transcripts, timelines, metrics, benchmark results and verdicts open in any workspace; what opens
// ports, runs programs or connects to servers a workspace's settings could name (record, checks, benchmarks) needs
// the workspace trusted. package.json hides those commands from the palette there (`isWorkspaceTrusted`); this says
// why to whoever reaches one anyway (a keybinding, another extension).
import * as vscode from 'vscode';

const MANAGE = 'Manage Workspace Trust';

/** The command as given when the workspace is trusted; otherwise one that says it needs trust and does nothing. */
export function whenTrusted<A extends unknown[], R>(title: string, run: (...args: A) => R): (...args: A) => R | undefined {
  return (...args: A) => {
    if (vscode.workspace.isTrusted) return run(...args);
    // not awaited: the command is over at once, whatever the user does with the message
    void vscode.window
      .showWarningMessage(
        `Incident Replay: ${title} needs a trusted workspace: it opens ports, runs programs or connects to the servers the settings name. Restricted Mode still opens transcripts and metrics.`,
        MANAGE,
      )
      .then((pick) => pick === MANAGE && vscode.commands.executeCommand('workbench.trust.manage'));
    return undefined;
  };
}
