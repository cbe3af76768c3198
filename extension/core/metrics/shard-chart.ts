// One shard's chart as the chart model makes it and the webview draws it: numbers only, no Node and no DOM, so the
// webview's messages are typed by it rather than by a copy.

export interface ForecastBand {
  /** epoch seconds from the last sample forward */
  tSec: Float64Array;
  low: Float64Array;
  mid: Float64Array;
  high: Float64Array;
}

export interface ShardChart {
  shard: string;
  tSec: Float64Array;
  workingSetBytes: Float64Array;
  ramBytes: Float64Array;
  /** resident memory where the file gives it (NaN elsewhere) */
  residentBytes: Float64Array;
  crossoverSec: number | null;
  alertSec: number | null;
  /** NO RELIEF: from when the working set came back under RAM to when the held pages did too (null: never did) */
  noRelief: { startSec: number; endSec: number | null } | null;
  overSpells: { startSec: number; endSec: number | null }[];
  band: ForecastBand | null;
}
