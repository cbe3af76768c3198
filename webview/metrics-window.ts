// The time windows of the shard charts, in epoch seconds: the full range (history and forecast), the incident
// window the page opens on, and the zoom steps (drag, wheel) kept inside the full range. Pure: no DOM.
import type { TimeWindow } from '../extension/core/metrics/time';
import type { MetricsPayload, MetricsShardChart } from './protocol';

export type { TimeWindow };

/** The narrowest window a zoom goes to: a few samples of a minute-by-minute file. */
export const MIN_SPAN_SEC = 300;

/** From the first sample of any shard to its last sample or forecast point. */
export function fullRange(shards: readonly MetricsShardChart[]): TimeWindow | null {
  let startSec = Infinity;
  let endSec = -Infinity;
  for (const s of shards) {
    if (!s.tSec.length) continue;
    startSec = Math.min(startSec, s.tSec[0]);
    endSec = Math.max(endSec, s.tSec[s.tSec.length - 1], s.band?.tSec[s.band.tSec.length - 1] ?? -Infinity);
  }
  if (!Number.isFinite(startSec)) return null;
  return endSec > startSec ? { startSec, endSec } : { startSec: startSec - MIN_SPAN_SEC / 2, endSec: startSec + MIN_SPAN_SEC / 2 };
}

/**
 * The incident: from the first alert (or crossover, or NO RELIEF) of any shard to its last mark (the NO RELIEF's
 * release, the end of the spell over RAM that began at the crossover or the end of the file if it never ended), widened
 * by the notes for those shards (or for all) that fall within the alert lead of it, then padded so the marks at its
 * edges are not on the frame. Null when no shard had any of these.
 */
export function incidentWindow(p: Pick<MetricsPayload, 'shards' | 'notes' | 'leadHours'>, full: TimeWindow): TimeWindow | null {
  let startSec = Infinity;
  let endSec = -Infinity;
  const involved = new Set<string>();
  const mark = (t: number | null) => {
    if (t === null) return;
    startSec = Math.min(startSec, t);
    endSec = Math.max(endSec, t);
  };
  for (const s of p.shards) {
    if (s.alertSec === null && s.crossoverSec === null && s.noRelief === null) continue;
    involved.add(s.shard);
    mark(s.alertSec);
    mark(s.crossoverSec);
    mark(s.noRelief?.startSec ?? null);
    mark(s.noRelief?.endSec ?? null);
    const spell = s.crossoverSec === null ? undefined : s.overSpells.find((o) => o.startSec >= (s.crossoverSec ?? 0));
    if (spell) mark(spell.endSec ?? s.tSec[s.tSec.length - 1] ?? null);
  }
  if (!Number.isFinite(startSec)) return null;
  const gapSec = Math.max(p.leadHours, 1) * 3600;
  const notes = p.notes.filter((n) => n.shard === null || involved.has(n.shard)).map((n) => n.tSec);
  for (const t of [...notes].sort((a, b) => a - b)) if (t > endSec && t - endSec <= gapSec) endSec = t;
  for (const t of [...notes].sort((a, b) => b - a)) if (t < startSec && startSec - t <= gapSec) startSec = t;
  const padSec = Math.max((endSec - startSec) * 0.15, 3 * 3600);
  return clampWindow({ startSec: startSec - padSec, endSec: endSec + padSec }, full);
}

/** A window no narrower than MIN_SPAN_SEC, no wider than the full range, moved (not cut) to lie inside it. */
export function clampWindow(w: TimeWindow, full: TimeWindow): TimeWindow {
  const fullSpan = full.endSec - full.startSec;
  const span = Math.min(fullSpan, Math.max(MIN_SPAN_SEC, w.endSec - w.startSec));
  const mid = (w.startSec + w.endSec) / 2;
  const startSec = Math.min(full.endSec - span, Math.max(full.startSec, mid - span / 2));
  return { startSec, endSec: startSec + span };
}

/** The window scaled by factor around atSec, which stays where it is on screen (factor < 1 zooms in). */
export function zoomAround(w: TimeWindow, atSec: number, factor: number, full: TimeWindow): TimeWindow {
  const span = w.endSec - w.startSec;
  const next = Math.min(full.endSec - full.startSec, Math.max(MIN_SPAN_SEC, span * factor));
  const k = next / span;
  const startSec = atSec - (atSec - w.startSec) * k;
  const out = { startSec, endSec: startSec + next };
  // at the edges of the full range the point under the pointer gives way: the window stays inside
  if (out.startSec < full.startSec) return { startSec: full.startSec, endSec: full.startSec + next };
  if (out.endSec > full.endSec) return { startSec: full.endSec - next, endSec: full.endSec };
  return out;
}

export function sameWindow(a: TimeWindow | null, b: TimeWindow | null): boolean {
  if (!a || !b) return false;
  const tol = Math.max(1, (b.endSec - b.startSec) * 1e-6);
  return Math.abs(a.startSec - b.startSec) <= tol && Math.abs(a.endSec - b.endSec) <= tol;
}
