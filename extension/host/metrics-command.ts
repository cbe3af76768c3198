// Open Shard Metrics…: a *.metrics.csv or JSON Lines metrics file (picked, given by the explorer, or a bundled
// replay's name from the walkthrough: "foursquare-2010") shown as one chart per shard with its crossover, alert,
// forecast band and notes, and the fragmentation what-if. Resolves with the number of shard charts drawn (for the
// tests and for anyone chaining commands).
import * as vscode from 'vscode';
import { fileArgument } from './bundled-replays';
import type { ChartPanels } from './chart-panel';
import { metricsSource } from './chart-sources';

export function registerMetricsCommand(context: vscode.ExtensionContext, charts: ChartPanels): void {
  context.subscriptions.push(vscode.commands.registerCommand('incidentReplay.openShardMetrics', (arg?: unknown) => openShardMetrics(charts, fileArgument(context.extensionUri, arg))));
}

async function openShardMetrics(charts: ChartPanels, uri?: vscode.Uri): Promise<number | undefined> {
  let target = uri instanceof vscode.Uri ? uri : undefined;
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Open Shard Metrics',
      title: 'Incident Replay: Open Shard Metrics (*.metrics.csv or JSON Lines)',
      filters: { 'Shard metrics': ['csv', 'jsonl', 'json'] },
      ...(folder ? { defaultUri: folder } : {}),
    });
    target = picked?.[0];
  }
  if (!target) return undefined;
  return charts.open(metricsSource(target)).rendered();
}
