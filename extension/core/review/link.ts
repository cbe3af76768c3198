// The links a postmortem draft puts beside each note and finding: vscode://incident-replay.incident-replay/open
// ?file=…&event=… opens the transcript's timeline at that event (the extension's URI handler). Built and checked
// here, so the draft and the handler agree on one shape; a link from a stranger is checked before it is followed.

export const EXTENSION_ID = 'incident-replay.incident-replay';
export const OPEN_PATH = '/open';

export interface OpenTarget {
  /** the transcript: absolute, or relative to a workspace folder */
  file: string;
  /** the event to select; null for none */
  event: number | null;
}

/** The link that opens `file` at `event`. */
export function openLink(file: string, event: number | null, scheme = 'vscode'): string {
  const q = new URLSearchParams({ file });
  if (event !== null) q.set('event', String(event));
  // URLSearchParams writes spaces as '+', which VS Code's Uri does not read back as spaces
  return `${scheme}://${EXTENSION_ID}${OPEN_PATH}?${q.toString().replace(/\+/g, '%20')}`;
}

/** the largest event index a link may name: past any transcript this tool reads */
const MAX_EVENT = 2 ** 31 - 1;

/**
 * Checks a link's path and query (as the URI handler gets them, query undecoded) and returns what to open, or the
 * reason it is refused, in words for the user.
 */
export function parseOpenLink(path: string, query: string): OpenTarget | string {
  if (path !== OPEN_PATH) return `unknown link path "${path}" (expected ${OPEN_PATH})`;
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(query);
  } catch {
    return "the link's query cannot be read";
  }
  for (const k of new Set(q.keys())) if (k !== 'file' && k !== 'event') return `unknown parameter "${k}" in the link (it takes file and event)`;
  const files = q.getAll('file');
  if (files.length !== 1 || files[0].trim() === '') return 'the link names no transcript (file=…)';
  const file = files[0];
  if (file.includes('\0')) return "the link's file is not a path";
  if (!/\.jsonl$/.test(file)) return `the link's file "${file}" is not a transcript (*.transcript.jsonl)`;
  const events = q.getAll('event');
  if (events.length > 1) return 'the link names more than one event';
  if (events.length === 0) return { file, event: null };
  if (!/^\d{1,10}$/.test(events[0]) || Number(events[0]) > MAX_EVENT) return `the link's event "${events[0]}" is not an event number`;
  return { file, event: Number(events[0]) };
}
