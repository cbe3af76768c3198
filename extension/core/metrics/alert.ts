// The alert: fires at the first sample, before the shard's first crossover, where the forecast's earliest
// plausible crossing is less than the lead time away (default 12 h) — the early edge of the band, so that
// sampling and noise do not make a linear trend alert late. The backtest compares it with the real crossover.
import type { Crossover } from './crossover';
import type { Forecast } from './forecast';

export const DEFAULT_LEAD_HOURS = 12;

export interface Alert {
  tSec: number;
  line: number;
  /** the forecast's earliest time left when the alert fired */
  hoursLeftEarliest: number;
  /** the central estimate then */
  hoursLeft: number | null;
  workingSetBytes: number;
  ramBytes: number;
}

export class AlertTracker {
  alert: Alert | null = null;

  constructor(readonly leadHours = DEFAULT_LEAD_HOURS) {}

  /** Call for every sample before the first crossover, with the forecast made at it (null: too few samples). */
  observe(f: Forecast | null, line: number, workingSetBytes: number): void {
    if (this.alert || !f || f.hoursLeftEarliest === null) return;
    if (f.hoursLeftEarliest < this.leadHours) {
      this.alert = { tSec: f.tSec, line, hoursLeftEarliest: f.hoursLeftEarliest, hoursLeft: f.hoursLeft, workingSetBytes, ramBytes: f.ramBytes };
    }
  }
}

export type BacktestVerdict =
  /** fired at least the lead time before the crossover */
  | 'in-time'
  /** fired before the crossover, but with less than the lead time to act */
  | 'late'
  /** the shard crossed with no alert before */
  | 'missed'
  /** the shard was over RAM from its first sample: nothing to forecast */
  | 'over-from-start'
  /** fired, and no crossover followed in the file (yet) */
  | 'no-crossover-yet'
  /** no alert and no crossover */
  | 'quiet';

export interface Backtest {
  verdict: BacktestVerdict;
  /** hours from the alert to the real crossover, when both happened */
  hoursBeforeCrossover: number | null;
  leadHours: number;
}

export function backtest(alert: Alert | null, crossover: Crossover | null, firstSampleSec: number, leadHours: number): Backtest {
  if (crossover && crossover.tSec === firstSampleSec) return { verdict: 'over-from-start', hoursBeforeCrossover: null, leadHours };
  if (!alert) return { verdict: crossover ? 'missed' : 'quiet', hoursBeforeCrossover: null, leadHours };
  if (!crossover) return { verdict: 'no-crossover-yet', hoursBeforeCrossover: null, leadHours };
  const h = (crossover.tSec - alert.tSec) / 3600;
  return { verdict: h >= leadHours ? 'in-time' : 'late', hoursBeforeCrossover: h, leadHours };
}
