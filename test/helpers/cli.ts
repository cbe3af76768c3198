// Runs the CLI as a user would: a child process, its exit code, stdout and stderr.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'extension', 'cli', 'main.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `input`: what the CLI reads on its standard input (a capture or a transcript for `-`); a stream is piped in. */
export function cli(
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; heapMb?: number; input?: Buffer | string | NodeJS.ReadableStream; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const heap = opts.heapMb ? [`--max-old-space-size=${opts.heapMb}`] : [];
    const child = spawn(process.execPath, [...heap, '--import', 'tsx', MAIN, ...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // no input: standard input at its end at once, as </dev/null
    if (opts.input === undefined || typeof opts.input === 'string' || Buffer.isBuffer(opts.input)) child.stdin.end(opts.input);
    else opts.input.pipe(child.stdin);
    // a CLI that stops reading early (an import past its window) closes the pipe: not the test's error
    child.stdin.on('error', () => {});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running verb (record, tracker) and resolves with the port it announces on stderr. */
export async function startVerb(
  args: string[],
  announce: RegExp,
): Promise<{ child: import('node:child_process').ChildProcess; port: number; stdout: () => string; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no announcement within 30 s: ${err}`)), 30000);
    const look = () => {
      const m = announce.exec(err);
      if (m) {
        clearTimeout(timer);
        child.stderr.off('data', look);
        resolve(Number(m[1]));
      }
    };
    child.stderr.on('data', look);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { child, port, stdout: () => out, stderr: () => err };
}
