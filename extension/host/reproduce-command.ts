// Reproduce the 2008 Tracker Desync: runs the embedded tracker, the recording proxy and both clients on loopback
// (the engine's reproduceMogilefs2008), reports progress and the tallies, then opens the transcript's timeline.
import * as vscode from 'vscode';
import { reproduceMogilefs2008 } from '../core/tracker/reproduce';
import { registerCommands } from './commands';
import { showFailure, type Log } from './output';
import { outputFile } from './record-commands';
import type { Timelines } from './timelines';

export function registerReproduceCommand(context: vscode.ExtensionContext, timelines: Timelines, log: Log): void {
  registerCommands(context, log, [
    {
      id: 'incidentReplay.reproduce2008',
      title: 'Reproduce the 2008 Tracker Desync',
      run: async () => {
        const out = await outputFile('mogilefs-2008-reproduced');
        const abort = new AbortController();
        try {
          const r = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: 'Reproducing the 2008 tracker desync', cancellable: true },
            (progress, token) => {
              token.onCancellationRequested(() => abort.abort());
              return reproduceMogilefs2008({
                out,
                signal: abort.signal,
                onProgress: (message) => {
                  progress.report({ message });
                  log.info(`reproduce: ${message}`);
                },
              });
            },
          );
          const tally = (c: typeof r.buggy) => `${c.requests} requests, ${c.wrong} wrong answers, ${c.timeouts} timeouts, ${c.refused} refused`;
          log.info(`reproduce: buggy client: ${tally(r.buggy)}; safe client: ${tally(r.safe)}; transcript ${r.transcript}`);
          if (r.cancelled) {
            // what a cut-short run saw is not a reproduction: it says how far it got, and opens what it recorded
            log.info(`reproduce: cancelled after ${r.cancelled.after} of ${r.cancelled.of} requests per client`);
            void vscode.window.showWarningMessage(
              `Reproduction cancelled after ${r.cancelled.after} of ${r.cancelled.of} requests per client: so far the buggy client took ${r.buggy.wrong} wrong answers, the safe one ${r.safe.wrong}.`,
            );
          } else if (r.buggy.wrong > 0 && r.safe.wrong === 0) {
            void vscode.window.showInformationMessage(
              `2008 desync reproduced: the buggy client took ${r.buggy.wrong} wrong answers, the safe one ${r.safe.wrong}.`,
            );
          } else {
            void vscode.window.showWarningMessage(
              `The desync did not reproduce this time: the buggy client took ${r.buggy.wrong} wrong answers, the safe one ${r.safe.wrong}.`,
            );
          }
          return await timelines.open(vscode.Uri.file(r.transcript)).interactive();
        } catch (err) {
          if (abort.signal.aborted) return undefined;
          return showFailure(log, 'reproduction', err);
        }
      },
    },
  ]);
}
