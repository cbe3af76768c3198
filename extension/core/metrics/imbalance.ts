// Imbalance: shards whose chunk counts are within 10% of each other while their bytes differ by more than 20%
// (the balancer counts chunks, not bytes; chunks split at 200 MB into two 100 MB halves, so equal counts can hide
// unequal bytes). Judged at each sample time over the shards sampled then; also each shard's share of growth.
export interface ShardBytes {
  shard: string;
  bytes: number;
  chunks: number;
}

export interface ImbalanceFlag {
  tSec: number;
  /** (most − fewest) / fewest chunks */
  chunkSpread: number;
  /** (largest − smallest) / smallest working set */
  bytesSpread: number;
  largest: ShardBytes;
  smallest: ShardBytes;
}

export interface GrowthShare {
  shard: string;
  fromSec: number;
  toSec: number;
  /** working set growth since the shard's first sample (negative when it shrank) */
  growthBytes: number;
  /** its share of the growth of all shards that grew (0 for one that shrank) */
  share: number;
}

export interface ImbalanceThresholds {
  /** chunk counts count as equal within this spread (default 0.10) */
  chunkTolerance: number;
  /** bytes count as unequal beyond this spread (default 0.20) */
  bytesThreshold: number;
}

export const DEFAULT_IMBALANCE: ImbalanceThresholds = { chunkTolerance: 0.1, bytesThreshold: 0.2 };

/** The pure rule, for one moment: null when balanced, when fewer than two shards give chunk counts, or when counts differ. */
export function judgeImbalance(tSec: number, shards: ShardBytes[], th: ImbalanceThresholds = DEFAULT_IMBALANCE): ImbalanceFlag | null {
  if (shards.length < 2) return null;
  let fewest = Infinity;
  let most = -Infinity;
  let smallest = shards[0];
  let largest = shards[0];
  for (const s of shards) {
    fewest = Math.min(fewest, s.chunks);
    most = Math.max(most, s.chunks);
    if (s.bytes < smallest.bytes) smallest = s;
    if (s.bytes > largest.bytes) largest = s;
  }
  if (!(fewest > 0)) return null;
  const chunkSpread = (most - fewest) / fewest;
  const bytesSpread = smallest.bytes > 0 ? (largest.bytes - smallest.bytes) / smallest.bytes : Infinity;
  if (chunkSpread > th.chunkTolerance || !(bytesSpread > th.bytesThreshold)) return null;
  return { tSec, chunkSpread, bytesSpread, largest, smallest };
}

export function growthShares(first: Map<string, { tSec: number; bytes: number }>, last: Map<string, { tSec: number; bytes: number }>): GrowthShare[] {
  const rows: GrowthShare[] = [];
  for (const [shard, f] of first) {
    const l = last.get(shard) ?? f;
    rows.push({ shard, fromSec: f.tSec, toSec: l.tSec, growthBytes: l.bytes - f.bytes, share: 0 });
  }
  const total = rows.reduce((s, r) => s + Math.max(0, r.growthBytes), 0);
  for (const r of rows) r.share = total > 0 ? Math.max(0, r.growthBytes) / total : 0;
  return rows;
}

export interface ImbalanceReport {
  firstFlagged: ImbalanceFlag | null;
  /** growth shares up to the first flag (what the flag would have shown) */
  growthAtFlag: GrowthShare[] | null;
  /** sample times at which the rule held */
  flaggedTimes: number;
  lastFlag: ImbalanceFlag | null;
  /** growth shares over the whole file */
  growth: GrowthShare[];
}

/** Streams samples (in time order) and judges each sample time once all its shards are in. */
export class ImbalanceDetector {
  private groupT = NaN;
  private group: ShardBytes[] = [];
  private first = new Map<string, { tSec: number; bytes: number }>();
  private last = new Map<string, { tSec: number; bytes: number }>();
  private report: Omit<ImbalanceReport, 'growth'> = { firstFlagged: null, growthAtFlag: null, flaggedTimes: 0, lastFlag: null };

  constructor(private readonly th: ImbalanceThresholds = DEFAULT_IMBALANCE) {}

  sample(tSec: number, shard: string, bytes: number, chunks: number | undefined): void {
    if (tSec !== this.groupT) this.judgeGroup();
    this.groupT = tSec;
    if (!this.first.has(shard)) this.first.set(shard, { tSec, bytes });
    this.last.set(shard, { tSec, bytes });
    if (chunks !== undefined) this.group.push({ shard, bytes, chunks });
  }

  finish(): ImbalanceReport {
    this.judgeGroup();
    return { ...this.report, growth: growthShares(this.first, this.last) };
  }

  private judgeGroup(): void {
    if (this.group.length >= 2) {
      const flag = judgeImbalance(this.groupT, this.group, this.th);
      if (flag) {
        this.report.flaggedTimes++;
        this.report.lastFlag = flag;
        if (!this.report.firstFlagged) {
          this.report.firstFlagged = flag;
          this.report.growthAtFlag = growthShares(this.first, this.last);
        }
      }
    }
    this.group = [];
  }
}
