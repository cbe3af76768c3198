// The host's commands, registered one way: each with its title (what messages call it), whether it needs a trusted
// workspace, and what it runs; a failure is said once (showFailure: a user's error as its message, our bug with its
// stack in the log). The files a command acts on come from the explorer (the clicked file, or every one selected
// with it), else a dialog opened on the workspace folder.
import * as vscode from 'vscode';
import { showFailure, type Log } from './output';
import { whenTrusted } from './trust';

export interface Command {
  id: string;
  /** as the palette shows it, "Run Benchmark…" */
  title: string;
  /** opens ports, runs programs or connects to servers: refused, with a word, in Restricted Mode */
  trust?: boolean;
  // a command's arguments are whatever VS Code, a keybinding or another extension passes: each run checks its own
  run: (...args: never[]) => unknown;
}

export function registerCommands(context: vscode.ExtensionContext, log: Log, commands: Command[]): void {
  for (const c of commands) {
    const run = async (...args: never[]): Promise<unknown> => {
      try {
        return await c.run(...args);
      } catch (err) {
        return showFailure(log, `${c.title.replace(/…$/, '')} command`, err);
      }
    };
    context.subscriptions.push(vscode.commands.registerCommand(c.id, c.trust ? whenTrusted(c.title, run) : run));
  }
}

export interface FilePick {
  /** the dialog's title, after "Incident Replay: " */
  title: string;
  /** its button */
  label: string;
  filters: Record<string, string[]>;
  many?: boolean;
}

/** The files a command was given by the explorer (`all`: every one selected), else the ones picked in a dialog. */
export async function pickFiles(given: unknown, all: unknown, p: FilePick): Promise<vscode.Uri[]> {
  if (Array.isArray(all) && all.length > 0 && all.every((u) => u instanceof vscode.Uri)) return p.many ? all : all.slice(0, 1);
  if (given instanceof vscode.Uri) return [given];
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: p.many ?? false,
    openLabel: p.label,
    title: `Incident Replay: ${p.title}`,
    filters: p.filters,
    ...(folder ? { defaultUri: folder } : {}),
  });
  return picked ?? [];
}
