// The "Incident Replay" output channel: what the engine and the editor glue say, with every line passed through
// redactSecrets so a database URL's password never reaches the log.
import * as vscode from 'vscode';
import { redactSecrets } from '../core/redact';

export interface Log {
  info(s: string): void;
  warn(s: string): void;
  error(s: string): void;
  show(): void;
}

export function createLog(context: vscode.ExtensionContext): Log {
  const channel = vscode.window.createOutputChannel('Incident Replay', { log: true });
  context.subscriptions.push(channel);
  return {
    info: (s) => channel.info(redactSecrets(s)),
    warn: (s) => channel.warn(redactSecrets(s)),
    error: (s) => channel.error(redactSecrets(s)),
    show: () => channel.show(true),
  };
}
