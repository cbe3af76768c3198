// The replays shipped inside the extension, by name: the walkthrough's command links can pass a string, not a path
// (`command:incidentReplay.openTranscript?["mogilefs-2008"]`).
import * as vscode from 'vscode';

const BUNDLED: Record<string, string> = {
  'mogilefs-2008': 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl',
  'foursquare-2010': 'replays/foursquare-2010/foursquare-2010.metrics.csv',
};

/** A command's argument as a file: a Uri as given, a bundled replay's name as its file, anything else undefined. */
export function fileArgument(extensionUri: vscode.Uri, arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && Object.hasOwn(BUNDLED, arg)) return vscode.Uri.joinPath(extensionUri, BUNDLED[arg]);
  return undefined;
}
