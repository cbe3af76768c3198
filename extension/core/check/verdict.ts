// The check's verdict for one client: what it asked, what it verified, and every answer that belonged to another
// key, set beside what the transcript of the same run shows on the wire.
import type { Verdict } from '../pairing/unseen';
import { fmtUs } from '../time-text';

export interface CheckMismatch {
  asked: string;
  /** the key the answer belonged to */
  got: string;
  /** µs on the transcript's clock when the client handed the answer over */
  t: number;
  worker: number;
  /** the transcript connection, where the client is instrumented */
  conn: number | null;
}

export interface CheckVerdict {
  client: string;
  version: string;
  target: string;
  latency: string;
  timeoutMs: number;
  concurrency: number;
  requests: number;
  verified: number;
  timeouts: number;
  missing: number;
  errors: Record<string, number>;
  /** a driver calling back a second time for one request: a late answer delivered after the timeout */
  lateCallbacks: number;
  mismatches: CheckMismatch[];
  transcript: string;
  /** mismatch when the client took another key's answer or the wire shows one; else the transcript's own verdict */
  verdict: Verdict;
  /** set when the run was cancelled: the requests made of those asked (a cancelled check is never clean) */
  cancelled?: { after: number; of: number } | null;
  /** the transcript's own analysis of the same run */
  wire: {
    verdict: Verdict;
    /** what of the transcript could not be judged, in words */
    notJudged: string[];
    requests: number;
    responses: number;
    connections: number;
    mismatches: number;
    /** wire mismatches where both requests asked for the same key: the right row arrived by luck */
    sameKeyMismatches: number;
    timeouts: number;
    late: number;
    unanswered: number;
    orphans: number;
    /** request/response pairs on the wire where both show a key (the key asked for, the key in the payload) */
    keyedPairs: number;
    /** of those, pairs where the server's answer carries another key than its own request asked for */
    keyedDiffer: number;
  };
  /** whether the transcript found as many mismatches (other keys) as the client took */
  agrees: boolean;
}

export function verdictText(v: CheckVerdict): string {
  const errs =
    Object.entries(v.errors)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ') || 'none';
  const lines = [
    `${v.client} (${v.version}) against ${v.target}, ${v.latency} injected, client timeout ${v.timeoutMs} ms, concurrency ${v.concurrency}`,
    `  ${v.requests} requests: ${v.verified} verified, ${v.timeouts} timeouts, ${v.missing} missing, errors: ${errs}, ${v.mismatches.length} MISMATCHES`,
    `  wire (${v.transcript}): ${v.wire.requests} requests, ${v.wire.responses} responses on ${v.wire.connections} connections; ` +
      `${v.wire.keyedPairs} answers carry their request's key${v.wire.keyedDiffer ? ` (${v.wire.keyedDiffer} do NOT)` : ''}; ${v.wire.mismatches} mismatches${v.wire.sameKeyMismatches ? ` (${v.wire.sameKeyMismatches} between two requests for the same key)` : ''}, ${v.wire.timeouts} timeouts, ${v.wire.late} late, ${v.wire.unanswered} unanswered`,
  ];
  if (v.lateCallbacks > 0) lines.push(`  the driver called back ${v.lateCallbacks} times more than once for one request (late answers after a timeout)`);
  for (const m of v.mismatches.slice(0, 10)) {
    lines.push(`  mismatch: asked for ${m.asked}, got the row of ${m.got} at ${fmtUs(m.t)}${m.conn !== null ? ` on connection ${m.conn}` : ''}`);
  }
  if (v.mismatches.length > 10) lines.push(`  … ${v.mismatches.length - 10} more`);
  lines.push(`  verdict: ${verdictWords(v)}`);
  if (!v.agrees)
    lines.push(
      `  note: the transcript found ${v.wire.mismatches - v.wire.sameKeyMismatches} mismatches across keys where the client took ${v.mismatches.length}`,
    );
  return lines.join('\n');
}

/** The check's verdict in the words `analyze` uses; a cancelled one says so first. */
export function verdictWords(v: CheckVerdict): string {
  const words = verdictOnly(v);
  return v.cancelled ? `cancelled after ${v.cancelled.after} of ${v.cancelled.of} requests; ${words}` : words;
}

function verdictOnly(v: CheckVerdict): string {
  switch (v.verdict) {
    case 'mismatch':
      return `mismatch: ${Math.max(v.mismatches.length, v.wire.mismatches)} responses reached the wrong request`;
    case 'inconclusive':
      return `inconclusive: no mismatch in what could be judged (${v.verified} answers checked against their keys), but ${v.wire.notJudged.join('; ')}`;
    case 'clean':
      return `clean: every response reached its request (${v.verified} answers checked against their keys)`;
  }
}
