// Activation: the output channel, the timelines (panels, the custom editor, the panel serializer), the chart
// panels (shard metrics, bench, check verdicts, with their serializers), and the commands. Everything created here is a Disposable pushed to context.subscriptions.
import * as vscode from 'vscode';
import { redactSecrets } from '../core/redact';
import { registerBenchCommands } from './bench-commands';
import { ChartPanels } from './chart-panel';
import { registerChartSerializers } from './chart-serializer';
import { registerCheckCommand } from './check-command';
import { registerSweepCommand } from './sweep-command';
import { registerMetricsCommand } from './metrics-command';
import { registerDatabasePasswordCommands } from './database-passwords';
import { createLog } from './output';
import { registerRecordCommands } from './record-commands';
import { registerReproduceCommand } from './reproduce-command';
import { registerReviewCommands } from './review-commands';
import { registerReviewUriHandler } from './review-uri';
import { readSettings } from './settings';
import { registerTimelineCommands } from './timeline-commands';
import { registerTimelineSerializer } from './timeline-serializer';
import { Timelines } from './timelines';
import { registerTranscriptEditor } from './transcript-editor';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog(context);
  const timelines = new Timelines(context.extensionUri, log, context.globalStorageUri.fsPath);
  context.subscriptions.push(timelines);
  registerTranscriptEditor(context, timelines);
  registerTimelineSerializer(context, timelines, log);
  registerTimelineCommands(context, timelines, log);
  registerRecordCommands(context, timelines, log);
  registerReproduceCommand(context, timelines, log);
  registerReviewCommands(context, timelines, log);
  registerReviewUriHandler(context, timelines, log);
  const charts = new ChartPanels(context.extensionUri, log);
  context.subscriptions.push(charts);
  registerChartSerializers(context, charts, timelines, log);
  registerMetricsCommand(context, charts, log);
  registerBenchCommands(context, charts, log);
  registerCheckCommand(context, charts, timelines, log);
  registerSweepCommand(context, log);
  registerDatabasePasswordCommands(context, log);
  logSettings(log);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('incidentReplay')) logSettings(log);
    }),
  );
}

export function deactivate(): void {
  // everything is in context.subscriptions
}

function logSettings(log: ReturnType<typeof createLog>): void {
  const s = readSettings();
  const urls = Object.entries(s.databaseUrls).map(([k, v]) => `${k}=${redactSecrets(v)}`);
  log.info(
    `settings: lead time ${s.leadTimeHours} h; fault presets: ${Object.keys(s.faultPresets).join(', ') || 'none'}; database URLs: ${urls.join(', ') || 'none'}`,
  );
}
