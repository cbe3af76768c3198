// The append-only transcript writer: refuses to overwrite, stamps each event with µs since its start on a
// monotonic clock (so events are in time order as written), and writes one whole line per event. Its header promises
// a closing line (`closing: true`), and a normal close writes it: an `end` event with the counts of what was written.
// A transcript that promises one and lacks it was cut (the recorder killed or crashed), and is read as such. It goes
// to a new file, or to a stream already open (standard output: `import --out -`), which it leaves open.
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { UserError } from '../errors';
import { encodeBytes, FORMAT, VERSION, type Direction, type TranscriptHeader } from './format';

export class TranscriptExistsError extends UserError {
  constructor(readonly file: string) {
    super(`${file}: already exists; refusing to overwrite it (choose another --out)`);
  }
}

export interface WriterOptions {
  protocol: string;
  source?: Record<string, unknown>;
  /** when the recording began, for transcripts made from a capture; default now */
  startedAt?: Date;
}

export class TranscriptWriter {
  /** ms on the monotonic clock when the transcript began (performance.now: µs resolution, no BigInt per event) */
  private readonly t0 = performance.now();
  private lastT = 0;
  private closed = false;
  /** events written after the header, and the wire bytes of the data events */
  private readonly counts = { events: 0, c2s: 0, s2c: 0 };

  private constructor(
    readonly file: string,
    private readonly out: Writable,
    readonly header: TranscriptHeader,
    /** a stream the writer did not open (standard output): close() flushes it and leaves it open */
    private readonly keepOpen = false,
  ) {}

