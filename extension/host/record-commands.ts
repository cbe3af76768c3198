// Record Transcript…: asks where to listen, where to forward, which protocol and which faults, starts the
// recording proxy, shows its progress and a status bar item that stops it, then opens the transcript.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { protocolNames } from '../core/protocols';
import { parseFaultSpec, startRecorder, type Recorder } from '../core/record';
import { showFailure, type Log } from './output';
import { readSettings } from './settings';
import { registerCommands } from './commands';
import type { Timelines } from './timelines';

const HOST_PORT = /^(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/i;

export function registerRecordCommands(context: vscode.ExtensionContext, timelines: Timelines, log: Log): void {
  let active: { recorder: Recorder; stop: () => void } | null = null;
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 100);
  status.command = 'incidentReplay.stopRecording';
  context.subscriptions.push(status);
  registerCommands(context, log, [
    {
      id: 'incidentReplay.recordTranscript',
      title: 'Record Transcript…',
      trust: true,
      run: async () => {
        if (active) {
          void vscode.window.showWarningMessage('Incident Replay: a recording is already running; stop it first (status bar).');
          return undefined;
        }
        const ask = await askRecording();
        if (!ask) return undefined;
        const out = await outputFile(`${ask.protocol}-recording`);
        let recorder: Recorder;
        try {
          recorder = await startRecorder({
            listen: ask.listen,
            target: ask.target,
            out,
            protocol: ask.protocol,
            faults: ask.faults,
            log: (l) => log.info(`recorder: ${l}`),
          });
        } catch (err) {
          return showFailure(log, 'recording', err);
        }
        const where = `${recorder.address.host}:${recorder.address.port}`;
        log.info(`recording ${ask.protocol} on ${where} → ${ask.target} into ${out}${ask.faults.length ? ` with faults ${ask.faults.join(', ')}` : ''}`);
        status.text = `$(record) Recording ${where} → ${ask.target}`;
        status.tooltip = 'Incident Replay: click to stop recording and open the transcript';
        status.show();
        await vscode.commands.executeCommand('setContext', 'incidentReplay.recording', true);
        const stopped = new Promise<void>((resolve) => (active = { recorder, stop: resolve }));
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Recording ${ask.protocol} on ${where}`, cancellable: true },
          async (progress, token) => {
            token.onCancellationRequested(() => active?.stop());
            const timer = setInterval(() => {
              const s = recorder.stats;
              progress.report({ message: `${s.connections} connections, ${s.c2sBytes + s.s2cBytes} bytes, ${s.faults} faults injected` });
            }, 1000);
            await stopped;
            clearInterval(timer);
          },
        );
        active = null;
        status.hide();
        await vscode.commands.executeCommand('setContext', 'incidentReplay.recording', false);
        await recorder.close();
        log.info(`recording stopped: ${out}`);
        return timelines.open(vscode.Uri.file(out)).interactive();
      },
    },
    {
      id: 'incidentReplay.stopRecording',
      title: 'Stop Recording',
      run: () => {
        const a = active as { stop: () => void } | null;
        a?.stop();
      },
    },
  ]);
}

interface RecordingAsk {
  listen: string;
  target: string;
  protocol: string;
  faults: string[];
}

async function askRecording(): Promise<RecordingAsk | undefined> {
  const settings = readSettings();
  const hostPort = (v: string) => (HOST_PORT.test(v.trim()) ? null : 'host:port, like 127.0.0.1:17001');
  const listen = await vscode.window.showInputBox({
    title: 'Record Transcript (1/4): listen on',
    value: settings.recordListen,
    prompt: 'The address clients connect to (loopback)',
    validateInput: hostPort,
  });
  if (!listen) return undefined;
  const target = await vscode.window.showInputBox({
    title: 'Record Transcript (2/4): forward to',
    placeHolder: '127.0.0.1:7001',
    prompt: 'The server being recorded',
    validateInput: hostPort,
  });
  if (!target) return undefined;
  const protocol = await vscode.window.showQuickPick(['auto', ...protocolNames()], {
    title: 'Record Transcript (3/4): wire protocol (auto: told per connection from its first bytes)',
  });
  if (!protocol) return undefined;
  const none = 'No faults';
  const custom = 'Custom faults…';
  const presets = Object.entries(settings.faultPresets).map(([label, specs]) => ({ label, description: specs.join(', '), specs }));
  const pick = await vscode.window.showQuickPick([{ label: none, specs: [] as string[] }, ...presets, { label: custom, specs: [] as string[] }], {
    title: 'Record Transcript (4/4): faults to inject',
  });
  if (!pick) return undefined;
  let faults = pick.specs;
  if (pick.label === custom) {
    const text = await vscode.window.showInputBox({
      title: 'Faults, separated by semicolons',
      placeHolder: 'latency:3s@20%; reset,share=1%',
      validateInput: (v) => {
        try {
          splitFaults(v).forEach(parseFaultSpec);
          return null;
        } catch (err) {
          return (err as Error).message;
        }
      },
    });
    if (text === undefined) return undefined;
    faults = splitFaults(text);
  }
  return { listen: listen.trim(), target: target.trim(), protocol, faults };
}

function splitFaults(v: string): string[] {
  return v
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A new transcript file in the workspace's recordings/ folder, or the OS temp folder without a workspace. */
export async function outputFile(stem: string): Promise<string> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const dir = folder?.scheme === 'file' ? join(folder.fsPath, 'recordings') : join(tmpdir(), 'incident-replay-recordings');
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(dir, `${stem}-${stamp}.transcript.jsonl`);
}
