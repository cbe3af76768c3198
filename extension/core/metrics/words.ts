// The marks of a shard's story in words, one wording for the CLI, the chart and the postmortem draft (no Node, no
// DOM: the webview imports it): the alert, the crossover, NO RELIEF, and how long pages stayed held.
import { isoTime } from './time';

/** the marks' kinds, as data attributes and CSS classes name them too */
export type MarkKind = 'alert' | 'crossover' | 'no-relief';

/** what each mark is called wherever it is shown; the CLI writes them in capitals as headings */
export const MARK_WORD: Record<MarkKind, string> = { alert: 'alert', crossover: 'crossover', 'no-relief': 'NO RELIEF' };

/** "crossover at 2010-10-04T14:00:00Z" */
export function markAt(kind: MarkKind, tSec: number): string {
  return `${MARK_WORD[kind]} at ${isoTime(tSec)}`;
}

/** the heading form the CLI lists a mark under: "CROSSOVER at …" */
export function markHeading(kind: MarkKind, tSec: number): string {
  return `${MARK_WORD[kind].toUpperCase()} at ${isoTime(tSec)}`;
}

/** how long a NO RELIEF's pages stayed held: "until …" or "to the end of the file" */
export function heldUntil(endSec: number | null): string {
  return endSec !== null ? `until ${isoTime(endSec)}` : 'to the end of the file';
}

/** a shard's marks in one line, as the chart titles them: "crossover at …, alert at …, NO RELIEF at … (pages held until …)" */
export function shardMarksLine(m: {
  crossoverSec: number | null;
  alertSec: number | null;
  noRelief: { startSec: number; endSec: number | null } | null;
}): string {
  const parts = [m.crossoverSec !== null ? markAt('crossover', m.crossoverSec) : 'no crossover: the working set stays within RAM'];
  if (m.alertSec !== null) parts.push(markAt('alert', m.alertSec));
  if (m.noRelief) parts.push(`${markAt('no-relief', m.noRelief.startSec)} (pages held ${heldUntil(m.noRelief.endSec)})`);
  return parts.join(', ');
}
