// Opens a postmortem draft's links: vscode://incident-replay.incident-replay/open?file=…&event=… shows the
// transcript's timeline and selects the event. The link comes from outside (a draft anyone may have edited): it is
// checked (core/review/link.ts) and the file must exist before anything opens.
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { parseOpenLink } from '../core/review';
import type { CursorReport } from '../../webview/protocol';
import { registerCommands } from './commands';
import type { Log } from './output';
import type { Timelines } from './timelines';

export function registerReviewUriHandler(context: vscode.ExtensionContext, timelines: Timelines, log: Log): void {
  context.subscriptions.push(vscode.window.registerUriHandler({ handleUri: (uri) => void openLink(timelines, log, uri) }));
  // the same for a link given as text (tests, and editors whose own scheme is not vscode://)
  registerCommands(context, log, [
    {
      id: 'incidentReplay.openLink',
      title: 'Open Link',
      run: (link?: unknown) => (typeof link === 'string' ? openLink(timelines, log, vscode.Uri.parse(link, true)) : undefined),
    },
  ]);
}

/** Opens the link's transcript at its event; resolves with where the cursor is, or undefined when refused. */
async function openLink(timelines: Timelines, log: Log, uri: vscode.Uri): Promise<CursorReport | undefined> {
  // Uri gives the query decoded; a literal '+' in a path must stay one (URLSearchParams would read a space)
  const target = parseOpenLink(uri.path, uri.query.replace(/\+/g, '%2B'));
  const refuse = (why: string) => {
    log.warn(`link refused: ${why}`);
    void vscode.window.showErrorMessage(`Incident Replay: ${why}`);
    return undefined;
  };
  if (typeof target === 'string') return refuse(target);
  const file = await locate(target.file);
  if (!file) return refuse(`${target.file}: no such transcript${isAbsolute(target.file) ? '' : ' in the workspace folders'}`);
  const session = timelines.open(file);
  const shown = await session.interactive();
  if (target.event === null) return undefined;
  if (target.event >= shown.events) return refuse(`${target.file}: the link names event ${target.event + 1}, the transcript has ${shown.events}`);
  return session.select(target.event);
}

/** An absolute path as it is; a relative one in the first workspace folder that holds it. */
async function locate(file: string): Promise<vscode.Uri | null> {
  const candidates = isAbsolute(file) ? [vscode.Uri.file(file)] : (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, file));
  for (const c of candidates) if ((await stat(c.fsPath).catch(() => null))?.isFile()) return c;
  return null;
}
