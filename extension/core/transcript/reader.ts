// The streaming transcript reader: yields typed events, validating each line once at the door. Problems a user
// can cause are TranscriptError values naming file, line and what is wrong; --lenient skips bad lines and counts
// them; a truncated last line (a recorder that crashed) is reported, never thrown. Events come a batch per read
// chunk (`batches`), or one at a time (`events`); read one or the other, not both. A transcript comes from a file, or
// from a stream (standard input: `analyze -`), which is named in messages as given and never has a sidecar.
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { UserError } from '../errors';
import { eventProblem, headerProblem, type TranscriptEvent, type TranscriptHeader } from './format';
import { fastDataEvent } from './fast-line';
import { LineTooLongError, readLines, type Line } from './lines';
import { openSidecar, SidecarWriter, type SidecarOptions, type SidecarReading } from './sidecar';

export class TranscriptError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${problem}` : `${file}: ${problem}`);
  }
}

export interface ReadOptions {
  lenient?: boolean;
  /** the longest line accepted; default 256 MiB */
  maxLineBytes?: number;
  /** read from (or build) the transcript's binary sidecar in this cache */
  sidecar?: SidecarOptions;
}

export interface SkippedLine {
  line: number;
  problem: string;
}

/** What the reader noticed besides the events; complete once the events have been read to the end. */
export interface ReadReport {
  /** the line of the event last yielded (then, at the end, the last line read) */
  lines: number;
  events: number;
  skipped: number;
  /** the first skipped lines, for display */
  firstSkipped: SkippedLine[];
  /** set when the last line had no newline and was not whole JSON: the recorder stopped mid-write */
  truncatedLastLine: { line: number; bytes: number } | null;
}

/** Events of one read chunk with the line number of each. */
export interface EventBatch {
  events: TranscriptEvent[];
  lines: number[];
}

export interface OpenTranscript {
  file: string;
  header: TranscriptHeader;
  batches: AsyncGenerator<EventBatch>;
  events: AsyncGenerator<TranscriptEvent>;
  report: ReadReport;
}

const DEFAULT_MAX_LINE = 256 * 1024 * 1024;
const SIDECAR_MIN_BYTES = 32 * 1024 * 1024;
type Lines = AsyncGenerator<Line[]>;

/** A transcript read from a stream rather than a file: `name` stands for it in messages (`<stdin>`). */
export interface TranscriptStream {
  name: string;
  stream: Readable;
}

/** Opens a transcript: reads and checks its header, then streams its events. */
export async function openTranscript(source: string | TranscriptStream, opts: ReadOptions = {}): Promise<OpenTranscript> {
  if (typeof source !== 'string')
    return openLines(source.name, readLines(source.stream, opts.maxLineBytes ?? DEFAULT_MAX_LINE, opts.lenient ?? false), opts, null);
  const file = source;
  let size: number;
  let mtimeMs: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new TranscriptError(file, 0, 'not a file');
    size = st.size;
    mtimeMs = st.mtimeMs;
  } catch (err) {
    if (err instanceof TranscriptError) throw err;
    throw new TranscriptError(file, 0, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (size === 0) throw new TranscriptError(file, 0, 'the file is empty (a transcript starts with a header line)');
  const report: ReadReport = { lines: 0, events: 0, skipped: 0, firstSkipped: [], truncatedLastLine: null };
  const side = opts.sidecar && size >= (opts.sidecar.minBytes ?? SIDECAR_MIN_BYTES) ? opts.sidecar : null;
  if (side) {
    const sc = await openSidecar(side, file, size, mtimeMs);
    if (sc) {
      const batches = fromSidecar(file, sc, report);
      return { file, header: sc.header, batches, events: oneByOne(batches, report), report };
    }
  }
  const lines = readLines(file, opts.maxLineBytes ?? DEFAULT_MAX_LINE, opts.lenient ?? false);
  return openLines(file, lines, opts, side ? { side, size, mtimeMs } : null);
}

/** The header, then the events, of a transcript's lines; `cache`: where and for what file to build a sidecar. */
async function openLines(
  file: string,
  lines: Lines,
  opts: ReadOptions,
  cache: { side: SidecarOptions; size: number; mtimeMs: number } | null,
): Promise<OpenTranscript> {
  const report: ReadReport = { lines: 0, events: 0, skipped: 0, firstSkipped: [], truncatedLastLine: null };
  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE;
  const firstBatch = await next(file, lines);
  if (!firstBatch) throw new TranscriptError(file, 0, 'the file is empty (a transcript starts with a header line)');
  const [first, ...rest] = firstBatch;
  report.lines = 1;
  let parsed: unknown;
  try {
    // a UTF-8 byte-order mark (an editor's save) is no part of the header
    parsed = JSON.parse(first.text.charCodeAt(0) === 0xfeff ? first.text.slice(1) : first.text);
  } catch {
    throw new TranscriptError(file, 1, first.terminated ? 'the header line is not JSON' : 'the header line is truncated');
  }
  const hp = headerProblem(parsed);
  if (hp) throw new TranscriptError(file, 1, hp);
  const writer = cache ? SidecarWriter.create(cache.side, file, cache.size, cache.mtimeMs, parsed as TranscriptHeader) : null;
  const batches = readBatches(file, rest, lines, report, opts.lenient ?? false, maxLine, writer);
  return { file, header: parsed as TranscriptHeader, batches, events: oneByOne(batches, report), report };
}

async function next(file: string, lines: Lines): Promise<Line[] | null> {
  try {
    const r = await lines.next();
    return r.done ? null : r.value;
  } catch (err) {
    if (err instanceof LineTooLongError) throw new TranscriptError(file, err.lineNo, err.message.replace(/^line \d+ is/, 'the line is'));
    throw new TranscriptError(file, 0, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** The events of a sidecar, with the report the reading that built it ended with. */
async function* fromSidecar(file: string, sc: SidecarReading, report: ReadReport): AsyncGenerator<EventBatch> {
  for (;;) {
    const r = await sc.batches.next();
    if (r.done) {
      if (!r.value) throw new TranscriptError(file, 0, 'its sidecar in the cache is cut short; delete the cache and read again');
      report.lines = r.value.lines;
      report.truncatedLastLine = r.value.truncatedLastLine;
      return;
    }
    report.events += r.value.events.length;
    report.lines = r.value.lines[r.value.lines.length - 1];
    yield r.value;
  }
}

async function* readBatches(
  file: string,
  first: Line[],
  lines: Lines,
  report: ReadReport,
  lenient: boolean,
  maxLine: number,
  writer: SidecarWriter | null,
): AsyncGenerator<EventBatch> {
  try {
    let lastT = 0;
    let batch: Line[] | null = first;
    while (batch) {
      const out: EventBatch = { events: [], lines: [] };
      for (const line of batch) {
        if (line.tooLong) {
          skipOrThrow(file, line.no, `the line is longer than ${Math.round(maxLine / 1048576)} MiB`, report, lenient);
          continue;
        }
        // the writer's own data lines are read from their bytes; anything else is parsed as JSON
        const fast = line.terminated ? fastDataEvent(line.buf, line.start, line.end) : null;
        let v: unknown = fast;
        if (fast === null) {
          const text = line.text;
          if (text.trim() === '') continue;
          try {
            v = JSON.parse(text);
          } catch {
            if (!line.terminated) {
              report.truncatedLastLine = { line: line.no, bytes: line.end - line.start };
              continue;
            }
            skipOrThrow(file, line.no, 'not JSON', report, lenient);
            continue;
          }
        }
        let problem = fast === null ? eventProblem(v) : null;
        const ev = v as TranscriptEvent;
        if (!problem && ev.t < lastT) problem = `time goes backwards: t=${ev.t} after t=${lastT}`;
        if (problem) {
          skipOrThrow(file, line.no, problem, report, lenient);
          continue;
        }
        lastT = ev.t;
        report.events++;
        writer?.add(ev, line.no);
        out.events.push(ev);
        out.lines.push(line.no);
      }
      if (batch.length > 0) report.lines = batch[batch.length - 1].no;
      if (out.events.length > 0) yield out;
      batch = await nextOrSkip(file, lines, report, lenient);
    }
    // a sidecar holds a reading with nothing skipped: a strict reading of the same file must fail as this one would
    if (report.skipped === 0) writer?.finish({ lines: report.lines, truncatedLastLine: report.truncatedLastLine });
  } finally {
    writer?.abandon();
  }
}

async function* oneByOne(batches: AsyncGenerator<EventBatch>, report: ReadReport): AsyncGenerator<TranscriptEvent> {
  for await (const b of batches) {
    const end = report.lines;
    for (let i = 0; i < b.events.length; i++) {
      report.lines = b.lines[i];
      yield b.events[i];
    }
    report.lines = end;
  }
}

async function nextOrSkip(file: string, lines: Lines, report: ReadReport, lenient: boolean): Promise<Line[] | null> {
  try {
    return await next(file, lines);
  } catch (err) {
    // a line too long cannot be read past: the reader would have to hold it
    if (lenient && err instanceof TranscriptError && err.line > 0) {
      skipOrThrow(file, err.line, err.problem, report, true);
      return null;
    }
    throw err;
  }
}

function skipOrThrow(file: string, line: number, problem: string, report: ReadReport, lenient: boolean): void {
  if (!lenient) throw new TranscriptError(file, line, problem);
  report.skipped++;
  if (report.firstSkipped.length < 20) report.firstSkipped.push({ line, problem });
}
