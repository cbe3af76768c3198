// The extension's settings, read in one place and typed: lead time, fault presets, database URLs, recording
// defaults. Database URLs are only ever logged through redactSecrets.
import * as vscode from 'vscode';

export interface Settings {
  leadTimeHours: number;
  /** preset name → fault specs (latency:300ms@5%, stall:5s, …) */
  faultPresets: Record<string, string[]>;
  /** name → URL, e.g. mysql → mysql://root@127.0.0.1:3306/test */
  databaseUrls: Record<string, string>;
  recordListen: string;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('incidentReplay');
  const presets = c.get<Record<string, unknown>>('faultPresets') ?? {};
  const urls = c.get<Record<string, unknown>>('databaseUrls') ?? {};
  return {
    leadTimeHours: positive(c.get<number>('leadTimeHours'), 12),
    faultPresets: Object.fromEntries(
      Object.entries(presets)
        .filter(([, v]) => Array.isArray(v))
        .map(([k, v]) => [k, (v as unknown[]).filter((x): x is string => typeof x === 'string')]),
    ),
    databaseUrls: Object.fromEntries(Object.entries(urls).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')),
    // not the embedded tracker's 7001: recording the tracker must not find its own port taken
    recordListen: c.get<string>('record.listen') || '127.0.0.1:17001',
  };
}

function positive(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}
