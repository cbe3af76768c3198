// The simulated clients of one thread: one connection each, each running one statement at a time in a loop
// (never pipelining), timing every statement into this thread's histogram. The runner drives a group through its
// phases (warm-up, then the measured run); a group runs in the calling thread or inside a worker thread.
import { performance } from 'node:perf_hooks';
import { encodeHistogram, newHistogram, recordUs } from './histogram';
import type { Amount, Workload } from './spec';
import { addError, errorKind, type Tally } from './tally';
import { parseTargetUrl, seedText, type Session, type SessionSet } from './target';
import { driverFor } from './drivers';

/** What a thread needs to open its clients; plain data so that it can cross into a worker. */
export interface GroupPlan {
  url: string;
  table: string;
  workload: Workload;
  /** rows seeded with val 1..rows, for selects */
  rows: number;
  /** the global numbers of this group's clients (client i of concurrency c) */
  clientIds: number[];
  driverQuery: boolean;
}

/** Insert values: distinct per client and statement, within a signed 32-bit int for clients below 2,000. */
function insertVal(client: number, n: number): number {
  return client * 1_000_000 + (n % 1_000_000);
}

/** A small fast PRNG (xorshift32) per client, so that clients do not read the same rows in step. */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

export class ClientGroup {
  /** statements finished (succeeded or failed) in the current phase, for progress */
  done = 0;
  private stopping = false;
  private readonly seq: number[];
  private readonly rand: (() => number)[];
  private alive: boolean[];

  private constructor(
    private readonly plan: GroupPlan,
    private readonly set: SessionSet,
  ) {
    this.seq = plan.clientIds.map(() => 0);
    this.rand = plan.clientIds.map((id) => xorshift(0x9e3779b1 ^ ((id + 1) * 2654435761)));
    this.alive = plan.clientIds.map(() => true);
  }

  static async open(plan: GroupPlan): Promise<ClientGroup> {
    const t = parseTargetUrl(plan.url);
    const set = await driverFor(t.kind).sessions(t, plan.table, plan.clientIds.length, { driverQuery: plan.driverQuery });
    return new ClientGroup(plan, set);
  }

  get clients(): number {
    return this.plan.clientIds.length;
  }

  /** Runs every client for the amount; latencies go into the histogram only when record is set. */
  async run(amount: Amount, record: boolean): Promise<Tally> {
    this.done = 0;
    this.stopping = false;
    const tally: Tally = { ops: 0, errors: {}, samples: {}, lost: 0, histogram: '' };
    const h = newHistogram();
    const deadline = amount.kind === 'duration' ? performance.now() + amount.ms : Infinity;
    const limit = amount.kind === 'count' ? amount.perClient : Infinity;
    await Promise.all(this.set.sessions.map((s, i) => (this.alive[i] ? this.client(i, s, limit, deadline, record ? h : null, tally) : undefined)));
    tally.histogram = encodeHistogram(h);
    h.destroy();
    return tally;
  }

  private async client(i: number, s: Session, limit: number, deadline: number, h: ReturnType<typeof newHistogram> | null, tally: Tally) {
    const id = this.plan.clientIds[i];
    const rand = this.rand[i];
    const rows = this.plan.rows;
    const insert = this.plan.workload === 'insert';
    for (let n = 0; n < limit && !this.stopping; n++) {
      const t0 = performance.now();
      if (t0 >= deadline) break;
      try {
        if (insert) {
          const k = this.seq[i]++;
          await s.insert(insertVal(id, k), seedText(id, k));
        } else {
          const v = 1 + (rand() % rows);
          const got = await s.select(v);
          if (got.length === 0) {
            addError(tally, 'missing-row', `select val = ${v} returned no row`);
            continue;
          }
          if (got.some((g) => g !== v)) {
            addError(tally, 'wrong-row', `select val = ${v} returned val = ${got.find((g) => g !== v)}`);
            continue;
          }
        }
        if (h) recordUs(h, (performance.now() - t0) * 1000);
        tally.ops++;
      } catch (err) {
        addError(tally, errorKind(err), (err as Error)?.message ?? String(err));
        if (s.broken) {
          this.alive[i] = false;
          tally.lost++;
          break;
        }
      } finally {
        this.done++;
      }
    }
  }

  /** Lets every client finish its current statement, then stop. */
  stop(): void {
    this.stopping = true;
  }

  async close(): Promise<void> {
    await this.set.close();
  }
}
