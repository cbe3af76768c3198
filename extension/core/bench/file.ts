// *.bench.json files: written next to earlier runs and never over one (a new name, opened with 'wx'), and read
// back with the shape checked once at the door, so that compare and the chart can trust what they get.
import { open, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors';
import { BENCH_FORMAT, type BenchDocument } from './result';

const SUFFIX = '.bench.json';

function stamp(iso: string): string {
  return iso
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-');
}

/** Where a result goes: the file named (suffix added if missing), into a directory named, or the working directory. */
async function base(doc: BenchDocument, out: string | undefined): Promise<string> {
  const name = `${doc.kind}-${doc.workload}-${stamp(doc.startedAt)}`;
  if (out === undefined) return join(process.cwd(), name);
  const isDir = await stat(out).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir) return join(out, name);
  return out.endsWith(SUFFIX) ? out.slice(0, -SUFFIX.length) : out;
}

/** Writes the document to a new file and returns its path; an existing file gets a sibling (-2, -3, …), never overwritten. */
export async function writeBenchFile(doc: BenchDocument, out?: string): Promise<string> {
  const b = await base(doc, out);
  for (let n = 1; n < 10_000; n++) {
    const path = `${b}${n === 1 ? '' : `-${n}`}${SUFFIX}`;
    try {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(`${JSON.stringify(doc, null, 2)}\n`);
      } finally {
        await fh.close();
      }
      return path;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code === 'ENOENT') throw new UserError(`${dirname(path)}: no such directory for the result file`);
      if (code === 'EACCES' || code === 'EROFS') throw new UserError(`${path}: cannot write the result file (${code})`);
      throw err;
    }
  }
  throw new UserError(`${basename(b)}: too many result files with this name; pass --out`);
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Checks a parsed value is a result document; returns what is wrong, or null. */
export function problemWith(x: unknown): string | null {
  const d = x as Partial<BenchDocument> | null;
  if (typeof d !== 'object' || d === null) return 'not a JSON object';
  if (d.format !== BENCH_FORMAT) return `"format" is not "${BENCH_FORMAT}"`;
  if (d.version !== 1) return `version ${String(d.version)} is not supported (1 is)`;
  if (typeof d.target !== 'string' || typeof d.workload !== 'string') return 'missing "target" or "workload"';
  if (!Array.isArray(d.runs)) return 'missing "runs"';
  for (const [i, r] of d.runs.entries()) {
    if (!isNum(r?.concurrency) || !isNum(r?.ops) || !isNum(r?.seconds) || !isNum(r?.throughput))
      return `runs[${i}]: missing concurrency, ops, seconds or throughput`;
    if (!r.latency || !isNum(r.latency.p99)) return `runs[${i}]: missing latency`;
    if (typeof r.errors !== 'object' || r.errors === null) return `runs[${i}]: missing errors`;
  }
  return null;
}

/** Reads a result file: one document, or an array of them (what --json prints for several URLs). */
export async function readBenchFile(path: string): Promise<BenchDocument[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code})`}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path}: not JSON (${(err as Error).message})`);
  }
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  if (docs.length === 0) throw new UserError(`${path}: an empty array, no bench result in it`);
  docs.forEach((d, i) => {
    const p = problemWith(d);
    if (p) throw new UserError(`${path}${Array.isArray(parsed) ? ` [${i}]` : ''}: not a bench result: ${p}`);
  });
  return docs as BenchDocument[];
}
