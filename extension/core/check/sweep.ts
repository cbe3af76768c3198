// The check of any client: the user's own program run once per point of a fault sweep, through the recording proxy
// in front of its target, and each point's transcript judged by the analyzer. The program learns the proxy's
// address from INCIDENT_REPLAY_ADDR (and _HOST, _PORT) or from `{addr}`, `{host}`, `{port}` in its command line.
// Nothing here knows the client: what it sent and what it was answered are on the wire; how it took its answers is
// inferred from its behaviour, as `analyze` does for any transcript.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatHostPort, parseHostPort } from '../address';
import { UserError } from '../errors';
import { analyzeTranscript, describeFinding, type Finding, type Verdict } from '../pairing';
import { startRecorder } from '../record';
import { parseFaultSpec, type FaultSpec } from '../record/fault-spec';

export interface SweepPoint {
  name: string;
  faults: FaultSpec[];
}

/** The default sweep, sized by the client's own timeout: every fault that has broken a client's pairing before. */
export function defaultPoints(clientTimeoutMs: number): SweepPoint[] {
  const slow = `${Math.round(clientTimeoutMs * 2)}ms`;
  const points: Array<[string, string[]]> = [
    ['none', []],
    ['latency', [`latency:${slow}@10%`]],
    ['latency-up', [`latency:${slow}@10%,dir=up`]],
    ['stall', [`stall:${Math.round(clientTimeoutMs * 4)}ms@3%`]],
    ['reset', ['reset,share=2%']],
    ['bandwidth', ['bandwidth:4KB/s']],
  ];
  return points.map(([name, specs]) => ({ name, faults: specs.map(parseFaultSpec) }));
}

export const DEFAULT_POINT_NAMES = ['none', 'latency', 'latency-up', 'stall', 'reset', 'bandwidth'];

/**
 * The sweep's points: the default ones named in `names` (comma-separated; all of them when neither is given), then one
 * point per fault spec of the user's own (`--fault`, several faults of one point joined by `+`).
 */
export function choosePoints(names: string | undefined, own: string[], clientTimeoutMs: number): SweepPoint[] {
  const defaults = defaultPoints(clientTimeoutMs);
  const chosen =
    names === undefined
      ? own.length > 0
        ? []
        : defaults
      : names
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
          .map((n) => {
            const p = defaults.find((d) => d.name === n);
            if (!p) throw new UserError(`--faults: "${n}" is not one of ${DEFAULT_POINT_NAMES.join(', ')} (a fault of your own goes in --fault SPEC)`);
            return p;
          });
  return [...chosen, ...own.map((text) => ({ name: text, faults: text.split('+').map((f) => parseFaultSpec(f.trim())) }))];
}

