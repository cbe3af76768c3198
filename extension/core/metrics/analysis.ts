// The analysis of a metrics file, streamed: a MetricsSink that keeps per shard only running state (crossover,
// trailing window, alert) and a compact series for the chart, so memory does not grow with the file's length.
// `analyzeMetricsFile` reads a file through it; `MetricsAnalyzer` also serves collectors and tests directly.
import { AlertTracker, backtest, DEFAULT_LEAD_HOURS, type Alert, type Backtest } from './alert';
import { CrossoverTracker, type Crossover, type OverSpell } from './crossover';
import { forecastFromFit, type Forecast } from './forecast';
import { workingSet, type MetricsSink, type Note, type Sample, type WorkingSetKind } from './format';
import { DEFAULT_IMBALANCE, ImbalanceDetector, type ImbalanceReport, type ImbalanceThresholds } from './imbalance';
import { readMetrics, type LoadReport } from './reader';
import { ReliefTracker, type FalseRelief } from './relief';
import { ShardSeries } from './series';
import { TrailingWindow } from './window';

export interface AnalysisOptions {
  workingSet: WorkingSetKind;
  leadHours: number;
  /** the trailing window the forecast fits (default 24 h: one whole day, so a daily rhythm averages out) */
  windowHours: number;
  /** band width in standard errors (default 2) */
  z: number;
  imbalance: ImbalanceThresholds;
  /** points kept per shard for the chart */
  seriesCap: number;
  /** notes kept for display; more are counted */
  maxNotes: number;
}

export const DEFAULT_ANALYSIS: AnalysisOptions = {
  workingSet: 'data+index',
  leadHours: DEFAULT_LEAD_HOURS,
  windowHours: 24,
  z: 2,
  imbalance: DEFAULT_IMBALANCE,
  seriesCap: 1 << 14,
  maxNotes: 10_000,
};

export interface ShardAnalysis {
  shard: string;
  samples: number;
  firstSec: number;
  lastSec: number;
  firstLine: number;
  last: Sample;
  lastWorkingSetBytes: number;
  crossover: Crossover | null;
  overSpells: OverSpell[];
  overSpellCount: number;
  /** the working set came back under RAM while the shard's pages did not: the move freed nothing */
  falseRelief: FalseRelief | null;
  alert: Alert | null;
  backtest: Backtest;
  /** made at the shard's last sample */
  forecast: Forecast | null;
  /** samples where the chosen working set was missing and data+index stood in (storage_bytes absent) */
  fallbacks: number;
  series: ShardSeries;
}

export interface MetricsAnalysis {
  options: AnalysisOptions;
  shards: ShardAnalysis[];
  imbalance: ImbalanceReport;
  notes: Note[];
  notesDropped: number;
}

interface ShardState {
  shard: string;
  samples: number;
  first: Sample;
  last: Sample;
  lastWs: number;
  window: TrailingWindow;
  crossover: CrossoverTracker;
  relief: ReliefTracker;
  alert: AlertTracker;
  fallbacks: number;
  series: ShardSeries;
}

export class MetricsAnalyzer implements MetricsSink {
  readonly options: AnalysisOptions;
  private shards = new Map<string, ShardState>();
  private imbalance: ImbalanceDetector;
  private notes: Note[] = [];
  private notesDropped = 0;

  constructor(options: Partial<AnalysisOptions> = {}) {
    this.options = { ...DEFAULT_ANALYSIS, ...options };
    this.imbalance = new ImbalanceDetector(this.options.imbalance);
  }

  sample(s: Sample): void {
    const o = this.options;
    let st = this.shards.get(s.shard);
    if (!st) {
      st = {
        shard: s.shard,
        samples: 0,
        first: s,
        last: s,
        lastWs: 0,
        fallbacks: 0,
        window: new TrailingWindow(o.windowHours * 3600),
        crossover: new CrossoverTracker(),
        relief: new ReliefTracker(),
        alert: new AlertTracker(o.leadHours),
        series: new ShardSeries(s.shard, o.seriesCap),
      };
      this.shards.set(s.shard, st);
    }
    const ws = workingSet(s, o.workingSet);
    if (o.workingSet === 'storage' && s.storageBytes === undefined) st.fallbacks++;
    st.samples++;
    st.last = s;
    st.lastWs = ws;
    st.series.push(s);
    st.window.push(s.tSec, ws);
    st.crossover.observe(s.tSec, s.line, ws, s.ramBytes);
    st.relief.observe(s.tSec, s.line, ws, s.ramBytes, s.storageBytes, s.residentBytes);
    if (!st.crossover.first) {
      const fit = st.window.fit();
      st.alert.observe(fit ? forecastFromFit(fit, ws, s.ramBytes, o.windowHours, o.z) : null, s.line, ws);
    }
    this.imbalance.sample(s.tSec, s.shard, ws, s.chunks);
  }

  note(n: Note): void {
    if (this.notes.length < this.options.maxNotes) this.notes.push(n);
    else this.notesDropped++;
  }

  finish(): MetricsAnalysis {
    const o = this.options;
    const shards = [...this.shards.values()].map((st): ShardAnalysis => {
      const fit = st.window.fit();
      const crossover = st.crossover.first;
      return {
        shard: st.shard,
        samples: st.samples,
        firstSec: st.first.tSec,
        lastSec: st.last.tSec,
        firstLine: st.first.line,
        last: st.last,
        lastWorkingSetBytes: st.lastWs,
        crossover,
        overSpells: st.crossover.spells,
        overSpellCount: st.crossover.spellCount,
        falseRelief: st.relief.relief,
        alert: st.alert.alert,
        backtest: backtest(st.alert.alert, crossover, st.first.tSec, o.leadHours),
        forecast: fit ? forecastFromFit(fit, st.lastWs, st.last.ramBytes, o.windowHours, o.z) : null,
        fallbacks: st.fallbacks,
        series: st.series,
      };
    });
    return { options: o, shards, imbalance: this.imbalance.finish(), notes: this.notes, notesDropped: this.notesDropped };
  }
}

export interface MetricsFileAnalysis extends MetricsAnalysis {
  load: LoadReport;
}

export async function analyzeMetricsFile(file: string, options: Partial<AnalysisOptions> = {}): Promise<MetricsFileAnalysis> {
  const analyzer = new MetricsAnalyzer(options);
  const load = await readMetrics(file, analyzer);
  return { ...analyzer.finish(), load };
}
