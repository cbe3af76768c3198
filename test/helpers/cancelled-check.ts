// A real mismatch check of the embedded tracker's safe client, cancelled after its first 100 of 2,000 requests: what
// the tests of a cancelled run's verdict (engine and view) start from.
import { runCheck, type CheckVerdict } from '../../extension/core/check';

const CANCELLED_OF = 2000;

export async function cancelledCheck(out: string): Promise<CheckVerdict> {
  const abort = new AbortController();
  return runCheck(
    { client: 'tracker-safe', latency: 'latency:150ms@10%', timeoutMs: 50, requests: CANCELLED_OF, concurrency: 2, rows: 200, seed: 7, out },
    { signal: abort.signal, onProgress: (done) => done >= 100 && abort.abort() },
  );
}
