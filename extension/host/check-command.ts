// Run Mismatch Check…: asks the client (mysql2, pg, ioredis, the tracker's two, …), the URL (from the settings or
// typed; the tracker clients start the embedded tracker without one), the injected latency, the client's timeout
// and how many requests; runs the check with progress and cancel; writes the transcript and its verdict side by
// side (like replays/driver-check); shows the verdict table, whose button opens the transcript in the timeline.
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { CLIENT_NAMES, runCheck, verdictWords, type ClientName } from '../core/check';
import { UserError } from '../core/errors';
import { redactSecrets } from '../core/redact';
import { duration, parseFaultSpec } from '../core/record/fault-spec';
import type { ChartPanels } from './chart-panel';
import { checkSource } from './chart-sources';
import { askCount, pickDatabaseUrl } from './database-pick';
import { pickFiles, registerCommands } from './commands';
import { showFailure, type Log } from './output';
import { outputFile } from './record-commands';
import type { Timelines } from './timelines';

const SCHEMES: Record<ClientName, { schemes: string[]; placeholder: string }> = {
  mysql2: { schemes: ['mysql'], placeholder: 'mysql://root@127.0.0.1:3306/test' },
  'mysql2-pool': { schemes: ['mysql'], placeholder: 'mysql://root@127.0.0.1:3306/test' },
  pg: { schemes: ['postgres', 'postgresql'], placeholder: 'postgres://postgres@127.0.0.1:5432/test' },
  'pg-pool': { schemes: ['postgres', 'postgresql'], placeholder: 'postgres://postgres@127.0.0.1:5432/test' },
  ioredis: { schemes: ['redis'], placeholder: 'redis://127.0.0.1:6379' },
  'redis-keep-on-cancel': { schemes: ['redis'], placeholder: 'redis://127.0.0.1:6379' },
  mongodb: { schemes: ['mongodb'], placeholder: 'mongodb://127.0.0.1:27017/test' },
  'tracker-buggy': { schemes: ['mogilefs'], placeholder: 'mogilefs://127.0.0.1:7001' },
  'tracker-safe': { schemes: ['mogilefs'], placeholder: 'mogilefs://127.0.0.1:7001' },
};

export function registerCheckCommand(context: vscode.ExtensionContext, charts: ChartPanels, timelines: Timelines, log: Log): void {
  registerCommands(context, log, [
    { id: 'incidentReplay.runMismatchCheck', title: 'Run Mismatch Check…', trust: true, run: () => runMismatchCheck(charts, timelines, log, context.secrets) },
    { id: 'incidentReplay.openVerdict', title: 'Open Check Verdict…', run: (uri?: unknown) => openVerdict(charts, timelines, uri) },
  ]);
}

/** Open Check Verdict…: a *.verdict.json in the verdict view, from the explorer, the editor's title or a dialog. */
async function openVerdict(charts: ChartPanels, timelines: Timelines, uri?: unknown): Promise<number | undefined> {
  // the explorer's file, else the verdict open in the editor, else one picked
  const editing = vscode.window.activeTextEditor?.document.uri;
  const given = uri instanceof vscode.Uri ? uri : editing?.path.endsWith('.verdict.json') ? editing : undefined;
  const [file] = await pickFiles(given, undefined, {
    title: 'Open Check Verdict (*.verdict.json)',
    label: 'Open Check Verdict',
    filters: { 'Check verdicts': ['json'] },
  });
  if (!file) return undefined;
  return charts.open(checkSource(file, timelines)).rendered();
}

async function runMismatchCheck(charts: ChartPanels, timelines: Timelines, log: Log, secrets: vscode.SecretStorage): Promise<number | undefined> {
  const title = 'Run Mismatch Check';
  const client = (
    await vscode.window.showQuickPick(
      CLIENT_NAMES.map((c) => ({
        label: c,
        description: c.startsWith('tracker') ? `the embedded MogileFS tracker's ${c.slice(8)} client (2008)` : `${SCHEMES[c].schemes[0]}://`,
      })),
      { title: `${title} (1/5): client` },
    )
  )?.label as ClientName | undefined;
  if (!client) return undefined;
  const tracker = client.startsWith('tracker');
  const url = await pickDatabaseUrl(
    { title: `${title} (2/5): server`, ...SCHEMES[client], ...(tracker ? { noUrl: 'The embedded tracker (started for the check)' } : {}) },
    secrets,
    log,
  );
  if (url === undefined) return undefined;
  const latency = await vscode.window.showInputBox({
    title: `${title} (3/5): latency injected into a share of responses`,
    value: '300ms@5%',
    prompt: 'delay@share, like 300ms@5% or 300ms,jitter=100ms,share=10%',
    validateInput: (v) => tryOrMessage(() => parseFaultSpec(v.startsWith('latency') ? v : `latency:${v}`)),
  });
  if (!latency) return undefined;
  const timeout = await vscode.window.showInputBox({
    title: `${title} (4/5): the client's timeout`,
    value: '100ms',
    prompt: 'Shorter than the injected latency, so that some requests time out and the client carries on',
    validateInput: (v) => tryOrMessage(() => duration(v, (w) => new UserError(w))),
  });
  if (!timeout) return undefined;
  const requests = await askCount(`${title} (5/5): requests`, 2000, 'Reads to make; every answer is checked against the key asked for', 1_000_000);
  if (!requests) return undefined;
  const out = await outputFile(`check-${client}`);
  const abort = new AbortController();
  const shown = url === null ? 'the embedded tracker' : redactSecrets(url);
  log.info(`check: ${client} against ${shown}, latency ${latency}, timeout ${timeout}, ${requests} requests; transcript ${out}`);
  try {
    const verdict = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Mismatch check: ${client} against ${shown}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let last = 0;
        return runCheck(
          {
            url: url ?? undefined,
            client,
            latency,
            timeoutMs: duration(timeout, (w) => new UserError(w)),
            requests,
            concurrency: 4,
            rows: 1000,
            seed: 2008,
            out,
          },
          {
            signal: abort.signal,
            onProgress: (done, total) => {
              progress.report({
                message: `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} requests`,
                increment: ((done - last) / total) * 100,
              });
              last = done;
            },
          },
        );
      },
    );
    // the verdict beside its transcript, naming it relatively, as in replays/driver-check
    const verdictFile = out.replace(/\.transcript\.jsonl$/, '.verdict.json');
    await writeFile(verdictFile, `${JSON.stringify({ ...verdict, transcript: basename(verdict.transcript) }, null, 2)}\n`);
    const errors = Object.values(verdict.errors).reduce((a, b) => a + b, 0);
    log.info(
      `check: ${client} (${verdict.version})${abort.signal.aborted ? ' (cancelled)' : ''}: ${verdict.requests} requests, ${verdict.verified} verified, ${verdict.timeouts} timeouts, ${errors} errors, ` +
        `${verdict.mismatches.length} mismatches; verdict ${verdictFile}`,
    );
    if (verdict.verdict !== 'clean') void vscode.window.showWarningMessage(`Incident Replay: ${client}: ${verdictWords(verdict)}`);
    return await charts.open(checkSource(vscode.Uri.file(verdictFile), timelines)).rendered();
  } catch (err) {
    return showFailure(log, 'check', err);
  }
}

/** For an input box's validateInput: the error a parse would throw, in its words, or null. */
export function tryOrMessage(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
