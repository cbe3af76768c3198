// `incident-replay metrics FILE [--json] [--lead 12h] [--window 24h] [--working-set data|data+index|storage]`:
// per shard the first crossover of working set over RAM, the forecast and the alert with its backtest, and the
// imbalance. Exit 0 when no shard crossed or alerted, 1 when one did, 2 on bad input.
import {
  analyzeMetricsFile,
  fmtHours,
  formatSize,
  isoTime,
  WORKING_SET_KINDS,
  type Forecast,
  type MetricsFileAnalysis,
  type ShardAnalysis,
  type UnitStyle,
  type WorkingSetKind,
} from '../../core/metrics';
import { parseDurationMs, DURATION_HELP } from '../../core/units';
import { heldUntil, markHeading } from '../../core/metrics/words';
import { parse, UsageError, type Verb } from '../verb';

const help = `usage: incident-replay metrics FILE [--json] [--lead 12h] [--window 24h] [--working-set KIND]

Reads a shard metrics file (*.metrics.csv or JSON Lines) and prints, per shard, the first crossover (the working
set exceeds RAM), the forecast of the crossover from the trailing window with its band, the alert (fired when the
band's earliest crossing is less than the lead time away) and how early it came; then the imbalance (equal chunk
counts, unequal bytes) and each shard's share of growth.

  --json              one JSON object on stdout: {file, workingSet, leadHours, windowHours, shards: [{shard,
                      crossover: {time, workingSetBytes, ramBytes} | null, alert: {time, leadHours, ...} | null,
                      forecast: {...} | null, backtest, ...}], imbalance, notes}; times are ISO-8601, sizes bytes;
                      alert.leadHours is the warning the alert gave: hours to the real crossover, or, with none in
                      the file, the forecast's earliest time left when it fired
  --lead D            alert when the crossover may be less than D away (default 12h)
  --window D          the trailing window the forecast fits (default 24h)
  --working-set K     what must fit in RAM: data, data+index (default) or storage

${DURATION_HELP} --lead and --window need a unit (a bare number there was hours).

Exit status: 0 no shard crossed or alerted; 1 a shard crossed its RAM or alerted; 2 bad input or usage.`;

function hoursArg(s: string | undefined, what: string, dflt: number): number {
  if (s === undefined) return dflt;
  // a bare number was hours here: asking for a unit rather than reading 12 as 12 ms
  const h = parseDurationMs(s, what, { bareWas: 'hours', maxMs: 10 * 365 * 86_400_000 }) / 3_600_000;
  if (!(h > 0)) throw new UsageError(`${what}: "${s}" must be more than 0`);
  return h;
}

