// Database passwords in VS Code's SecretStorage, never in settings: each kept under its URL without the password.
// A URL typed with a password is added to `incidentReplay.databaseUrls` without it; one found in settings with its
// password is rewritten there without it. A URL that names a user and has no password kept asks for one once (empty
// for none) and reuses the answer; Forget a Database Password… drops one.
import * as vscode from 'vscode';
import { splitPassword, withPassword } from '../core/database-url';
import { redactSecrets } from '../core/redact';
import { registerCommands } from './commands';
import type { Log } from './output';
import { readSettings } from './settings';

const keyOf = (bare: string) => `incidentReplay.password:${bare}`;

/** Where a URL came from: settings (under a name) or typed in. */
export type UrlOrigin = { setting: string } | { typed: true };

/**
 * The URL to connect with (password included) for a URL picked or typed, or undefined when the user backed out of
 * the password box. Whatever password it carries moves to secret storage, and settings keep the URL without it.
 */
export async function resolvePassword(url: string, origin: UrlOrigin, secrets: vscode.SecretStorage, log: Log): Promise<string | undefined> {
  const { bare, password, user } = splitPassword(url);
  if (password !== null) await secrets.store(keyOf(bare), password);
  if ('typed' in origin) await addToSettings(bare, log);
  else if (password !== null) await rewriteSetting(origin.setting, bare, log);
  let kept = password ?? (await secrets.get(keyOf(bare)));
  if (kept === undefined && user !== '') {
    kept = await vscode.window.showInputBox({
      title: `Password for ${redactSecrets(bare)}`,
      prompt: "Asked once, kept in VS Code's secret storage (never in settings); empty for none",
      password: true,
      ignoreFocusOut: true,
    });
    if (kept === undefined) return undefined;
    await secrets.store(keyOf(bare), kept);
  }
  return withPassword(bare, kept ?? '');
}

/** A typed URL (without its password) into the user's settings, under a name of its own, unless it is there. */
async function addToSettings(bare: string, log: Log): Promise<void> {
  const c = vscode.workspace.getConfiguration('incidentReplay');
  if (Object.values(readSettings().databaseUrls).some((u) => splitPassword(u).bare === bare)) return;
  const mine = { ...(c.inspect<Record<string, string>>('databaseUrls')?.globalValue ?? {}) };
  const u = new URL(bare);
  const base = `${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname.length > 1 ? u.pathname : ''}`;
  let name = base;
  for (let n = 2; Object.hasOwn(mine, name) || Object.hasOwn(readSettings().databaseUrls, name); n++) name = `${base} (${n})`;
  await c.update('databaseUrls', { ...mine, [name]: bare }, vscode.ConfigurationTarget.Global);
  log.info(`database URL ${bare} added to the incidentReplay.databaseUrls setting as "${name}" (its password, if any, in secret storage)`);
}

/** A URL found in settings with its password: written back without it, at the level (user, workspace) that set it. */
async function rewriteSetting(name: string, bare: string, log: Log): Promise<void> {
  const c = vscode.workspace.getConfiguration('incidentReplay');
  const seen = c.inspect<Record<string, string>>('databaseUrls');
  const levels: [Record<string, string> | undefined, vscode.ConfigurationTarget][] = [
    [seen?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder],
    [seen?.workspaceValue, vscode.ConfigurationTarget.Workspace],
    [seen?.globalValue, vscode.ConfigurationTarget.Global],
  ];
  for (const [value, target] of levels) {
    if (!value || !Object.hasOwn(value, name)) continue;
    await c.update('databaseUrls', { ...value, [name]: bare }, target);
    log.info(`the password of database URL "${name}" moved from settings to secret storage`);
    return;
  }
}

/** Forget a Database Password…: the URLs in settings that have a password kept; the one picked is dropped. */
export function registerDatabasePasswordCommands(context: vscode.ExtensionContext, log: Log): void {
  registerCommands(context, log, [
    {
      id: 'incidentReplay.forgetDatabasePassword',
      title: 'Forget a Database Password…',
      run: async () => {
        const kept: { label: string; description: string; bare: string }[] = [];
        for (const [name, url] of Object.entries(readSettings().databaseUrls)) {
          const { bare } = splitPassword(url);
          if ((await context.secrets.get(keyOf(bare))) !== undefined) kept.push({ label: name, description: redactSecrets(bare), bare });
        }
        if (kept.length === 0) {
          void vscode.window.showInformationMessage('Incident Replay: no database password is kept for the URLs in the incidentReplay.databaseUrls setting.');
          return undefined;
        }
        const pick = await vscode.window.showQuickPick(kept, { title: 'Forget a Database Password (asked again on next use)' });
        if (!pick) return undefined;
        await context.secrets.delete(keyOf(pick.bare));
        log.info(`forgot the password kept for ${pick.bare}`);
        return pick.bare;
      },
    },
  ]);
}
