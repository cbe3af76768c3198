// Check Your Own Client…: the palette's door to `check --exec`. Asks the command, the server it talks to, the
// client's timeout and the points; runs the sweep with progress and cancel; writes the transcripts, the result
// (`*.sweep.json`) and its table (`*.sweep.md`, links to each transcript) side by side, and shows the table.
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { choosePoints, DEFAULT_POINT_NAMES, runSweep, sweepMarkdown, sweepVerdictLine, type SweepResult } from '../core/check';
import { parseHostPort } from '../core/address';
import { UserError } from '../core/errors';
import { duration } from '../core/record/fault-spec';
import { tryOrMessage } from './check-command';
import { registerCommands } from './commands';
import { showFailure, type Log } from './output';
import { outputFile } from './record-commands';

export function registerSweepCommand(context: vscode.ExtensionContext, log: Log): void {
  registerCommands(context, log, [{ id: 'incidentReplay.checkClient', title: 'Check Your Own Client…', trust: true, run: () => checkClient(log) }]);
}

async function checkClient(log: Log): Promise<SweepResult | undefined> {
  const title = 'Check Your Own Client';
  const command = await vscode.window.showInputBox({
    title: `${title} (1/4): the program`,
    prompt: "Run with /bin/sh in the workspace folder; the proxy's address is in $INCIDENT_REPLAY_ADDR and replaces {addr}, {host}, {port}",
    placeHolder: 'node app.js {addr}',
    validateInput: (v) => (v.trim() ? null : 'a command to run'),
  });
  if (!command) return undefined;
  const target = await vscode.window.showInputBox({
    title: `${title} (2/4): the server it talks to`,
    value: '127.0.0.1:6379',
    validateInput: (v) => tryOrMessage(() => parseHostPort(v, 'the server')),
  });
  if (!target) return undefined;
  const timeout = await vscode.window.showInputBox({
    title: `${title} (3/4): the program's own read timeout`,
    value: '1s',
    prompt: 'Sizes the faults: latency at twice it, stalls at four times it',
    validateInput: (v) => tryOrMessage(() => duration(v, (w) => new UserError(w))),
  });
  if (!timeout) return undefined;
  const picked = await vscode.window.showQuickPick(
    DEFAULT_POINT_NAMES.map((name) => ({ label: name, picked: true })),
    { title: `${title} (4/4): the points of the sweep`, canPickMany: true },
  );
  if (!picked || picked.length === 0) return undefined;
  const clientTimeoutMs = duration(timeout, (w) => new UserError(w));
  const stem = (await outputFile('sweep')).replace(/\.transcript\.jsonl$/, '');
  const outDir = dirname(stem);
  const abort = new AbortController();
  log.info(`check: "${command}" against ${target}, points ${picked.map((p) => p.label).join(', ')}; transcripts in ${outDir}`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking "${command}" against ${target}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        return runSweep(
          {
            command,
            target,
            points: choosePoints(picked.map((p) => p.label).join(','), [], clientTimeoutMs),
            outDir,
            runTimeoutMs: 60_000,
            cwd: vscode.workspace.workspaceFolders?.[0]?.uri.scheme === 'file' ? vscode.workspace.workspaceFolders[0].uri.fsPath : undefined,
          },
          {
            signal: abort.signal,
            onPoint: (i, n, p) => progress.report({ message: `point ${i + 1} of ${n}: ${p.name}`, increment: 100 / n }),
            onRow: (row) =>
              log.info(
                `check: ${row.point}: ${row.verdict}, ${row.requests} requests, ${row.timeouts} timeouts, ${row.mismatches} mismatches; ${row.transcript}`,
              ),
          },
        );
      },
    );
    await writeFile(`${stem}.sweep.json`, `${JSON.stringify(result, null, 2)}\n`);
    const md = vscode.Uri.file(`${stem}.sweep.md`);
    await writeFile(md.fsPath, sweepMarkdown(result));
    const line = sweepVerdictLine(result);
    log.info(`check: ${line}; ${md.fsPath}`);
    if (result.verdict !== 'clean') void vscode.window.showWarningMessage(`Incident Replay: ${line}`);
    else void vscode.window.showInformationMessage(`Incident Replay: ${line}`);
    await vscode.commands.executeCommand('markdown.showPreview', md);
    return result;
  } catch (err) {
    return showFailure(log, 'check', err);
  }
}
