// Which findings the list shows (the filter by kind and by connection) and where Next/Previous Finding go: they walk
// the shown findings in list order from the current one, the finding last selected, which stays current while the
// cursor steps off it. No DOM here, so it is tested under Node.
import { FINDING_KINDS, type TimelineFinding, type TimelineFindingKind } from '../extension/core/timeline/model';

export interface FindingFilter {
  /** the kinds shown; empty for every kind */
  kinds: TimelineFindingKind[];
  /** the connection shown; null for every connection */
  conn: number | null;
}

export const NO_FILTER: FindingFilter = { kinds: [], conn: null };

export function passes(f: TimelineFinding, filter: FindingFilter): boolean {
  return (filter.kinds.length === 0 || filter.kinds.includes(f.kind)) && (filter.conn === null || f.conn === filter.conn);
}

export class FindingNav {
  filter: FindingFilter = NO_FILTER;
  /** indices into the findings that pass the filter, in list order */
  shown: number[] = [];
  /** index into the findings of the current one, -1 for none */
  current = -1;
  /** event → the first shown finding that points at it */
  private byEvent = new Map<number, number>();

  constructor(private readonly findings: () => TimelineFinding[]) {}

  /** Applies a filter (kinds in FINDING_KINDS order, no repeats); the current finding stays only if still shown. */
  setFilter(filter: FindingFilter): void {
    this.filter = { kinds: FINDING_KINDS.filter((k) => filter.kinds.includes(k)), conn: filter.conn };
    this.refresh();
  }

  /** Recomputes what is shown, after a filter change or a new model. */
  refresh(): void {
    const all = this.findings();
    this.shown = [];
    this.byEvent = new Map();
    for (let i = 0; i < all.length; i++) {
      if (!passes(all[i], this.filter)) continue;
      this.shown.push(i);
      if (!this.byEvent.has(all[i].event)) this.byEvent.set(all[i].event, i);
    }
    const cur = all[this.current];
    if (this.current >= 0 && !(cur && passes(cur, this.filter))) this.current = -1;
  }

  /** The finding Next (1) or Previous (-1) goes to, wrapping around; -1 when none is shown. */
  step(dir: 1 | -1): number {
    const n = this.shown.length;
    if (n === 0) return -1;
    const at = this.position();
    if (at < 0) return this.shown[dir > 0 ? 0 : n - 1];
    return this.shown[(at + dir + n) % n];
  }

  /** Where the current finding is in the shown list; -1 when there is none. */
  position(): number {
    return this.current < 0 ? -1 : this.shown.indexOf(this.current);
  }

  /** The shown finding that points at this event (the first of them in list order); -1 when none. */
  atEvent(event: number): number {
    return this.byEvent.get(event) ?? -1;
  }

  /** How many shown findings there are of each kind, and on each connection. */
  counts(): { kinds: Map<TimelineFindingKind, number>; conns: Map<number, number> } {
    const all = this.findings();
    const kinds = new Map<TimelineFindingKind, number>();
    const conns = new Map<number, number>();
    for (const f of all) {
      if (this.filter.conn === null || f.conn === this.filter.conn) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
      conns.set(f.conn, (conns.get(f.conn) ?? 0) + 1);
    }
    return { kinds, conns };
  }
}
