// Times as a metrics file writes them: ISO-8601 with a date ("2010-10-04T14:00:00Z") or epoch seconds
// ("1286200800", fractions allowed). Internally a time is epoch seconds (`tSec`), a float.
const EPOCH = /^\d+(?:\.\d+)?$/;
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** Parses a time into epoch seconds; returns a problem (a string) when it is not one. */
export function parseTime(text: string | number): number | string {
  if (typeof text === 'number') return checkEpoch(text, String(text));
  const s = text.trim();
  if (EPOCH.test(s)) return checkEpoch(Number(s), s);
  if (!ISO.test(s)) return `"${text}" is not a time (ISO-8601 such as 2010-10-04T14:00:00Z, or epoch seconds)`;
  const ms = Date.parse(s.replace(' ', 'T'));
  if (Number.isNaN(ms)) return `"${text}" is not a valid date`;
  return ms / 1000;
}

function checkEpoch(n: number, text: string): number | string {
  if (!Number.isFinite(n) || n < 0) return `"${text}" is not a time (epoch seconds are a number ≥ 0)`;
  // 1e11 s is the year 5138: a value that large is almost surely milliseconds.
  if (n >= 1e11) return `"${text}" looks like epoch milliseconds; the format wants epoch seconds`;
  return n;
}

/** ISO-8601 in UTC, without milliseconds when they are zero. */
export function isoTime(tSec: number): string {
  const s = new Date(Math.round(tSec * 1000)).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

export function fmtHours(h: number): string {
  if (!Number.isFinite(h)) return 'never';
  if (Math.abs(h) >= 48) return `${(h / 24).toFixed(1)} days`;
  if (Math.abs(h) >= 1) return `${h.toFixed(1)} h`;
  return `${Math.round(h * 60)} min`;
}

/** A span of time in epoch seconds: what a chart shows, or a picture of one. */
export interface TimeWindow {
  startSec: number;
  endSec: number;
}
