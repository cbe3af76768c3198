// The 2008 incident, replayed on loopback: the embedded tracker behind the recording proxy, a metadata store that
// turns slow (the database out of connections), and both clients asking for keys with a short read timeout. The
// harness knows each key's true file id, so it counts wrong answers itself; the transcript's analysis must agree.
import { formatHostPort } from '../address';
import { analyzeTranscript, type Analysis } from '../pairing';
import { seeded } from '../random';
import { startRecorder } from '../record';
import { BuggyTrackerClient, SafeTrackerClient, type ClientEventSink, type TrackerClient } from './client';
import { parseSlowSpec, type SlowSpec } from './slow-spec';
import { fidOfPath } from './store';
import { startTracker } from './server';

export interface ReproduceOptions {
  out: string;
  /** get_paths requests per client */
  requests?: number;
  keys?: number;
  timeoutMs?: number;
  slow?: SlowSpec;
  seed?: number;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ClientTally {
  client: 'buggy' | 'safe';
  requests: number;
  /** answers naming the asked key's own file */
  correct: number;
  /** answers naming another key's file, handed to the application as if right (checked by the harness) */
  wrong: number;
  /** answers the safe client refused because they named another key's file */
  refused: number;
  timeouts: number;
  /** "not found" answers for keys that exist: the buggy client's timeouts */
  falseNotFound: number;
  connections: number[];
  /** findings of the transcript's analysis on this client's connections */
  transcript: { mismatches: number; timeouts: number; late: number };
}

export interface Reproduction {
  transcript: string;
  tracker: string;
  proxy: string;
  slow: string;
  timeoutMs: number;
  buggy: ClientTally;
  safe: ClientTally;
  analysis: Analysis;
  firstMismatch: Analysis['findings'][number] | null;
  /** set when the run was cancelled: the requests each client made, of those asked */
  cancelled: { after: number; of: number } | null;
}

const DOMAIN = 'mail';

export async function reproduceMogilefs2008(opts: ReproduceOptions): Promise<Reproduction> {
  const requests = opts.requests ?? 60;
  const keyCount = opts.keys ?? 40;
  const timeoutMs = opts.timeoutMs ?? 250;
  const slow = opts.slow ?? parseSlowSpec('600ms@15%');
  const seed = opts.seed ?? 2008;
  const say = opts.onProgress ?? (() => {});

  const tracker = await startTracker({ seed });
  const rec = await startRecorder({
    listen: '127.0.0.1:0',
    target: formatHostPort(tracker.address),
    out: opts.out,
    protocol: 'mogilefs',
    source: { scenario: 'mogilefs-2008', slow: slow.text, clientTimeoutMs: timeoutMs },
  }).catch(async (err) => {
    await tracker.close();
    throw err;
  });
  const portToConn = new Map<number, number>();
  const sink: ClientEventSink = {
    attach: async (port) => void portToConn.set(port, await rec.connectionFor(port)),
    emit: (port, op, fields) => rec.writer.event(portToConn.get(port) ?? 0, 'client', { op, ...fields }),
  };
  const proxyAddr = rec.address;
  try {
    say(`tracker on ${formatHostPort(tracker.address)}, recording proxy on ${formatHostPort(proxyAddr)}, transcript ${rec.file}`);
    const setup = new SafeTrackerClient(proxyAddr, { timeoutMs: 5000, sink, name: 'setup-' });
    await setup.request('create_domain', { domain: DOMAIN });
    const truth = new Map<string, number>();
    for (let i = 0; i < keyCount; i++) {
      const key = `msg:${1000 + i}`;
      const fid = await setup.storeKey(DOMAIN, key, 2048 + i);
      if (fid === null) throw new Error(`setup could not store ${key}`);
      truth.set(key, fid);
    }
    setup.close();
    say(`stored ${keyCount} keys in domain "${DOMAIN}"; the metadata store now turns slow (${slow.text}), clients time out after ${timeoutMs} ms`);
    tracker.setSlow(slow);

    const buggy = new BuggyTrackerClient(proxyAddr, { timeoutMs, sink, name: 'buggy-' });
    const safe = new SafeTrackerClient(proxyAddr, { timeoutMs, sink, name: 'safe-' });
    for (const [k, fid] of truth) safe.knownFids.set(k, fid);
    const keys = [...truth.keys()];
    const [b, s] = await Promise.all([
      drive('buggy', buggy, keys, truth, requests, seeded(seed), opts.signal),
      drive('safe', safe, keys, truth, requests, seeded(seed + 1), opts.signal),
    ]);
    // let the last slow answers arrive, so the transcript shows where they went
    await new Promise((r) => setTimeout(r, slow.maxMs + 100));
    buggy.close();
    safe.close();
    await rec.close();
    await tracker.close();

    const analysis = await analyzeTranscript(rec.file);
    const tallyFindings = (t: ClientTally) => {
      const conns = new Set(t.connections);
      const of = (k: string) => analysis.findings.filter((f) => f.kind === k && conns.has(f.conn)).length;
      t.transcript = { mismatches: of('mismatch'), timeouts: of('timeout'), late: of('late') };
    };
    b.connections = buggy.ports.map((p) => portToConn.get(p) ?? 0);
    s.connections = safe.ports.map((p) => portToConn.get(p) ?? 0);
    tallyFindings(b);
    tallyFindings(s);
    return {
      transcript: rec.file,
      tracker: formatHostPort(tracker.address),
      proxy: formatHostPort(proxyAddr),
      slow: slow.text,
      timeoutMs,
      buggy: b,
      safe: s,
      analysis,
      firstMismatch: analysis.findings.find((f) => f.kind === 'mismatch') ?? null,
      cancelled: opts.signal?.aborted ? { after: Math.min(b.requests, s.requests), of: requests } : null,
    };
  } catch (err) {
    await rec.close();
    await tracker.close();
    throw err;
  }
}

async function drive(
  name: 'buggy' | 'safe',
  client: TrackerClient,
  keys: string[],
  truth: Map<string, number>,
  requests: number,
  rand: () => number,
  signal?: AbortSignal,
): Promise<ClientTally> {
  const t: ClientTally = {
    client: name,
    requests: 0,
    correct: 0,
    wrong: 0,
    refused: 0,
    timeouts: 0,
    falseNotFound: 0,
    connections: [],
    transcript: { mismatches: 0, timeouts: 0, late: 0 },
  };
  for (let i = 0; i < requests && !signal?.aborted; i++) {
    const key = keys[Math.floor(rand() * keys.length)];
    const answer = await client.getPaths(DOMAIN, key);
    t.requests++;
    if (answer.kind === 'timeout') {
      t.timeouts++;
      if (name === 'buggy') t.falseNotFound++; // the PHP client reported the timeout as "not found"
    } else if (answer.kind === 'wrong') {
      t.refused++;
    } else if (answer.kind === 'ok') {
      const fid = fidOfPath(answer.args.path1 ?? '');
      if (fid === truth.get(key)) t.correct++;
      else t.wrong++;
    } else {
      t.wrong++; // an ERR for a key that exists is an answer meant for another request
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return t;
}
