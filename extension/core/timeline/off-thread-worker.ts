// The worker thread's side of openTimelineOffThread (off-thread.ts): builds (or reads from the model cache) one
// transcript's timeline with openTimeline and hands its chunks, progress and details to the thread that started it.
// Built as its own bundle (dist/timeline-worker.js); it loads no `vscode`.
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors';
import type { DetailsSpill } from './details';
import { ModelCache, openTimeline } from './model-cache';
import type { FromWorker, ToWorker, WorkerJob } from './off-thread';

if (!parentPort) throw new Error('timeline-worker runs as a worker thread');
const port = parentPort;
const job = workerData as WorkerJob;
const post = (m: FromWorker): void => port.postMessage(m);

const abort = new AbortController();
let spill: DetailsSpill | null = null;
/** chunks posted and not yet taken by the other thread */
let unacked = 0;
let wakeBuild: (() => void) | null = null;

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'ack':
      unacked--;
      wakeBuild?.();
      wakeBuild = null;
      return;
    case 'briefs': {
      const asked = m;
      void (spill ? spill.briefs(asked.events).catch(() => []) : Promise.resolve([])).then((briefs) => post({ type: 'briefs', id: asked.id, briefs }));
      return;
    }
    case 'abort':
      abort.abort();
      wakeBuild?.();
      wakeBuild = null;
      return;
  }
});

async function main(): Promise<void> {
  try {
    const built = await openTimeline(job.file, {
      models: job.models ? new ModelCache(job.models.dir, job.models.maxBytes) : undefined,
      lenient: job.lenient,
      sidecar: job.sidecar,
      chunkEvents: job.chunkEvents,
      signal: abort.signal,
      onDetails: (d) => {
        spill = d;
        post({ type: 'details' });
      },
      onChunk: async (chunk) => {
        if (abort.signal.aborted) return;
        post({ type: 'chunk', chunk });
        // the build runs at most a few chunks ahead of the thread that takes them
        if (++unacked >= job.ahead) await new Promise<void>((r) => (wakeBuild = r));
      },
      onProgress: (fraction, events) => post({ type: 'progress', fraction, events }),
    });
    if (abort.signal.aborted) {
      await built.details.dispose();
      post({ type: 'aborted' });
      return;
    }
    // the other thread reads the spill from here on; this one saves it to the model cache, then lets it go
    post({ type: 'done', summary: built.summary, fromCache: built.fromCache, spill: await built.details.handOver() });
    await built.saved;
    await built.details.release();
  } catch (err) {
    if (abort.signal.aborted) {
      post({ type: 'aborted' });
      return;
    }
    post({ type: 'error', message: err instanceof Error ? err.message : String(err), user: err instanceof UserError, stack: (err as Error).stack });
  } finally {
    port.close();
  }
}

void main();
