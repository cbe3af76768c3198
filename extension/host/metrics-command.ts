// Open Shard Metrics…: a *.metrics.csv or JSON Lines metrics file (picked, given by the explorer, or a bundled
// replay's name from the walkthrough: "foursquare-2010") shown as one chart per shard with its crossover, alert,
// forecast band and notes, and the fragmentation what-if. Resolves with the number of shard charts drawn (for the
// tests and for anyone chaining commands).
import * as vscode from 'vscode';
import { fileArgument } from './bundled-replays';
import type { ChartPanels } from './chart-panel';
import { metricsSource } from './chart-sources';
import { pickFiles, registerCommands } from './commands';
import type { Log } from './output';

export function registerMetricsCommand(context: vscode.ExtensionContext, charts: ChartPanels, log: Log): void {
  registerCommands(context, log, [
    {
      id: 'incidentReplay.openShardMetrics',
      title: 'Open Shard Metrics…',
      run: (arg?: unknown) => openShardMetrics(charts, fileArgument(context.extensionUri, arg)),
    },
  ]);
}

async function openShardMetrics(charts: ChartPanels, uri?: vscode.Uri): Promise<number | undefined> {
  const [target] = await pickFiles(uri, undefined, {
    title: 'Open Shard Metrics (*.metrics.csv or JSON Lines)',
    label: 'Open Shard Metrics',
    filters: { 'Shard metrics': ['csv', 'jsonl', 'json'] },
  });
  if (!target) return undefined;
  return charts.open(metricsSource(target)).rendered();
}
