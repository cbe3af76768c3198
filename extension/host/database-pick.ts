// Asks for a database URL: the ones in the `incidentReplay.databaseUrls` setting that fit (shown with their
// passwords masked), or one typed in; its password comes from secret storage, or is asked for once
// (database-passwords.ts). Shared by Run Benchmark… and Run Mismatch Check….
import * as vscode from 'vscode';
import { redactSecrets } from '../core/redact';
import { resolvePassword } from './database-passwords';
import type { Log } from './output';
import { readSettings } from './settings';

export interface UrlPick {
  title: string;
  /** URL schemes that fit, without the colon (mysql, postgres, …) */
  schemes: string[];
  placeholder: string;
  /** an extra first choice that needs no URL (the embedded tracker): picked, the result is null */
  noUrl?: string;
}

const OTHER = 'Enter a URL…';

/** The URL to connect with (its password included), null for the no-URL choice, undefined when the user backed out. */
export async function pickDatabaseUrl(p: UrlPick, secrets: vscode.SecretStorage, log: Log): Promise<string | null | undefined> {
  const fits = (url: string) => p.schemes.some((s) => url.toLowerCase().startsWith(`${s}://`));
  const configured = Object.entries(readSettings().databaseUrls)
    .filter(([, url]) => fits(url))
    .map(([name, url]) => ({ label: name, description: redactSecrets(url), url: url as string | null }));
  const items = [
    ...(p.noUrl ? [{ label: p.noUrl, description: '', url: null }] : []),
    ...configured,
    { label: OTHER, description: 'not in the incidentReplay.databaseUrls setting', url: null },
  ];
  const picked =
    items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: p.title, placeHolder: 'from the incidentReplay.databaseUrls setting' });
  if (!picked) return undefined;
  if (picked.url === null && picked.label !== OTHER) return null;
  if (picked.url !== null) return resolvePassword(picked.url, { setting: picked.label }, secrets, log);
  const typed = await vscode.window.showInputBox({
    title: p.title,
    placeHolder: p.placeholder,
    prompt: `A ${p.schemes.map((s) => `${s}://`).join(' or ')} URL; a password in it goes to secret storage, the URL without it to the setting`,
    validateInput: (v) => (fits(v.trim()) ? null : `a ${p.schemes.map((s) => `${s}://`).join(' or ')} URL, like ${p.placeholder}`),
  });
  return typed === undefined || typed.trim() === '' ? undefined : resolvePassword(typed.trim(), { typed: true }, secrets, log);
}

/** A positive whole number typed in, or undefined when the user backed out. */
export async function askCount(title: string, value: number, prompt: string, max = 10_000_000): Promise<number | undefined> {
  const v = await vscode.window.showInputBox({
    title,
    value: String(value),
    prompt,
    validateInput: (s) => (/^\d+$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= max ? null : `a whole number from 1 to ${max}`),
  });
  return v === undefined ? undefined : Number(v.trim());
}
