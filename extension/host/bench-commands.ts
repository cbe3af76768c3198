// Run Benchmark… (asks the URL, workload, concurrency levels and statements per client; runs with progress and
// cancel; writes a *.bench.json next to earlier runs, never over one; shows the chart) and Open Benchmark Results…
// (one or more *.bench.json on one chart). The clients run on the extension host's own thread (workers: 0): a
// worker thread loads the bundle it runs in, and the extension's bundle requires `vscode`.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { makeSpec, readBenchConfig, runBench, SEED_COUNT, writeBenchFile, type BenchDocument, type BenchProgress, type Workload } from '../core/bench';
import { redactSecrets } from '../core/redact';
import type { ChartPanels } from './chart-panel';
import { benchSource } from './chart-sources';
import { askCount, pickDatabaseUrl } from './database-pick';
import { showFailure, type Log } from './output';
import { pickFiles, registerCommands } from './commands';

export function registerBenchCommands(context: vscode.ExtensionContext, charts: ChartPanels, log: Log): void {
  registerCommands(context, log, [
    { id: 'incidentReplay.runBenchmark', title: 'Run Benchmark…', trust: true, run: () => runBenchmark(charts, log, context.secrets) },
    { id: 'incidentReplay.openBenchResults', title: 'Open Benchmark Results…', run: (uri?: unknown, all?: unknown) => openBenchResults(charts, uri, all) },
    {
      id: 'incidentReplay.runBenchConfig',
      title: 'Run Benchmark Configuration…',
      trust: true,
      run: (uri?: unknown) => runBenchConfig(charts, log, context.secrets, uri),
    },
  ]);
}

