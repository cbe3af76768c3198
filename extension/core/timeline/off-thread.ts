// openTimeline on a worker thread: the model is read or built there (parsing, pairing, packing, deflating, the
// details spill and the model cache), and this thread only hands the chunks on. In the editor this thread is the
// extension host's, which every extension shares: a 1M-event build took it for seconds, in slices between which
// everything else waited. The chunks come back a few at a time (the build waits for them to be taken, as it waits for
// onChunk in this thread); texts asked for during the load are read by the worker from the spill it is writing; once
// the model is whole the spill is handed over (DetailsSpill.handOver/take: the files stay, this thread opens them).
// Without the worker's bundle (a test running the sources) the same openTimeline runs in this thread.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors';
import { DetailsSpill, type SpillHandle } from './details';
import { openTimeline, type OpenOptions } from './model-cache';
import type { EventBrief, TimelineSummary } from './model';
import type { PackedChunk } from './packed';
import type { SidecarOptions } from '../transcript';

/** What the worker is given to do (workerData). */
export interface WorkerJob {
  file: string;
  models: { dir: string; maxBytes: number } | null;
  lenient: boolean;
  sidecar: SidecarOptions | undefined;
  chunkEvents: number | undefined;
  /** chunks the build may run ahead of their being taken */
  ahead: number;
}

export type ToWorker = { type: 'ack' } | { type: 'abort' } | { type: 'briefs'; id: number; events: number[] };

export type FromWorker =
  | { type: 'details' }
  | { type: 'chunk'; chunk: PackedChunk }
  | { type: 'progress'; fraction: number; events: number }
  | { type: 'briefs'; id: number; briefs: EventBrief[] }
  | { type: 'done'; summary: TimelineSummary; fromCache: boolean; spill: SpillHandle }
  | { type: 'aborted' }
  | { type: 'error'; message: string; user: boolean; stack?: string };

/** What a timeline's texts are read from while it loads: the spill itself, or the worker that writes it. */
export interface BriefReader {
  briefs(events: number[]): Promise<EventBrief[]>;
}

export interface OffThreadOptions extends Omit<OpenOptions, 'onDetails'> {
  /** the worker's bundle (dist/timeline-worker.js); when it is not there, openTimeline runs in this thread */
  workerFile: string;
  /** the texts of the model as it loads, as soon as there are any */
  onDetails?: (details: BriefReader) => void;
}

/** chunks the worker may build ahead of this thread's onChunk */
const AHEAD = 4;

export async function openTimelineOffThread(
  file: string,
  opts: OffThreadOptions,
): Promise<{ summary: TimelineSummary; details: DetailsSpill; fromCache: boolean; onWorker: boolean }> {
  if (!existsSync(opts.workerFile)) return { ...(await openTimeline(file, opts)), onWorker: false };
  const job: WorkerJob = {
    file,
    models: opts.models ? { dir: opts.models.dir, maxBytes: opts.models.maxBytes } : null,
    lenient: opts.lenient ?? false,
    sidecar: opts.sidecar,
    chunkEvents: opts.chunkEvents,
    ahead: AHEAD,
  };
  const worker = new Worker(opts.workerFile, { workerData: job });
  // the spill's files are removed only once the worker has let them go (it saves them to the model cache after `done`)
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const send = (m: ToWorker): void => worker.postMessage(m);
  const asked = new Map<number, (b: EventBrief[]) => void>();
  let nextId = 1;
  let gone = false;
  const reader: BriefReader = {
    briefs: (events) =>
      new Promise((resolve) => {
        // asked of a worker that has exited: nothing will answer
        if (gone) return resolve([]);
        const id = nextId++;
        asked.set(id, resolve);
        send({ type: 'briefs', id, events });
      }),
  };
  const onAbort = (): void => send({ type: 'abort' });
  opts.signal?.addEventListener('abort', onAbort);
  try {
    return await new Promise((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void): void => {
        if (settled) return;
        settled = true;
        f();
      };
      // messages are handled one after another: a chunk is handed on before the next (or `done`) is looked at
      let queue = Promise.resolve();
      const handle = async (m: FromWorker): Promise<void> => {
        switch (m.type) {
          case 'details':
            opts.onDetails?.(reader);
            return;
          case 'chunk':
            await opts.onChunk(m.chunk);
            send({ type: 'ack' });
            return;
          case 'progress':
            opts.onProgress?.(m.fraction, m.events);
            return;
          case 'done': {
            const details = await DetailsSpill.take(m.spill, exited);
            settle(() => resolve({ summary: m.summary, details, fromCache: m.fromCache, onWorker: true }));
            return;
          }
          case 'aborted':
            settle(() => reject(new Error('cancelled')));
            return;
          case 'error': {
            const err = m.user ? new UserError(m.message) : new Error(m.message);
            if (!m.user && m.stack) err.stack = m.stack;
            settle(() => reject(err));
            return;
          }
        }
      };
      worker.on('message', (m: FromWorker) => {
        // texts are answered at once, not behind the chunks waiting to be handed on
        if (m.type === 'briefs') {
          asked.get(m.id)?.(m.briefs);
          asked.delete(m.id);
          return;
        }
        queue = queue
          .then(() => handle(m))
          .catch((err: unknown) => {
            send({ type: 'abort' });
            settle(() => reject(err));
          });
      });
      worker.on('error', (err) => settle(() => reject(err)));
      worker.on('exit', (code) => {
        // texts still asked for get none; a worker gone without its last word fails the load
        gone = true;
        for (const r of asked.values()) r([]);
        asked.clear();
        void queue.then(() => settle(() => reject(new Error(`the timeline's worker thread stopped (exit code ${code}) before the model was whole`))));
      });
    });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
