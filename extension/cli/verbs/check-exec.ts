// `incident-replay check --exec "CMD" --target HOST:PORT`: the check of any client. The program runs once per point
// of a fault sweep behind the recording proxy, and each transcript is judged. Exit 0 clean at every point, 1 a
// mismatch at any, 3 none but a point that could not be judged (or a cancelled sweep).
import { choosePoints, DEFAULT_POINT_NAMES, runSweep } from '../../core/check/sweep';
import { sweepTable } from '../../core/check/sweep-report';
import { VERDICT_EXIT } from '../../core/pairing';
import { parseDurationMs, DURATION_HELP } from '../../core/units';
import { parse, parseKeyPattern, parseIntArg, UsageError, type Io } from '../verb';

export const execHelp = `usage: incident-replay check --exec "CMD" --target HOST:PORT [--faults LIST] [--fault SPEC]... [options]

Checks any client: starts the recording proxy in front of the target and runs CMD (with /bin/sh) once per point
of a fault sweep, the proxy's address in INCIDENT_REPLAY_ADDR (also _HOST and _PORT) and in place of {addr}
({host}, {port}) in CMD; then judges each point's transcript: who answered whom, from the wire alone.

  --exec CMD            the program to check, e.g. "node app.js {addr}" or "redis-cli -h {host} -p {port} GET k"
  --target HOST:PORT    the server the program would talk to
  --faults LIST         default points to run, comma-separated (default all): ${DEFAULT_POINT_NAMES.join(', ')}
                        (latency and stall are sized by --client-timeout: 2× and 4× it)
  --fault SPEC          a point of your own, repeatable (faults of one point joined by +), as record's --fault
  --client-timeout D    the program's own read timeout, to size the faults (default 1s)
  --run-timeout D       a point whose program still runs after D is stopped (default 60s)
  --protocol P          the protocol, when its first bytes and the target's port cannot tell it
  --key-pattern RE      where payloads carry their own key, a regular expression that finds it (see analyze)
  --out-dir DIR         where the transcripts go (default: here)
  --seed N              seed for the fault shares (default 2008)
  --json                one JSON object on stdout: {command, target, verdict, cancelled, rows: […]}

${DURATION_HELP}

Exit status: 0 clean at every point; 1 a response reached the wrong request at some point; 2 bad input or usage;
3 no mismatch, but a point could not be judged whole.`;

export async function runExec(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    'check',
    argv,
    {
      exec: { type: 'string' },
      target: { type: 'string' },
      faults: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'client-timeout': { type: 'string' },
      'run-timeout': { type: 'string' },
      protocol: { type: 'string' },
      'key-pattern': { type: 'string' },
      'out-dir': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  void positionals;
  if (!values.exec?.trim()) throw new UsageError('check: --exec needs a command');
  if (!values.target) throw new UsageError('check: --exec needs --target HOST:PORT, the server the program talks to');
  const keyPattern = parseKeyPattern('check', values['key-pattern']);
  const clientTimeoutMs = values['client-timeout'] ? parseDurationMs(values['client-timeout'], '--client-timeout') : 1000;
  const result = await runSweep(
    {
      command: values.exec,
      target: values.target,
      points: choosePoints(values.faults, values.fault ?? [], clientTimeoutMs),
      outDir: values['out-dir'] ?? process.cwd(),
      runTimeoutMs: values['run-timeout'] ? parseDurationMs(values['run-timeout'], '--run-timeout') : 60_000,
      protocol: values.protocol,
      seed: parseIntArg(values.seed, '--seed', 0, 2 ** 31),
      keyPattern,
    },
    {
      onPoint: values.json
        ? undefined
        : (i, n, p) => io.err(`point ${i + 1}/${n}: ${p.name}${p.faults.length ? ` (${p.faults.map((f) => f.text).join(' + ')})` : ''}`),
    },
  );
  io.out(values.json ? JSON.stringify(result, null, 2) : sweepTable(result));
  return VERDICT_EXIT[result.verdict];
}
