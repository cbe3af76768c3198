// The chart's data model, apart from any drawing (data first, view second): per shard, columns of numbers for
// time, working set and RAM, the crossover and alert moments, the NO RELIEF span, the spells over RAM, the forecast
// band from the last sample, and the notes as vertical marks. The webview only draws it.
import type { MetricsAnalysis, ShardAnalysis } from './analysis';
import type { WorkingSetKind } from './format';
import type { UnitStyle } from './units';

export type { ForecastBand, ShardChart } from './shard-chart';
import type { ForecastBand, ShardChart } from './shard-chart';

export interface MetricsChartModel {
  workingSet: WorkingSetKind;
  unitStyle: UnitStyle;
  leadHours: number;
  shards: ShardChart[];
  notes: { tSec: number; shard: string | null; text: string }[];
}

const BAND_POINTS = 32;

export function chartModel(a: MetricsAnalysis, unitStyle: UnitStyle = 'si'): MetricsChartModel {
  return {
    workingSet: a.options.workingSet,
    unitStyle,
    leadHours: a.options.leadHours,
    shards: a.shards.map((s) => shardChart(s, a.options.workingSet, a.options.leadHours)),
    notes: a.notes.map((n) => ({ tSec: n.tSec, shard: n.shard, text: n.text })),
  };
}

function shardChart(s: ShardAnalysis, kind: WorkingSetKind, leadHours: number): ShardChart {
  const data = s.series.get('dataBytes');
  const index = s.series.get('indexBytes');
  const storage = s.series.get('storageBytes');
  const ws = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const di = data[i] + (Number.isNaN(index[i]) ? 0 : index[i]);
    ws[i] = kind === 'data' ? data[i] : kind === 'data+index' ? di : Number.isNaN(storage[i]) ? di : storage[i];
  }
  return {
    shard: s.shard,
    tSec: s.series.get('tSec').slice(),
    workingSetBytes: ws,
    ramBytes: s.series.get('ramBytes').slice(),
    residentBytes: s.series.get('residentBytes').slice(),
    crossoverSec: s.crossover?.tSec ?? null,
    alertSec: s.alert?.tSec ?? null,
    noRelief: s.falseRelief && { startSec: s.falseRelief.tSec, endSec: s.falseRelief.relievedSec },
    overSpells: s.overSpells.map((o) => ({ ...o })),
    band: band(s, leadHours),
  };
}

/** The band from the last sample to a horizon: twice the lead time, or the central crossing if later (≤ 30 days). */
function band(s: ShardAnalysis, leadHours: number): ForecastBand | null {
  const f = s.forecast;
  if (!f) return null;
  const horizonH = Math.min(30 * 24, Math.max(2 * leadHours, (f.hoursLeft ?? 0) * 1.2));
  const out: ForecastBand = {
    tSec: new Float64Array(BAND_POINTS),
    low: new Float64Array(BAND_POINTS),
    mid: new Float64Array(BAND_POINTS),
    high: new Float64Array(BAND_POINTS),
  };
  for (let i = 0; i < BAND_POINTS; i++) {
    const h = (horizonH * i) / (BAND_POINTS - 1);
    out.tSec[i] = f.tSec + h * 3600;
    out.mid[i] = f.fittedBytes + f.growthBytesPerHour * h;
    out.low[i] = f.fittedBytes - f.levelSpreadBytes + f.growthLowBytesPerHour * h;
    out.high[i] = f.fittedBytes + f.levelSpreadBytes + f.growthHighBytesPerHour * h;
  }
  return out;
}