export const metrics: Verb = {
  name: 'metrics',
  summary: 'shard working set vs RAM: crossovers, forecast, alerts, imbalance',
  help,
  async run(argv, io) {
    const { values, positionals } = parse('metrics', argv, {
      json: { type: 'boolean' },
      lead: { type: 'string' },
      window: { type: 'string' },
      'working-set': { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('metrics: give one metrics file (incident-replay metrics FILE)');
    const ws = values['working-set'] ?? 'data+index';
    if (!WORKING_SET_KINDS.includes(ws as WorkingSetKind)) {
      throw new UsageError(`metrics: --working-set "${ws}" is not one of ${WORKING_SET_KINDS.join(', ')}`);
    }
    const a = await analyzeMetricsFile(positionals[0], {
      workingSet: ws as WorkingSetKind,
      leadHours: hoursArg(values.lead, '--lead', 12),
      windowHours: hoursArg(values.window, '--window', 24),
    });
    io.out(values.json ? JSON.stringify(metricsJson(a), null, 2) : metricsReport(a));
    return a.shards.some((s) => s.crossover || s.alert) ? 1 : 0;
  },
};

const iso = (t: number | null | undefined) => (t === null || t === undefined ? null : isoTime(t));
const round = (n: number | null, d = 3) => (n === null || !Number.isFinite(n) ? null : Number(n.toFixed(d)));

function forecastJson(f: Forecast | null) {
  if (!f) return null;
  // a nearly flat shard crosses in centuries, past what a date can say: null, as for one that never crosses
  const when = (h: number | null) => (h === null || !(Math.abs(f.tSec + h * 3600) < 8.64e12) ? null : isoTime(f.tSec + h * 3600));
  return {
    time: isoTime(f.tSec),
    samples: f.samples,
    windowHours: f.windowHours,
    ramBytes: f.ramBytes,
    fittedBytes: Math.round(f.fittedBytes),
    growthBytesPerHour: Math.round(f.growthBytesPerHour),
    growthBandBytesPerHour: [Math.round(f.growthLowBytesPerHour), Math.round(f.growthHighBytesPerHour)],
    hoursLeft: round(f.hoursLeft),
    hoursLeftBand: [round(f.hoursLeftEarliest), round(f.hoursLeftLatest)],
    crossoverAt: when(f.hoursLeft),
    crossoverBand: [when(f.hoursLeftEarliest), when(f.hoursLeftLatest)],
  };
}

function shardJson(s: ShardAnalysis) {
  const lead = s.alert ? (s.backtest.hoursBeforeCrossover ?? s.alert.hoursLeftEarliest) : null;
  return {
    shard: s.shard,
    samples: s.samples,
    first: isoTime(s.firstSec),
    last: isoTime(s.lastSec),
    workingSetBytes: s.lastWorkingSetBytes,
    ramBytes: s.last.ramBytes,
    crossover: s.crossover && {
      time: isoTime(s.crossover.tSec),
      line: s.crossover.line,
      workingSetBytes: s.crossover.workingSetBytes,
      ramBytes: s.crossover.ramBytes,
    },
    falseRelief: s.falseRelief && {
      time: isoTime(s.falseRelief.tSec),
      line: s.falseRelief.line,
      workingSetBytes: s.falseRelief.workingSetBytes,
      heldBytes: s.falseRelief.heldBytes,
      ramBytes: s.falseRelief.ramBytes,
      relievedAt: s.falseRelief.relievedSec === null ? null : isoTime(s.falseRelief.relievedSec),
    },
    overSpells: s.overSpells.map((o) => ({ start: isoTime(o.startSec), end: iso(o.endSec) })),
    alert: s.alert && {
      time: isoTime(s.alert.tSec),
      leadHours: round(lead),
      line: s.alert.line,
      forecastHoursLeft: round(s.alert.hoursLeft),
      forecastHoursLeftEarliest: round(s.alert.hoursLeftEarliest),
      workingSetBytes: s.alert.workingSetBytes,
    },
    backtest: { verdict: s.backtest.verdict, hoursBeforeCrossover: round(s.backtest.hoursBeforeCrossover), leadHours: s.backtest.leadHours },
    forecast: forecastJson(s.forecast),
    ...(s.fallbacks > 0 ? { storageMissingSamples: s.fallbacks } : {}),
  };
}

export function metricsJson(a: MetricsFileAnalysis) {
  const im = a.imbalance;
  const share = (g: typeof im.growth | null) => g && g.map((x) => ({ shard: x.shard, growthBytes: x.growthBytes, share: round(x.share, 4) }));
  const flag = (f: typeof im.firstFlagged) =>
    f && { time: isoTime(f.tSec), chunkSpread: round(f.chunkSpread, 4), bytesSpread: round(f.bytesSpread, 4), largest: f.largest, smallest: f.smallest };
  return {
    file: a.load.file,
    format: a.load.format,
    workingSet: a.options.workingSet,
    leadHours: a.options.leadHours,
    windowHours: a.options.windowHours,
    samples: a.load.samples,
    first: isoTime(a.load.firstTSec),
    last: isoTime(a.load.lastTSec),
    shards: a.shards.map(shardJson),
    imbalance: {
      firstFlagged: flag(im.firstFlagged),
      growthAtFlag: share(im.growthAtFlag),
      flaggedTimes: im.flaggedTimes,
      lastFlagged: flag(im.lastFlag),
      growth: share(im.growth),
    },
    appeared: a.load.appeared.map((x) => ({ shard: x.shard, time: isoTime(x.tSec), line: x.line })),
    notes: a.notes.map((n) => ({ time: isoTime(n.tSec), shard: n.shard, text: n.text, line: n.line })),
    ignoredColumns: a.load.ignoredColumns,
  };
}

function forecastLine(f: Forecast, u: UnitStyle): string {
  const g = (b: number) => `${formatSize(b, u)}/day`;
  const left =
    f.hoursLeft === 0
      ? 'over RAM now'
      : `crossover in ${fmtHours(f.hoursLeft ?? Infinity)} (band ${fmtHours(f.hoursLeftEarliest ?? Infinity)} to ${fmtHours(f.hoursLeftLatest ?? Infinity)})`;
  return `forecast at ${isoTime(f.tSec)}: growing ${g(f.growthBytesPerHour * 24)} (band ${g(f.growthLowBytesPerHour * 24)} to ${g(f.growthHighBytesPerHour * 24)}), ${left}`;
}

export function metricsReport(a: MetricsFileAnalysis): string {
  const u = a.load.unitStyle;
  const L = a.load;
  const out = [
    `${L.file}: ${L.shards.length} shards, ${L.samples} samples from ${isoTime(L.firstTSec)} to ${isoTime(L.lastTSec)}`,
    `  working set = ${a.options.workingSet}; alert when the crossover may be under ${fmtHours(a.options.leadHours)} away (forecast from the trailing ${fmtHours(a.options.windowHours)})`,
  ];
  for (const s of a.shards) {
    out.push(
      '',
      `  ${s.shard}: ${formatSize(s.lastWorkingSetBytes, u)} of ${formatSize(s.last.ramBytes, u)} RAM at ${isoTime(s.lastSec)} (${s.samples} samples from ${isoTime(s.firstSec)})`,
    );
    if (s.crossover) {
      const spells =
        s.overSpellCount > 1
          ? `; ${s.overSpellCount} spells over RAM`
          : s.overSpells[0]?.endSec
            ? `; back under at ${isoTime(s.overSpells[0].endSec)}`
            : '; still over at the end';
      out.push(
        `    ${markHeading('crossover', s.crossover.tSec)} (line ${s.crossover.line}): ${formatSize(s.crossover.workingSetBytes, u)} > ${formatSize(s.crossover.ramBytes, u)} RAM${spells}`,
      );
    } else out.push('    no crossover: the working set stays within RAM');
    if (s.falseRelief) {
      const r = s.falseRelief;
      const until = heldUntil(r.relievedSec);
      out.push(
        `    ${markHeading('no-relief', r.tSec)} (line ${r.line}): the working set fell back to ${formatSize(r.workingSetBytes, u)}, but the shard still held ${formatSize(r.heldBytes, u)} of pages > ${formatSize(r.ramBytes, u)} RAM ${until}: the freed documents emptied no pages (fragmentation); compact or add RAM`,
      );
    }
    if (s.alert) {
      const b = s.backtest;
      const rel =
        b.hoursBeforeCrossover !== null
          ? `, ${fmtHours(b.hoursBeforeCrossover)} before the crossover (${b.verdict === 'in-time' ? 'in time' : 'late'} for a ${fmtHours(b.leadHours)} lead)`
          : ', no crossover followed in the file';
      out.push(
        `    ${markHeading('alert', s.alert.tSec)} (line ${s.alert.line}): forecast crossing within ${fmtHours(s.alert.hoursLeftEarliest)} at the earliest${rel}`,
      );
    } else if (s.backtest.verdict === 'missed') out.push('    no alert before the crossover: growth gave no warning the forecast could see');
    if (s.forecast) out.push(`    ${forecastLine(s.forecast, u)}`);
    if (s.fallbacks > 0) out.push(`    ${s.fallbacks} samples had no storage_bytes: data+index stood in`);
  }
  const im = a.imbalance;
  out.push('');
  if (im.firstFlagged) {
    const f = im.firstFlagged;
    out.push(
      `  IMBALANCE from ${isoTime(f.tSec)}: chunk counts within ${(f.chunkSpread * 100).toFixed(1)}% (${f.largest.shard} ${f.largest.chunks}, ${f.smallest.shard} ${f.smallest.chunks}) while ${f.largest.shard} holds ${formatSize(f.largest.bytes, u)} and ${f.smallest.shard} ${formatSize(f.smallest.bytes, u)} (${(f.bytesSpread * 100).toFixed(0)}% more)`,
    );
    out.push(`    share of growth until then: ${(im.growthAtFlag ?? []).map((g) => `${g.shard} ${(g.share * 100).toFixed(0)}%`).join(', ')}`);
  } else out.push('  no imbalance: no moment where chunk counts were within 10% while bytes differed by more than 20%');
  out.push(`  growth over the file: ${im.growth.map((g) => `${g.shard} ${g.growthBytes >= 0 ? '+' : ''}${formatSize(g.growthBytes, u)}`).join(', ')}`);
  if (a.notes.length > 0) {
    out.push('', '  notes:');
    for (const n of a.notes.slice(0, 50)) out.push(`    ${isoTime(n.tSec)}  ${n.shard ? `${n.shard}: ` : ''}${n.text}`);
    if (a.notes.length > 50 || a.notesDropped > 0) out.push(`    … ${a.notes.length - 50 + a.notesDropped} more (--json lists them)`);
  }
  if (L.ignoredColumns.length > 0) out.push(`  ignored columns: ${L.ignoredColumns.join(', ')}`);
  return out.join('\n');
}
