// A worker thread that drives a share of the simulated clients, so that the client side is not one busy Node
// thread. The thread loads the same module graph as its parent: when this module is loaded inside a worker made
// by spawnGroupWorker, it serves the group; otherwise loading it does nothing.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ClientGroup, type GroupPlan } from './clients';
import type { Amount } from './spec';
import type { Tally } from './tally';
import { UserError } from '../errors';

const KIND = 'incident-replay/bench-worker';

export type ToWorker = { type: 'run'; amount: Amount; record: boolean } | { type: 'stop' } | { type: 'close' };
export type FromWorker =
  | { type: 'opened' }
  | { type: 'failed'; message: string; user: boolean }
  | { type: 'progress'; done: number }
  | { type: 'tally'; tally: Tally }
  | { type: 'closed' };

interface Data {
  kind: typeof KIND;
  plan: GroupPlan;
}

/**
 * What a worker runs: this file under tsx (tests, benchmarks) or the bundle this code was built into (the CLI).
 * A host whose bundle cannot load in a worker (the VS Code extension, which requires `vscode`) passes entry: a
 * CommonJS file that loads this module.
 */
function source(entry: string | undefined): string {
  const self = entry ?? __filename;
  if (self.endsWith('.ts')) {
    const tsx = require.resolve(['tsx', 'cjs'].join('/'));
    return `require(${JSON.stringify(tsx)}); require(${JSON.stringify(self)});`;
  }
  return `require(${JSON.stringify(self)});`;
}

export function spawnGroupWorker(plan: GroupPlan, entry?: string): Worker {
  const data: Data = { kind: KIND, plan };
  return new Worker(source(entry), { eval: true, workerData: data, stdout: false, stderr: false });
}

async function serve(plan: GroupPlan): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const post = (m: FromWorker) => port.postMessage(m);
  let group: ClientGroup;
  try {
    group = await ClientGroup.open(plan);
  } catch (err) {
    post({ type: 'failed', message: (err as Error)?.message ?? String(err), user: err instanceof UserError });
    return;
  }
  post({ type: 'opened' });
  port.on('message', (m: ToWorker) => {
    switch (m.type) {
      case 'run': {
        const timer = setInterval(() => post({ type: 'progress', done: group.done }), 200);
        group.run(m.amount, m.record).then(
          (tally) => {
            clearInterval(timer);
            post({ type: 'tally', tally });
          },
          (err) => {
            clearInterval(timer);
            post({ type: 'failed', message: (err as Error)?.stack ?? String(err), user: false });
          },
        );
        break;
      }
      case 'stop':
        group.stop();
        break;
      case 'close':
        group.close().finally(() => {
          post({ type: 'closed' });
          port.close();
        });
        break;
    }
  });
}

if (!isMainThread && (workerData as Data | undefined)?.kind === KIND) void serve((workerData as Data).plan);
