// The built timeline kept on disk (the extension's storage), so that reopening an unchanged transcript reads its
// model instead of building it: the chunks as they were sent, the summary, and the details spill. An entry belongs
// to one transcript path and is valid only for the size and mtime the build started from; it is written in a
// temporary folder and renamed when whole, so an entry that exists is complete. Least recently opened entries go
// first when the cache passes its size.
//
// Entry: meta.json {version, size, mtimeMs, summary}, chunks.bin ([u32 length][v8-serialized packed chunk]…: the
// bytes posted to the webview, so a reopen reads and posts them without packing again), and the spill's details.bin,
// texts.bin and details.index (DetailsSpill.saveTo).
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { buildTimeline, type BuildOptions, type BuiltTimeline } from './builder';
import { deflateChunk } from './deflate';
import { DetailsSpill } from './details';
import type { TimelineSummary } from './model';
import type { PackedChunk } from './packed';

/** changes whenever the model, the chunks or the spill change shape: older entries are then ignored */
const VERSION = 4;

interface Meta {
  version: number;
  size: number;
  mtimeMs: number;
  summary: TimelineSummary;
}

export interface CachedTimeline {
  summary: TimelineSummary;
  chunks: AsyncGenerator<PackedChunk>;
  details: DetailsSpill;
}

export class ModelCache {
  /** maxBytes: the cache's size; past it the least recently opened entries are removed */
  constructor(
    readonly dir: string,
    readonly maxBytes = 2 * 1024 ** 3,
  ) {}

  private entry(file: string): string {
    return join(this.dir, createHash('sha256').update(resolve(file)).digest('hex').slice(0, 32));
  }

  /** The model of this transcript as it is now, or null. */
  async open(file: string): Promise<CachedTimeline | null> {
    const st = await stat(file);
    const dir = this.entry(file);
    let meta: Meta;
    try {
      meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as Meta;
    } catch {
      return null;
    }
    if (meta.version !== VERSION || meta.size !== st.size || meta.mtimeMs !== st.mtimeMs) return null;
    const details = await DetailsSpill.openSaved(dir);
    const now = new Date();
    await utimes(join(dir, 'meta.json'), now, now).catch(() => undefined);
    return { summary: meta.summary, chunks: readChunks(join(dir, 'chunks.bin')), details };
  }

  /** Starts an entry for this transcript as it is now (its build begins); null when the cache cannot be written. */
  async writer(file: string): Promise<ModelWriter | null> {
    try {
      const st = await stat(file);
      await mkdir(this.dir, { recursive: true });
      const tmp = join(this.dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
      await mkdir(tmp);
      return new ModelWriter(this, this.entry(file), tmp, st.size, st.mtimeMs);
    } catch {
      return null;
    }
  }

  /** Removes the least recently opened entries until the cache is within its size. */
  async evict(keep: string): Promise<void> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.'));
    const entries = await Promise.all(
      names.map(async (n) => {
        const dir = join(this.dir, n);
        const files = await readdir(dir).catch(() => [] as string[]);
        const sizes = await Promise.all(
          files.map((f) =>
            stat(join(dir, f)).then(
              (s) => s.size,
              () => 0,
            ),
          ),
        );
        const used = await stat(join(dir, 'meta.json')).then(
          (s) => s.mtimeMs,
          () => 0,
        );
        return { dir, bytes: sizes.reduce((a, b) => a + b, 0), used };
      }),
    );
    let total = entries.reduce((a, e) => a + e.bytes, 0);
    for (const e of entries.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break;
      if (e.dir === keep) continue;
      await rm(e.dir, { recursive: true, force: true });
      total -= e.bytes;
    }
  }
}

export class ModelWriter {
  private readonly out: WriteStream;
  private failed = false;

  constructor(
    private readonly cache: ModelCache,
    private readonly entry: string,
    private readonly tmp: string,
    private readonly size: number,
    private readonly mtimeMs: number,
  ) {
    this.out = createWriteStream(join(tmp, 'chunks.bin'));
    this.out.on('error', () => (this.failed = true));
  }

  chunk(c: PackedChunk): void {
    const body = serialize(c);
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32LE(body.length, 0);
    this.out.write(head);
    this.out.write(body);
  }

  /** Makes the entry: the chunks written, the spill copied, the meta last; then the cache kept within its size. */
  async finish(summary: TimelineSummary, details: DetailsSpill): Promise<void> {
    try {
      await new Promise<void>((r, j) => this.out.end((err?: Error | null) => (err ? j(err) : r())));
      if (this.failed) throw new Error('the chunks could not be written');
      await details.saveTo(this.tmp);
      const meta: Meta = { version: VERSION, size: this.size, mtimeMs: this.mtimeMs, summary };
      await writeFile(join(this.tmp, 'meta.json'), JSON.stringify(meta));
      await rm(this.entry, { recursive: true, force: true });
      await rename(this.tmp, this.entry);
      await this.cache.evict(this.entry);
    } catch {
      await this.abandon();
    }
  }

  async abandon(): Promise<void> {
    this.out.destroy();
    await rm(this.tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function* readChunks(path: string): AsyncGenerator<PackedChunk> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    let at = 0;
    for (;;) {
      if ((await fh.read(head, 0, 4, at)).bytesRead < 4) return;
      const body = Buffer.allocUnsafe(head.readUInt32LE(0));
      if ((await fh.read(body, 0, body.length, at + 4)).bytesRead < body.length) return;
      at += 4 + body.length;
      yield deserialize(body) as PackedChunk;
    }
  } finally {
    await fh.close();
  }
}

export interface OpenOptions extends Omit<BuildOptions, 'onChunk'> {
  models?: ModelCache;
  /** each chunk packed (packed.ts), as the webview takes it; awaited, so a slow consumer slows the build */
  onChunk: (chunk: PackedChunk) => void | Promise<void>;
}

/**
 * A transcript's timeline, in packed chunks: from the model cache when it holds this transcript as it is now (the
 * chunks handed to onChunk as they are read), else built, and kept in the cache for the next time when the build ran
 * to its end.
 */
export async function openTimeline(file: string, opts: OpenOptions): Promise<BuiltTimeline & { fromCache: boolean; saved: Promise<void> }> {
  const cached = opts.models ? await opts.models.open(file).catch(() => null) : null;
  if (cached) {
    opts.onDetails?.(cached.details);
    for await (const chunk of cached.chunks) {
      if (opts.signal?.aborted) break;
      await opts.onChunk(chunk);
    }
    opts.onProgress?.(1, cached.summary.events);
    return { summary: cached.summary, details: cached.details, fromCache: true, saved: Promise.resolve() };
  }
  const writer = opts.models ? await opts.models.writer(file) : null;
  try {
    const built = await buildTimeline(file, {
      ...opts,
      onChunk: async (chunk) => {
        const packed = await deflateChunk(chunk);
        writer?.chunk(packed);
        await opts.onChunk(packed);
      },
    });
    // the entry is made after the model is shown: `saved` says when (for a test or a bench to wait on)
    const saved = writer && !opts.signal?.aborted ? writer.finish(built.summary, built.details) : (writer?.abandon() ?? Promise.resolve());
    return { ...built, fromCache: false, saved };
  } catch (err) {
    await writer?.abandon();
    throw err;
  }
}
