// The mismatch check: seed keyed rows, then read them back at a chosen concurrency through the recording proxy,
// with latency injected into a share of responses while the client runs with a shorter timeout, and verify every
// answer against the key asked for. The transcript is analysed afterwards and its findings set beside the verdict.
import { join } from 'node:path';
import { formatHostPort } from '../address';
import { serverRefused } from '../errors';
import { analyzeTranscript } from '../pairing';
import { seeded } from '../random';
import { startRecorder } from '../record';
import { parseFaultSpec, type FaultSpec } from '../record/fault-spec';
import type { ClientEventSink } from '../tracker/client';
import { driverVersion, makeClient, perWorker, type CheckClient, type ClientName } from './clients';
import { checkPayload, KEY_PREFIX, keyFor } from './payload';
import { openBackend } from './target';
import type { CheckMismatch, CheckVerdict } from './verdict';

export interface CheckSpec {
  url?: string;
  client: ClientName;
  /** e.g. latency:300ms@5% */
  latency: string;
  timeoutMs: number;
  requests: number;
  concurrency: number;
  rows: number;
  seed: number;
  /** where the transcript goes; default: a new file in the current folder */
  out?: string;
  keepAuth?: boolean;
}

export interface CheckHooks {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

const KEY_IN_BYTES = new RegExp(`${KEY_PREFIX}\\d+`);

const PROTOCOL = { mysql: 'mysql', postgres: 'postgres', redis: 'redis', mongodb: 'mongodb', mogilefs: 'mogilefs' } as const;

export async function runCheck(spec: CheckSpec, hooks: CheckHooks = {}): Promise<CheckVerdict> {
  const fault: FaultSpec = parseFaultSpec(spec.latency.startsWith('latency') ? spec.latency : `latency:${spec.latency}`);
  const backend = await openBackend(spec.url, spec.client);
  const table = `ir_check_${process.pid}_${Date.now().toString(36)}`;
  const out = spec.out ?? join(process.cwd(), `check-${spec.client}-${new Date().toISOString().replace(/[:.]/g, '-')}.transcript.jsonl`);
  const clients: CheckClient[] = [];
  try {
    const seededWith = await backend.seed(table, spec.rows).catch((err: unknown) => {
      throw serverRefused(err, formatHostPort(backend.server), `to set up the check's table "${table}"`);
    });
    const rec = await startRecorder({
      listen: '127.0.0.1:0',
      target: formatHostPort(backend.server),
      out,
      protocol: PROTOCOL[backend.kind],
      faults: [fault],
      seed: spec.seed,
      keepAuth: spec.keepAuth ?? false,
      source: { tool: 'incident-replay check', client: spec.client, driver: driverVersion(spec.client), latency: fault.text, clientTimeoutMs: spec.timeoutMs },
    });
    const portToConn = new Map<number, number>();
    const sink: ClientEventSink = {
      attach: async (port) => void portToConn.set(port, await rec.connectionFor(port)),
      emit: (port, op, fields) => rec.writer.event(portToConn.get(port) ?? 0, 'client', { op, ...fields }),
    };
    const ctx = {
      url: backend.via(rec.address),
      proxy: rec.address,
      table,
      timeoutMs: spec.timeoutMs,
      poolSize: spec.concurrency,
      trackerFids: seededWith.trackerFids,
    };
    const shared = perWorker(spec.client) ? null : makeClient(spec.client, ctx);
    if (shared) clients.push(shared);
    const rand = seeded(spec.seed);
    const tally = { requests: 0, verified: 0, timeouts: 0, missing: 0, errors: {} as Record<string, number> };
    const mismatches: CheckMismatch[] = [];
    let next = 0;
    const worker = async (w: number) => {
      const client = shared ?? makeClient(spec.client, ctx, { sink, name: `w${w}-` });
      if (!shared) clients.push(client);
      while (next < spec.requests && !hooks.signal?.aborted) {
        next++;
        const asked = keyFor(Math.floor(rand() * spec.rows));
        const got = await client.get(asked);
        tally.requests++;
        if (got.kind === 'timeout') tally.timeouts++;
        else if (got.kind === 'missing') tally.missing++;
        else if (got.kind === 'error') tally.errors[got.code] = (tally.errors[got.code] ?? 0) + 1;
        else {
          const c = checkPayload(asked, got.payload);
          if (c.ok) tally.verified++;
          else mismatches.push({ asked, got: c.why === 'other-key' ? c.gotKey : '(corrupt payload)', t: rec.writer.now(), worker: w, conn: null });
        }
        if (tally.requests % 50 === 0) hooks.onProgress?.(tally.requests, spec.requests);
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, (_, w) => worker(w)));
    // late answers still on their way: let them land so the transcript shows where they went
    await new Promise((r) => setTimeout(r, Math.min(2000, (fault.latencyMs ?? 0) + (fault.jitterMs ?? 0) + 100)));
    const lateCallbacks = clients.reduce((n, c) => n + c.lateCallbacks, 0);
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await rec.close();
    // the payloads carry their keys: every answer on the wire is checked against its own request as well
    const analysis = await analyzeTranscript(rec.file, { keyPattern: KEY_IN_BYTES });
    const byClient = new Map(
      analysis.findings.filter((f) => f.kind === 'mismatch' && f.request?.clientId !== undefined).map((f) => [String(f.request?.clientId), f]),
    );
    for (const m of mismatches) {
      // instrumented clients name their requests: place the mismatch in the transcript
      const f = [...byClient.values()].find((x) => x.request?.key === m.asked && Math.abs(x.tUs - m.t) < 5_000_000);
      if (f) m.conn = f.conn;
    }
    const a = analysis.summary;
    // a cancelled check saw only part of what was asked: it may find a mismatch, never call the client clean
    const cancelled = hooks.signal?.aborted ? { after: tally.requests, of: spec.requests } : null;
    const notJudged = cancelled ? [...analysis.notJudged, `the check was cancelled after ${cancelled.after} of ${cancelled.of} requests`] : analysis.notJudged;
    const wireVerdict = cancelled && analysis.verdict === 'clean' ? 'inconclusive' : analysis.verdict;
    // a wire mismatch between two requests for the same key hands over the right row by luck: no key check can see it
    const sameKey = analysis.findings.filter((f) => f.kind === 'mismatch' && f.request?.key !== undefined && f.request.key === f.answers?.key).length;
    return {
      client: spec.client,
      version: driverVersion(spec.client),
      target: backend.shown,
      latency: fault.text,
      timeoutMs: spec.timeoutMs,
      concurrency: spec.concurrency,
      requests: tally.requests,
      verified: tally.verified,
      timeouts: tally.timeouts,
      missing: tally.missing,
      errors: tally.errors,
      lateCallbacks,
      mismatches,
      transcript: rec.file,
      verdict: mismatches.length > 0 || analysis.verdict === 'mismatch' ? 'mismatch' : wireVerdict,
      cancelled,
      wire: {
        verdict: analysis.verdict,
        notJudged,
        requests: a.requests,
        responses: a.responses,
        connections: a.connections,
        mismatches: a.findings.mismatch,
        sameKeyMismatches: sameKey,
        timeouts: a.findings.timeout,
        late: a.findings.late,
        unanswered: a.findings.unanswered,
        keyedPairs: a.keyed.pairs,
        keyedDiffer: a.keyed.differ,
        orphans: a.findings.orphan,
      },
      agrees: a.findings.mismatch - sameKey === mismatches.length,
    };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await backend.cleanup(table).catch(() => {});
    await backend.close().catch(() => {});
  }
}
