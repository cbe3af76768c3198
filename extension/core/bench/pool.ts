// The simulated clients of one level, spread over threads: a Group is a share of the clients, driven either in the
// calling thread (LocalGroup) or in a worker thread (WorkerGroup) behind the same interface, so the runner does
// not care where they run.
import type { Worker } from 'node:worker_threads';
import { UserError } from '../errors';
import { ClientGroup, type GroupPlan } from './clients';
import type { Amount } from './spec';
import type { Tally } from './tally';
import { spawnGroupWorker, type FromWorker, type ToWorker } from './worker';

export interface Group {
  readonly clients: number;
  /** statements finished in the current phase */
  done(): number;
  run(amount: Amount, record: boolean): Promise<Tally>;
  stop(): void;
  close(): Promise<void>;
}

class LocalGroup implements Group {
  constructor(private readonly g: ClientGroup) {}
  get clients() {
    return this.g.clients;
  }
  done() {
    return this.g.done;
  }
  run(amount: Amount, record: boolean) {
    return this.g.run(amount, record);
  }
  stop() {
    this.g.stop();
  }
  close() {
    return this.g.close();
  }
}

class WorkerGroup implements Group {
  private progress = 0;
  private waiting: { resolve: (m: FromWorker) => void; reject: (e: unknown) => void } | null = null;

  private constructor(
    private readonly w: Worker,
    readonly clients: number,
  ) {
    w.on('message', (m: FromWorker) => {
      if (m.type === 'progress') this.progress = m.done;
      else this.settle((p) => p.resolve(m));
    });
    w.on('error', (err) => this.settle((p) => p.reject(err)));
    w.on('exit', (code) => this.settle((p) => p.reject(new Error(`bench worker exited with code ${code}`))));
  }

  private settle(f: (p: NonNullable<WorkerGroup['waiting']>) => void) {
    const p = this.waiting;
    this.waiting = null;
    if (p) f(p);
  }

  private next(send?: ToWorker): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      if (send) this.w.postMessage(send);
    });
  }

  static async open(plan: GroupPlan, entry?: string): Promise<WorkerGroup> {
    const g = new WorkerGroup(spawnGroupWorker(plan, entry), plan.clientIds.length);
    const m = await g.next();
    if (m.type === 'failed') {
      await g.w.terminate();
      throw m.user ? new UserError(m.message) : new Error(m.message);
    }
    return g;
  }

  done() {
    return this.progress;
  }

  async run(amount: Amount, record: boolean): Promise<Tally> {
    this.progress = 0;
    const m = await this.next({ type: 'run', amount, record });
    if (m.type === 'tally') return m.tally;
    throw new Error(m.type === 'failed' ? m.message : `bench worker answered ${m.type} to run`);
  }

  stop() {
    this.w.postMessage({ type: 'stop' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    await this.next({ type: 'close' }).catch(() => undefined);
    await this.w.terminate();
  }
}

/** Opens the clients of one level: all in this thread (workers = 0) or dealt round-robin over worker threads. */
export async function openGroups(plan: Omit<GroupPlan, 'clientIds'>, concurrency: number, workers: number, entry?: string): Promise<Group[]> {
  const ids = Array.from({ length: concurrency }, (_, i) => i);
  if (workers === 0) return [new LocalGroup(await ClientGroup.open({ ...plan, clientIds: ids }))];
  const n = Math.min(workers, concurrency);
  const shares = Array.from({ length: n }, (_, w) => ids.filter((i) => i % n === w));
  const settled = await Promise.allSettled(shares.map((clientIds) => WorkerGroup.open({ ...plan, clientIds }, entry)));
  const groups = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(groups.map((g) => g.close()));
    throw failed.reason;
  }
  return groups;
}
