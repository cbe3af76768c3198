// Restores the chart panels (shard metrics, bench results, check verdicts) after a window reload: the page's saved
// state names its files; it is checked at the door (parseChartViewState) and the panel is bound to them again.
import * as vscode from 'vscode';
import { parseChartViewState, type ChartView } from '../../webview/protocol';
import { CHART_VIEW_TYPES, type ChartPanels } from './chart-panel';
import { sourceFor } from './chart-sources';
import type { Log } from './output';
import type { Timelines } from './timelines';

export function registerChartSerializers(context: vscode.ExtensionContext, charts: ChartPanels, timelines: Timelines, log: Log): void {
  for (const [view, viewType] of Object.entries(CHART_VIEW_TYPES) as Array<[ChartView, string]>) {
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(viewType, {
        async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
          const s = parseChartViewState(state);
          if (!s || s.view !== view || s.sources.length === 0) {
            log.warn(`a ${view} panel could not be restored: its saved state is missing or from another version`);
            panel.dispose();
            return;
          }
          charts.attach(
            sourceFor(
              view,
              s.sources.map((u) => vscode.Uri.parse(u, true)),
              timelines,
            ),
            panel,
          );
        },
      }),
    );
  }
}
