// The "Incident Replay" output channel: what the engine and the editor glue say, with every line passed through
// redactSecrets so a database URL's password never reaches the log.
import * as vscode from 'vscode';
import { UserError } from '../core/errors';
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

/**
 * A command's failure, said once for every command: a user's error (a UserError: a bad file, a refused host) as its
 * own message, logged as a warning; our own bug as "the <what> failed", its stack in the log. Returns undefined, what
 * a command that failed resolves to.
 */
export function showFailure(log: Log, what: string, err: unknown): undefined {
  const msg = err instanceof UserError ? err.message : `the ${what} failed: ${(err as Error)?.message ?? String(err)}`;
  if (err instanceof UserError) log.warn(`${what}: ${msg}`);
  else log.error(`${what}: ${(err as Error)?.stack ?? String(err)}`);
  void vscode.window.showErrorMessage(`Incident Replay: ${msg}`);
  return undefined;
}
