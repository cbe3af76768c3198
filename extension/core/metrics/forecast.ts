// The forecast of a crossover: from the line fitted to the trailing window, how long until the working set
// exceeds RAM, with a band. The band's early edge assumes the faster growth (slope + z·se) from a level z·σ
// higher; its late edge the slower growth from z·σ lower. `null` hours mean "not on this trend".
import type { LineFit } from './window';

export interface Forecast {
  /** when the forecast was made (the newest sample in the window) */
  tSec: number;
  samples: number;
  windowHours: number;
  ramBytes: number;
  /** the fitted working set at tSec */
  fittedBytes: number;
  /** z·σ: how far the band's level sits above and below the fitted level */
  levelSpreadBytes: number;
  growthBytesPerHour: number;
  growthLowBytesPerHour: number;
  growthHighBytesPerHour: number;
  /** hours until the working set exceeds RAM on the fitted trend; 0 when already over; null when not growing */
  hoursLeft: number | null;
  /** the band: the earliest and the latest plausible crossing (null: never on that edge) */
  hoursLeftEarliest: number | null;
  hoursLeftLatest: number | null;
}

export function forecastFromFit(fit: LineFit, observedBytes: number, ramBytes: number, windowHours: number, z = 2): Forecast {
  const perHour = fit.slope * 3600;
  const seHour = fit.slopeSe * 3600;
  const high = perHour + z * seHour;
  const low = perHour - z * seHour;
  const over = observedBytes > ramBytes;
  return {
    tSec: fit.tEnd,
    samples: fit.n,
    windowHours,
    ramBytes,
    fittedBytes: fit.levelAtEnd,
    levelSpreadBytes: z * fit.sigma,
    growthBytesPerHour: perHour,
    growthLowBytesPerHour: low,
    growthHighBytesPerHour: high,
    hoursLeft: hoursUntil(over, fit.levelAtEnd, perHour, ramBytes),
    hoursLeftEarliest: hoursUntil(over, fit.levelAtEnd + z * fit.sigma, high, ramBytes),
    hoursLeftLatest: hoursUntil(over, fit.levelAtEnd - z * fit.sigma, low, ramBytes),
  };
}

function hoursUntil(over: boolean, level: number, perHour: number, ramBytes: number): number | null {
  if (over || level > ramBytes) return 0;
  return perHour > 0 ? (ramBytes - level) / perHour : null;
}