export interface SweepSpec {
  /** run with /bin/sh -c, once per point */
  command: string;
  target: string;
  points: SweepPoint[];
  /** where each point's transcript goes */
  outDir: string;
  /** a program still running after this long is stopped (its process group), and the row says so */
  runTimeoutMs: number;
  protocol?: string;
  seed?: number;
  keyPattern?: RegExp;
  /** working directory and environment of the program */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface SweepRow {
  point: string;
  faults: string[];
  verdict: Verdict;
  /** what of the transcript could not be judged, in words */
  notJudged: string[];
  requests: number;
  responses: number;
  connections: number;
  timeouts: number;
  late: number;
  mismatches: number;
  /** the first mismatch: the request that took the answer and the request it answers */
  firstMismatch: {
    conn: number;
    took: { seq: number; key?: string; summary: string };
    answers: { seq: number; key?: string; summary: string } | null;
    text: string;
  } | null;
  exit: { code: number | null; signal: string | null; stoppedAfterMs: number | null };
  /** the last lines the program wrote (stdout and stderr together) */
  outputTail: string;
  transcript: string;
  /** faults the proxy applied */
  faultsApplied: number;
}

export interface SweepResult {
  command: string;
  target: string;
  rows: SweepRow[];
  /** mismatch when any point mismatched; inconclusive when none did but a point could not be judged; else clean */
  verdict: Verdict;
  cancelled: boolean;
}

export interface SweepHooks {
  onPoint?: (index: number, total: number, point: SweepPoint) => void;
  onRow?: (row: SweepRow) => void;
  signal?: AbortSignal;
}

const TAIL_BYTES = 2000;

export async function runSweep(spec: SweepSpec, hooks: SweepHooks = {}): Promise<SweepResult> {
  parseHostPort(spec.target, '--target');
  mkdirSync(spec.outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const rows: SweepRow[] = [];
  let cancelled = false;
  for (const [i, point] of spec.points.entries()) {
    if (hooks.signal?.aborted) {
      cancelled = true;
      break;
    }
    hooks.onPoint?.(i, spec.points.length, point);
    const out = join(spec.outDir, `sweep-${stamp}-${i + 1}-${point.name.replace(/[^\w.-]+/g, '_')}.transcript.jsonl`);
    const row = await runPoint(spec, point, out, hooks.signal);
    rows.push(row);
    hooks.onRow?.(row);
  }
  cancelled ||= hooks.signal?.aborted ?? false;
  const verdict: Verdict = rows.some((r) => r.verdict === 'mismatch')
    ? 'mismatch'
    : cancelled || rows.some((r) => r.verdict !== 'clean') || rows.length === 0
      ? 'inconclusive'
      : 'clean';
  return { command: spec.command, target: spec.target, rows, verdict, cancelled };
}

async function runPoint(spec: SweepSpec, point: SweepPoint, out: string, signal?: AbortSignal): Promise<SweepRow> {
  const rec = await startRecorder({
    listen: '127.0.0.1:0',
    target: spec.target,
    out,
    protocol: spec.protocol,
    faults: point.faults,
    seed: spec.seed ?? 2008,
    source: { tool: 'incident-replay check --exec', point: point.name, command: spec.command },
  });
  const addr = formatHostPort(rec.address);
  let run: Awaited<ReturnType<typeof runProgram>>;
  try {
    const command = spec.command.replaceAll('{addr}', addr).replaceAll('{host}', rec.address.host).replaceAll('{port}', String(rec.address.port));
    run = await runProgram(command, {
      cwd: spec.cwd,
      env: { ...(spec.env ?? process.env), INCIDENT_REPLAY_ADDR: addr, INCIDENT_REPLAY_HOST: rec.address.host, INCIDENT_REPLAY_PORT: String(rec.address.port) },
      timeoutMs: spec.runTimeoutMs,
      signal,
    });
  } finally {
    await rec.close();
  }
  const a = await analyzeTranscript(out, { keyPattern: spec.keyPattern });
  const first = a.findings.find((f) => f.kind === 'mismatch') ?? null;
  return {
    point: point.name,
    faults: point.faults.map((f) => f.text),
    verdict: a.verdict,
    notJudged: a.notJudged,
    requests: a.summary.requests,
    responses: a.summary.responses,
    connections: a.summary.connections,
    timeouts: a.summary.findings.timeout,
    late: a.summary.findings.late,
    mismatches: a.summary.findings.mismatch,
    firstMismatch: first && mismatchOf(first),
    exit: { code: run.code, signal: run.signal, stoppedAfterMs: run.stoppedAfterMs },
    outputTail: run.tail,
    transcript: out,
    faultsApplied: rec.stats.faults,
  };
}

function mismatchOf(f: Finding): NonNullable<SweepRow['firstMismatch']> {
  const ref = (r: { seq: number; key?: string; summary: string }) => ({ seq: r.seq, ...(r.key !== undefined ? { key: r.key } : {}), summary: r.summary });
  return { conn: f.conn, took: ref(f.request ?? { seq: 0, summary: '?' }), answers: f.answers ? ref(f.answers) : null, text: describeFinding(f) };
}

interface ProgramRun {
  code: number | null;
  signal: string | null;
  stoppedAfterMs: number | null;
  tail: string;
}

/** Runs the user's command in its own process group, so that stopping it stops what it started. */
function runProgram(command: string, o: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number; signal?: AbortSignal }): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = Buffer.alloc(0);
    const keep = (d: Buffer) => {
      tail = Buffer.concat([tail, d]);
      if (tail.length > TAIL_BYTES * 2) tail = tail.subarray(tail.length - TAIL_BYTES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const started = Date.now();
    let stoppedAfterMs: number | null = null;
    const stop = () => {
      if (stoppedAfterMs !== null || child.exitCode !== null) return;
      stoppedAfterMs = Date.now() - started;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(stop, o.timeoutMs);
    o.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new UserError(`--exec: cannot run /bin/sh: ${err.message}`));
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', stop);
      const text = tail.toString('utf8');
      resolve({ code, signal: sig, stoppedAfterMs, tail: text.length > TAIL_BYTES ? text.slice(text.length - TAIL_BYTES) : text });
    });
  });
}
