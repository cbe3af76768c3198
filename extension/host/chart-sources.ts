// What each chart page shows and how to build it from its files: a metrics file, bench result files, a check
// verdict (whose page can open the run's transcript in the timeline, at a mismatch). Used by the commands and
// by the serializer that restores panels after a reload.
import * as vscode from 'vscode';
import { UserError } from '../core/errors';
import type { ChartView } from '../../webview/protocol';
import { benchPayloadFromFiles, checkPayload, metricsPayload, readVerdictFile, verdictTranscript } from './chart-payloads';
import type { ChartSource } from './chart-panel';
import { readSettings } from './settings';
import type { Timelines } from './timelines';

function localPath(uri: vscode.Uri): string {
  if (uri.scheme !== 'file') throw new UserError(`${uri.toString()}: only files on this machine's disk can be opened`);
  return uri.fsPath;
}

export function metricsSource(file: vscode.Uri): ChartSource {
  return { view: 'metrics', files: [file], load: () => metricsPayload(localPath(file), readSettings().leadTimeHours) };
}

export function benchSource(files: vscode.Uri[]): ChartSource {
  return { view: 'bench', files, load: () => benchPayloadFromFiles(files.map(localPath)) };
}

export function checkSource(verdictFile: vscode.Uri, timelines: Timelines): ChartSource {
  return {
    view: 'check',
    files: [verdictFile],
    load: async () => checkPayload(await readVerdictFile(localPath(verdictFile)), localPath(verdictFile)),
    openTranscript: (mismatch) => openTranscriptAt(timelines, verdictFile, mismatch),
  };
}

export function sourceFor(view: ChartView, files: vscode.Uri[], timelines: Timelines): ChartSource {
  switch (view) {
    case 'metrics':
      return metricsSource(files[0]);
    case 'bench':
      return benchSource(files);
    case 'check':
      return checkSource(files[0], timelines);
  }
}

/**
 * Opens the verdict's transcript in the timeline; for a mismatch, steps Next Finding to the wire's n-th mismatch
 * (the check's mismatches and the transcript's are the same events in the same order when the two agree).
 */
async function openTranscriptAt(timelines: Timelines, verdictFile: vscode.Uri, mismatch: number): Promise<void> {
  const file = localPath(verdictFile);
  const transcript = verdictTranscript(await readVerdictFile(file), file);
  const session = timelines.open(vscode.Uri.file(transcript));
  const shown = await session.interactive();
  if (mismatch < 0) return;
  let seen = -1;
  for (let i = 0; i < shown.findings; i++) {
    const at = await session.command('nextFinding');
    if (!at) return;
    if (at.findingKind === 'mismatch' && ++seen === mismatch) return;
  }
}
