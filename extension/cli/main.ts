// The `incident-replay` command: one verb a file under verbs/, the same engine as the editor.
import { UserError } from '../core/errors';
// the bundle takes only this field of package.json (esbuild keeps the JSON properties imported), so it cannot drift
import { version } from '../../package.json';
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
    `  ${'version'.padEnd(width)}  print the version (also --version)`,
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === 'version') {
    io.out(version);
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
  // what reads our standard output went away (| head): stop at once and quietly, as a Unix tool killed by SIGPIPE
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(128 + 13);
  });
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