  /** Creates the file (failing if it exists) and writes the header line. */
  static async create(file: string, opts: WriterOptions): Promise<TranscriptWriter> {
    const out = createWriteStream(file, { flags: 'wx' });
    try {
      await new Promise<void>((resolve, reject) => {
        out.once('ready', () => resolve());
        out.once('error', reject);
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new TranscriptExistsError(file);
      throw new UserError(`${file}: cannot create: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    return TranscriptWriter.start(new TranscriptWriter(file, out, TranscriptWriter.headerOf(opts)));
  }

  /** Writes the transcript to a stream already open (standard output), named `name` in messages. */
  static toStream(out: Writable, name: string, opts: WriterOptions): TranscriptWriter {
    return TranscriptWriter.start(new TranscriptWriter(name, out, TranscriptWriter.headerOf(opts), true));
  }

  private static headerOf(opts: WriterOptions): TranscriptHeader {
    return {
      type: 'header',
      format: FORMAT,
      version: VERSION,
      protocol: opts.protocol,
      startedAt: (opts.startedAt ?? new Date()).toISOString(),
      clock: 'us',
      closing: true,
      source: opts.source ?? {},
    };
  }

  private static start(w: TranscriptWriter): TranscriptWriter {
    w.out.on('error', (err) => w.fail(err));
    w.line(w.header);
    return w;
  }

  /** µs since the transcript started, never less than the last stamped time. */
  now(): number {
    const t = Math.floor((performance.now() - this.t0) * 1000);
    if (t > this.lastT) this.lastT = t;
    return this.lastT;
  }

  /** Appends an event stamped now (after what was deferred before it); returns its time. */
  event(c: number, k: string, fields: Record<string, unknown> = {}): number {
    const t = this.now();
    if (this.later.length > 0) this.defer(() => this.line({ t: this.stamp(t), c, k, ...fields }));
    else this.line({ t: this.stamp(t), c, k, ...fields });
    return t;
  }

  /** The time a line is written with: its own, or the last line's if that is later (lines never go back in time). */
  private stamp(t: number): number {
    if (t < this.lastWritten) return this.lastWritten;
    this.lastWritten = t;
    return t;
  }
  private lastWritten = 0;

  /** Appends a chunk's bytes, stamped `at` (µs from now(), taken when the chunk was relayed) or now. */
  data(c: number, dir: Direction, bytes: Uint8Array, at = this.now()): number {
    this.counts[dir] += bytes.length;
    const t = this.stamp(at);
    // the line every relayed chunk makes, put together here rather than by stringifying an object: the same text
    // JSON.stringify would write for { t, c, k, d, e }, and the reader's fast path reads exactly this shape
    const { d, e } = encodeBytes(bytes);
    // base64 needs no escaping and is ASCII: written as it is, a byte a character
    if (e) this.text(`{"t":${t},"c":${c},"k":"${dir}","d":"${d}","e":"${e}"}\n`, true);
    else this.text(`{"t":${t},"c":${c},"k":"${dir}","d":${JSON.stringify(d)}}\n`);
    return t;
  }

  /** Appends an event at a time the caller knows (µs since start; an import from a capture), kept in order. */
  eventAt(tUs: number, c: number, k: string, fields: Record<string, unknown> = {}): void {
    const t = Math.max(Math.round(tUs), this.lastT);
    this.lastT = t;
    if ((k === 'c2s' || k === 's2c') && typeof fields.d === 'string') this.counts[k] += Buffer.byteLength(fields.d, fields.e === 'base64' ? 'base64' : 'utf8');
    this.line({ t, c, k, ...fields });
  }

  // Work put off until the I/O callbacks of this turn of the event loop have run (setImmediate): the recorder relays
  // every chunk that is ready first, and masks and writes them after, in the order they were relayed. (Putting it off
  // further, to batch a few milliseconds of chunks, measured no faster on a pipelined load and slower on a Redis client
  // one request at a time: the batch stalls the relay when an answer arrives during it.)
  private later: Array<() => void> = [];
  private laterBytes = 0;
  private laterQueued = false;

  /**
   * Runs `fn` once this turn's I/O is handled, after everything deferred before it; events written meanwhile wait their
   * turn. `bytes`: the size of the chunk it records, counted as unwritten until then.
   */
  defer(fn: () => void, bytes = 0): void {
    this.later.push(fn);
    this.laterBytes += bytes;
    if (this.laterQueued) return;
    this.laterQueued = true;
    setImmediate(() => this.runLater());
  }

  private runLater(): void {
    this.laterQueued = false;
    try {
      // what a deferred function defers in turn runs in this same pass, in order
      for (let i = 0; i < this.later.length; i++) this.later[i]();
    } finally {
      this.later = [];
      this.laterBytes = 0;
    }
    // a wait on chunks that were deferred but not written (a mask holding them) gets no 'drain' from the file
    if (this.drain && !this.congested) this.out.emit('drain');
  }

  /** Resolves once every line accepted so far is in the file, so that a reader of a transcript still being written sees them whole. */
  synced(): Promise<void> {
    this.runLater();
    this.flush();
    if (this.closed || this.failed || this.out.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => this.out.write('', () => resolve()));
  }

  private readonly failureListeners: Array<(err: Error) => void> = [];

  /** Called once if a write fails (disk full, I/O error): from then on nothing more is written. */
  onFailure(listener: (err: Error) => void): void {
    if (this.failed) listener(this.failed);
    else this.failureListeners.push(listener);
  }

  /** The write error that stopped this transcript, if one did. */
  get failure(): Error | null {
    return this.failed;
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = err;
    this.off = 0;
    this.out.emit('drain');
    for (const l of this.failureListeners) l(err);
  }

  /**
   * Bytes of lines accepted but not yet handed to the file system: what a kill -9 would lose. The recorder stops
   * relaying while this is past AHEAD_LIMIT, so a crash loses at most about that much.
   */
  get unwritten(): number {
    return this.laterBytes + this.off + this.out.writableLength;
  }

  /** True when the file lags behind: callers that produce bytes should wait for drained(). */
  get congested(): boolean {
    return this.unwritten > TranscriptWriter.AHEAD_LIMIT;
  }

  private drain: Promise<void> | null = null;

  /** Resolves once the file has caught up (below AHEAD_LIMIT); one shared wait however many callers ask. */
  drained(): Promise<void> {
    if (!this.congested) return Promise.resolve();
    this.flush();
    this.drain ??= new Promise<void>((r) => {
      const check = () => {
        if (this.congested && !this.closed && !this.failed) {
          this.out.once('drain', check);
          return;
        }
        this.drain = null;
        r();
      };
      this.out.once('drain', check);
    });
    return this.drain;
  }

  /**
   * Writes the closing line and closes the file. `extra` goes into the closing line: what the recorder knows it did not
   * write (`lost` bytes), its own counts.
   */
  async close(extra: Record<string, unknown> = {}): Promise<void> {
    if (this.closed) return;
    this.runLater();
    if (this.failed) {
      this.closed = true;
      if (!this.keepOpen) this.out.destroy();
      return;
    }
    const events = this.counts.events - 1; // the header is no event
    this.line({ t: this.lastT, c: 0, k: 'end', events, bytes: { c2s: this.counts.c2s, s2c: this.counts.s2c }, ...extra });
    this.flush();
    this.closed = true;
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      if (this.keepOpen) this.out.write('', (err) => (err ? reject(err) : resolve()));
      else this.out.end(() => resolve());
    }).catch((err: Error) => {
      throw this.failed ?? err;
    });
  }

  // Lines go to the file together, every few milliseconds or every 256 lines: a proxy relaying one request at a time
  // would otherwise pay a file write per chunk. Whole lines only, so a crash still leaves whole lines, and at most
  // the last FLUSH_MS of events. They are gathered as UTF-8 in one buffer (no string per batch to join and encode
  // again), and a flush hands the file a copy of the part filled.
  private static readonly FLUSH_MS = 5;
  private static readonly FLUSH_LINES = 256;
  private static readonly FLUSH_BYTES = 256 * 1024;
  private buf = Buffer.allocUnsafeSlow(TranscriptWriter.FLUSH_BYTES);
  /** bytes of `buf` filled, and the lines in them */
  private off = 0;
  private lines = 0;
  private flushQueued = false;
  /** how far the recording may run ahead of the file (see `unwritten`) */
  static readonly AHEAD_LIMIT = 4 * 1024 * 1024;
  private failed: Error | null = null;

  private line(v: unknown): void {
    this.text(JSON.stringify(v) + '\n');
  }

  /** Appends one whole line; `ascii` when the caller knows it has no character past U+007F (one byte each). */
  private text(s: string, ascii = false): void {
    if (this.closed || this.failed) return;
    this.counts.events++;
    // UTF-8 takes at most three bytes for each UTF-16 unit
    const most = ascii ? s.length : s.length * 3;
    if (this.off + most > this.buf.length) {
      this.flush();
      if (most > this.buf.length) {
        // a line longer than the buffer goes on its own
        this.out.write(s);
        return;
      }
    }
    this.off += this.buf.write(s, this.off, ascii ? 'latin1' : 'utf8');
    if (++this.lines >= TranscriptWriter.FLUSH_LINES) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      setTimeout(() => this.flush(), TranscriptWriter.FLUSH_MS).unref();
    }
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.off === 0 || this.closed || this.failed) return;
    const chunk = Buffer.allocUnsafeSlow(this.off);
    this.buf.copy(chunk, 0, 0, this.off);
    this.off = 0;
    this.lines = 0;
    this.out.write(chunk);
  }
}