/** Run Benchmark Configuration…: every run of a config file (replays/db-speed-2010/bench.json) against one target. */
async function runBenchConfig(charts: ChartPanels, log: Log, secrets: vscode.SecretStorage, uri?: unknown): Promise<number | undefined> {
  const title = 'Run Benchmark Configuration';
  const [file] = await pickFiles(uri, undefined, {
    title: `${title} (a JSON file with "runs")`,
    label: 'Run',
    filters: { 'Benchmark configuration': ['json'] },
  });
  if (!file) return undefined;
  try {
    const config = await readBenchConfig(file.fsPath);
    const url = await pickDatabaseUrl(
      { title: `${title} (1/2): target`, schemes: ['mysql', 'postgres', 'postgresql', 'mongodb'], placeholder: 'postgres://postgres@127.0.0.1:5432/test' },
      secrets,
      log,
    );
    if (!url) return undefined;
    const largest = Math.max(...config.runs.map((r) => r.count ?? SEED_COUNT[r.workload ?? 'select']));
    const count = await askCount(
      `${title} (2/2): statements per client at each level`,
      Math.min(largest, 1000),
      `The file asks up to ${largest.toLocaleString('en-US')}; a smaller number runs the same shape sooner`,
    );
    if (!count) return undefined;
    const specs = config.runs.map((r) =>
      makeSpec({
        url,
        workload: r.workload,
        concurrency: r.concurrency,
        count: Math.min(count, r.count ?? count),
        index: r.index ?? true,
        rows: r.rows,
        table: 'ir_bench',
        workers: 0,
      }),
    );
    const abort = new AbortController();
    const files: vscode.Uri[] = [];
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Benchmark configuration ${file.path.split('/').pop()} against ${redactSecrets(url)}`,
        cancellable: true,
      },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        for (const [i, spec] of specs.entries()) {
          if (abort.signal.aborted) break;
          const doc: BenchDocument = await runBench(spec, {
            signal: abort.signal,
            onProgress: (p) => progress.report({ message: `run ${i + 1}/${specs.length} (${spec.workload}): ${describe(p)}` }),
          });
          if (doc.runs.length === 0) continue;
          const out = await writeBenchFile(doc, await resultsDir());
          log.info(`bench: ${spec.workload} from ${file.fsPath}${doc.cancelled ? ' (cancelled)' : ''}: written to ${out}`);
          files.push(vscode.Uri.file(out));
        }
      },
    );
    if (files.length === 0) {
      void vscode.window.showInformationMessage('Incident Replay: the benchmark was cancelled before a level completed.');
      return undefined;
    }
    return await charts.open(benchSource(files)).rendered();
  } catch (err) {
    return fail(log, err);
  }
}

async function openBenchResults(charts: ChartPanels, uri?: unknown, all?: unknown): Promise<number | undefined> {
  const files = await pickFiles(uri, all, {
    title: 'Open Benchmark Results (*.bench.json, one or more)',
    label: 'Open Benchmark Results',
    filters: { 'Benchmark results': ['json'] },
    many: true,
  });
  if (files.length === 0) return undefined;
  return charts.open(benchSource(files)).rendered();
}

async function runBenchmark(charts: ChartPanels, log: Log, secrets: vscode.SecretStorage): Promise<number | undefined> {
  const title = 'Run Benchmark';
  const url = await pickDatabaseUrl(
    { title: `${title} (1/4): target`, schemes: ['mysql', 'postgres', 'postgresql', 'mongodb'], placeholder: 'postgres://postgres@127.0.0.1:5432/test' },
    secrets,
    log,
  );
  if (!url) return undefined;
  const workload = (
    await vscode.window.showQuickPick(
      [
        { label: 'select', description: 'select * from data where val = ? (the seed ran 100,000 per client)' },
        { label: 'insert', description: 'insert into data (val, txt) values (?, ?) (the seed ran 10,000 per client)' },
      ],
      { title: `${title} (2/4): workload` },
    )
  )?.label as Workload | undefined;
  if (!workload) return undefined;
  const levels = await vscode.window.showInputBox({
    title: `${title} (3/4): concurrency levels`,
    value: '1,2,4,8,16',
    prompt: 'Simulated clients per level, one connection each (the seed went to 40)',
    validateInput: (v) => (/^\s*\d+(\s*,\s*\d+)*\s*$/.test(v) ? null : 'whole numbers separated by commas, like 1,2,4,8'),
  });
  if (!levels) return undefined;
  const count = await askCount(
    `${title} (4/4): statements per client at each level`,
    Math.min(SEED_COUNT[workload], 1000),
    `The seed ran ${SEED_COUNT[workload].toLocaleString('en-US')}; a warm-up of a tenth runs first`,
  );
  if (!count) return undefined;
  let spec;
  try {
    spec = makeSpec({ url, workload, concurrency: levels.split(',').map((s) => Number(s.trim())), count, table: 'ir_bench', workers: 0 });
  } catch (err) {
    return fail(log, err);
  }
  const abort = new AbortController();
  log.info(`bench: ${workload} against ${redactSecrets(url)} at concurrency ${spec.concurrency.join(',')}, ${count} per client`);
  try {
    const doc = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Benchmark: ${workload} against ${redactSecrets(url)}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let shown = 0;
        return runBench(spec, {
          signal: abort.signal,
          onProgress: (p) => {
            const at = fraction(p);
            progress.report({ message: describe(p), increment: Math.max(0, (at - shown) * 100) });
            shown = Math.max(shown, at);
          },
        });
      },
    );
    const file = await writeBenchFile(doc, await resultsDir());
    const summary = doc.runs
      .map(
        (r) =>
          `c=${r.concurrency}: ${r.throughput.toFixed(0)}/s, p99 ${(r.latency.p99 / 1000).toFixed(2)} ms${Object.keys(r.errors).length ? `, errors ${JSON.stringify(r.errors)}` : ''}`,
      )
      .join('; ');
    log.info(`bench: ${doc.cancelled ? 'cancelled; kept the levels that completed' : 'done'}: ${summary}; written to ${file}`);
    if (doc.runs.length === 0) {
      void vscode.window.showInformationMessage('Incident Replay: the benchmark was cancelled before a level completed.');
      return undefined;
    }
    return await charts.open(benchSource([vscode.Uri.file(file)])).rendered();
  } catch (err) {
    return fail(log, err);
  }
}

function fail(log: Log, err: unknown): undefined {
  return showFailure(log, 'benchmark', err);
}

function fraction(p: BenchProgress): number {
  const within = p.phase === 'measure' && p.total ? p.done / p.total : p.phase === 'verify' || p.phase === 'done' ? 1 : 0;
  return Math.min(1, (p.level + within) / p.levels);
}

function describe(p: BenchProgress): string {
  const of = p.total ? `${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}` : p.done ? p.done.toLocaleString('en-US') : '';
  return `level ${p.level + 1}/${p.levels} (concurrency ${p.concurrency}): ${p.phase} ${of}`.trim();
}

/** The workspace's benchmarks/ folder, or the OS temp folder without a workspace. */
async function resultsDir(): Promise<string> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const dir = folder?.scheme === 'file' ? join(folder.fsPath, 'benchmarks') : join(tmpdir(), 'incident-replay-benchmarks');
  await mkdir(dir, { recursive: true });
  return dir;
}
