// The `incident-replay` command: one verb a file under verbs/, the same engine as the editor.
import { UserError } from '../core/errors';
import type { Io } from './verb';
import { analyzeTranscript } from '../core/pairing';

/** The engine, for programs that load the built CLI (the benchmarks run it in a child process). */
export const engine = { analyzeTranscript };
import { terminalSafe } from './terminal';
import { verbs } from './verbs';

const io: Io = {
  out: (s) => process.stdout.write(terminalSafe(s.endsWith('\n') ? s : `${s}\n`)),
  err: (s) => process.stderr.write(terminalSafe(s.endsWith('\n') ? s : `${s}\n`)),
};

function usage(): string {
  const width = Math.max(...verbs.map((v) => v.name.length));
  return [
    'usage: incident-replay <verb> [options]   (incident-replay <verb> --help for each)',
    '',
    ...verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.out(process.env.INCIDENT_REPLAY_VERSION ?? '0.1.0');
    return 0;
  }
  const verb = verbs.find((v) => v.name === name);
  if (!verb) {
    io.err(`incident-replay: unknown verb "${name}" (verbs: ${verbs.map((v) => v.name).join(', ')})`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(verb.help);
    return 0;
  }
  try {
    return await verb.run(rest, io);
  } catch (err) {
    if (err instanceof UserError) {
      const msg = err.message.startsWith(`${verb.name}: `) ? err.message.slice(verb.name.length + 2) : err.message;
      io.err(`incident-replay ${verb.name}: ${msg}`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`incident-replay: internal error (a bug; please report it): ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
