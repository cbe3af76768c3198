// The details of every timeline event (decoded fields, raw bytes) spilled to a temporary file while the model is
// built, so the webview can ask for one event's details on demand without the host keeping a million objects. Each
// event's text (its one-line summary) goes to a second file, so the webview can ask for the texts of the events it
// labels (a few hundred at a time) without the model carrying a million strings.
// A record is [u32 metaBytes][u32 rawBytes][meta][raw bytes]; raw bytes are capped at DETAILS_MAX_BYTES. The meta
// is JSON, or (metaBytes' top bit set) the fixed binary form of a message its protocol decodes alone (addAlone):
// most events of a large transcript, written without a JSON.stringify each.
// Records are written into a pooled buffer and the file in large writes: a million events cost one pass.
import { BIDI_CONTROLS, escapeChars } from '../shown-safe';
import { constants } from 'node:fs';
import { copyFile, link, mkdtemp, open, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodedView } from './decoded-view';
import { Offsets, withRoom, type SavedOffsets } from './offsets';
import { protocolByName } from '../protocols';
import type { Decoded } from '../protocols/types';
import { DETAILS_MAX_BYTES, MAX_TEXT_CHARS, type EventBrief, type EventDetails } from './model';

/**
 * What is stored per event, cheap to write: [connection, what ("request #3", "fault", …), transcript line, total
 * bytes, decoding error or null, decoded fields or the event's own fields, the protocol that decodes it alone, its
 * key]. The title and table are made on read; a message decoded alone has its key made on read too.
 */
export type DetailsRecord = [
  conn: number,
  what: string,
  line: number,
  totalBytes: number,
  error: string | null,
  fields: unknown,
  alone?: string | null,
  key?: string | null,
];

/** a key longer than this is cut: it is shown in a sentence */
export const MAX_KEY_CHARS = 200;

/** A record's `alone`: the protocol that decodes the message from its stored bytes, and the direction. */
function describedBy(alone: string | null | undefined, bytes: Buffer): Decoded | null {
  if (!alone) return null;
  const [name, dir] = alone.split('/');
  const p = protocolByName(name);
  return p?.describe && (dir === 'c2s' || dir === 's2c') ? p.describe(dir, bytes) : null;
}

const POOL_BYTES = 1 << 20;
/** set in a record's meta length: the meta is addAlone's binary form */
const BINARY_META = 0x80000000;
/** addAlone's meta before its two strings: conn, seq, line, total bytes, flags, alone's length, the error's length */
const ALONE_HEAD = 4 + 4 + 4 + 8 + 1 + 1 + 2;

/** The DetailsRecord of addAlone's binary meta. */
function aloneRecord(b: Buffer): DetailsRecord {
  const conn = b.readUInt32LE(0);
  const seq = b.readUInt32LE(4);
  const line = b.readUInt32LE(8);
  const total = b.readDoubleLE(12);
  const flags = b[20];
  const aloneLen = b[21];
  const errLen = b.readUInt16LE(22);
  const alone = b.toString('latin1', 24, 24 + aloneLen);
  const error = flags & 4 ? b.toString('utf8', 24 + aloneLen, 24 + aloneLen + errLen) : null;
  return [conn, `${flags & 1 ? 'request' : 'response'} #${seq}`, line, total, error, null, `${alone}/${flags & 2 ? 's2c' : 'c2s'}`];
}
const MAX_META_CHARS = 256 * 1024;
const MAX_FIELD_CHARS = 2000;

/**
 * A file written only at its end, through a pooled buffer and in large writes (a million small records cost one
 * pass); knows where each byte will land before it is written.
 */
class PooledFile {
  private written = 0;
  private pool = Buffer.allocUnsafe(POOL_BYTES);
  private used = 0;
  private queued: Buffer[] = [];
  private queuedBytes = 0;

  constructor(readonly fh: FileHandle) {}

  /** Where the next byte appended lands. */
  get end(): number {
    return this.written + this.queuedBytes + this.used;
  }

  /** Appends through the pool: `fill` writes at most n (≤ POOL_BYTES) bytes at `at` and says how many it wrote. */
  put(n: number, fill: (pool: Buffer, at: number) => number): void {
    if (this.used + n > POOL_BYTES) this.cut();
    this.used += fill(this.pool, this.used);
  }

  /** Appends a buffer too big for the pool, after what the pool holds. */
  append(b: Buffer): void {
    this.cut();
    this.queued.push(b);
    this.queuedBytes += b.length;
  }

  /** Moves the filled part of the pool to the write queue and starts a new pool. */
  private cut(): void {
    if (this.used === 0) return;
    this.queued.push(this.pool.subarray(0, this.used));
    this.queuedBytes += this.used;
    this.pool = Buffer.allocUnsafe(POOL_BYTES);
    this.used = 0;
  }

  /** Writes what is queued (with force, the pool too). */
  async flush(force: boolean): Promise<void> {
    if (force) this.cut();
    const parts = this.queued;
    this.queued = [];
    // the parts stay counted in `end` until written: records added meanwhile (a reader's flush during a build) must
    // land after them
    for (const b of parts) {
      await this.fh.write(b, 0, b.length, this.written);
      this.written += b.length;
      this.queuedBytes -= b.length;
    }
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

export class DetailsSpill {
  private offsets = new Offsets();
  private count = 0;

  /** owned: the spill's folder is its own, removed on dispose; a saved one opened from a cache is only closed */
  private constructor(
    private readonly dir: string,
    private readonly file: PooledFile,
    private readonly texts: TextSpill,
    private readonly owned = true,
  ) {}

  /** Copies the whole spill into `dir` (a model cache's entry), for openSaved to read again later. */
  async saveTo(dir: string): Promise<void> {
    await this.flush(true);
    await keep(join(this.dir, 'details.bin'), join(dir, 'details.bin'));
    await keep(join(this.dir, 'texts.bin'), join(dir, 'texts.bin'));
    await writeFile(join(dir, 'details.index'), serialize(this.index()));
  }

  /** Where each event's record and text are: what saveTo writes beside the files and handOver passes on. */
  private index(): SpillIndex {
    return { offsets: this.offsets.save(), texts: this.texts.index() };
  }

  /** A spill saved by saveTo, read-only: disposing it closes its files and leaves them where they are. */
  static async openSaved(dir: string): Promise<DetailsSpill> {
    const index = deserialize(await readFile(join(dir, 'details.index'))) as SpillIndex;
    return DetailsSpill.reopen(dir, index, false);
  }

  /**
   * What another thread needs to read this spill (`take`): its folder, whether the taker owns it, and its index.
   * Everything added so far is written first; nothing may be added after.
   */
  async handOver(): Promise<SpillHandle> {
    await this.flush(true);
    return { dir: this.dir, owned: this.owned, index: this.index() };
  }

  /**
   * A spill another thread built and handed over: read-only; it owns the folder when the handle says so, and removes
   * it on dispose once `released` has settled (the other thread may still be saving the files to a model cache).
   */
  static async take(h: SpillHandle, released: Promise<void>): Promise<DetailsSpill> {
    const spill = await DetailsSpill.reopen(h.dir, h.index, h.owned);
    spill.released = released;
    return spill;
  }

  /** what must be done with the files before they may be removed */
  private released: Promise<void> = Promise.resolve();

  private static async reopen(dir: string, index: SpillIndex, owned: boolean): Promise<DetailsSpill> {
    const fh = await open(join(dir, 'details.bin'), 'r');
    const th = await open(join(dir, 'texts.bin'), 'r').catch(async (err: unknown) => {
      await fh.close();
      throw err;
    });
    const spill = new DetailsSpill(dir, new PooledFile(fh), TextSpill.restore(new PooledFile(th), index.texts), owned);
    spill.offsets = Offsets.restore(index.offsets);
    spill.count = spill.offsets.length;
    return spill;
  }

  static async create(): Promise<DetailsSpill> {
    const dir = await mkdtemp(join(tmpdir(), 'incident-replay-details-'));
    const fh = await open(join(dir, 'details.bin'), 'w+');
    const texts = await open(join(dir, 'texts.bin'), 'w+');
    return new DetailsSpill(dir, new PooledFile(fh), new TextSpill(new PooledFile(texts)));
  }

  get events(): number {
    return this.count;
  }

  /**
   * Appends the details and text of the next event (events are added in index order). Call flush() now and then.
   * A record with `alone` keeps no fields and no text (null): both are made from its bytes when asked for.
   */
  add(record: DetailsRecord, raw: Uint8Array | null, text: string | null): void {
    this.texts.add(text);
    let meta = JSON.stringify(record);
    if (meta.length > MAX_META_CHARS) {
      // a 10 MB argument: keep the table's cut-down rows rather than the whole value
      meta = JSON.stringify([
        record[0],
        record[1],
        record[2],
        record[3],
        record[4],
        Object.fromEntries(fieldRows(record[5] as Record<string, unknown>)),
        record[6] ?? null,
        record[7] ?? null,
      ]);
    }
    const rawLen = raw ? Math.min(raw.length, DETAILS_MAX_BYTES) : 0;
    const need = 8 + meta.length * 3 + rawLen;
    if (need > POOL_BYTES) {
      const metaBuf = Buffer.from(meta, 'utf8');
      const b = Buffer.allocUnsafe(8 + metaBuf.length + rawLen);
      b.writeUInt32LE(metaBuf.length, 0);
      b.writeUInt32LE(rawLen, 4);
      metaBuf.copy(b, 8);
      if (raw && rawLen) b.set(raw.subarray(0, rawLen), 8 + metaBuf.length);
      this.offsets.push(this.file.end);
      this.count++;
      this.file.append(b);
      return;
    }
    this.file.put(need, (pool, at) => {
      this.offsets.push(this.file.end);
      this.count++;
      const metaLen = pool.write(meta, at + 8, 'utf8');
      pool.writeUInt32LE(metaLen, at);
      pool.writeUInt32LE(rawLen, at + 4);
      if (raw && rawLen) pool.set(raw.subarray(0, rawLen), at + 8 + metaLen);
      return 8 + metaLen + rawLen;
    });
  }

  /** Writes what is buffered once enough has gathered (or always, with force). */
  /**
   * Appends a request or response that its protocol decodes from its bytes alone (`raw` must be all of it): the same
   * record as add() with `alone`, in binary, since a million of them are most of a large transcript's build.
   */
  addAlone(conn: number, request: boolean, seq: number, line: number, error: string | null, alone: string, dir: 'c2s' | 's2c', raw: Buffer): void {
    this.texts.add(null);
    // an error is a sentence; cut so its length fits the u16 that holds it
    const err = error === null ? '' : cut(error, 2000);
    this.file.put(8 + ALONE_HEAD + alone.length + err.length * 3 + raw.length, (pool, at) => {
      this.offsets.push(this.file.end);
      this.count++;
      let o = at + 8;
      o = pool.writeUInt32LE(conn >>> 0, o);
      o = pool.writeUInt32LE(seq >>> 0, o);
      o = pool.writeUInt32LE(line >>> 0, o);
      o = pool.writeDoubleLE(raw.length, o);
      pool[o++] = (request ? 1 : 0) | (dir === 's2c' ? 2 : 0) | (error === null ? 0 : 4);
      const aloneLen = pool.write(alone, o + 3, 'latin1');
      pool[o] = aloneLen;
      const errLen = pool.write(err, o + 3 + aloneLen, 'utf8');
      pool.writeUInt16LE(errLen, o + 1);
      o += 3 + aloneLen + errLen;
      const metaLen = o - (at + 8);
      pool.writeUInt32LE((metaLen | BINARY_META) >>> 0, at);
      pool.writeUInt32LE(raw.length, at + 4);
      pool.set(raw, o);
      return 8 + metaLen + raw.length;
    });
  }

  async flush(force = false): Promise<void> {
    // the builder flushes as it goes and a reader may flush at the same time (texts asked for during a load): one
    // flush at a time, so that each write lands where the file said it would
    const run = this.flushing.then(async () => {
      await this.texts.flush(force);
      await this.file.flush(force);
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private flushing: Promise<void> = Promise.resolve();

  async read(event: number): Promise<EventDetails | null> {
    await this.flush(true);
    const r = await this.record(event);
    if (!r) return null;
    const [conn, what, line, totalBytes, stored, storedFields, alone] = r.record;
    const decoded = describedBy(alone, r.raw);
    const fields = decoded ? (decoded.fields ?? null) : storedFields;
    const error = decoded ? (decoded.error ?? null) : stored;
    const view = decodedView(fields);
    return {
      event,
      title: `${what} on connection ${conn}`,
      fields: fieldRows(fields as Record<string, unknown> | undefined),
      ...(view ? { view } : {}),
      ...(error ? { error } : {}),
      bytes: new Uint8Array(r.raw),
      totalBytes,
      line,
    };
  }

  /** The texts of these events, in the same order ('' for an index past the model). */
  async readTexts(events: number[]): Promise<string[]> {
    await this.flush(true);
    const texts = await this.texts.read(events);
    // the texts not kept are made from the message's bytes
    await Promise.all(
      events.map(async (e, k) => {
        if (!this.texts.madeOnRead(e)) return;
        const r = await this.record(e);
        const d = r && describedBy(r.record[6], r.raw);
        texts[k] = d ? cut(d.summary, MAX_TEXT_CHARS) : '';
      }),
    );
    return texts;
  }

  /**
   * What the pairing text says of other events (the request an answer answers, the one that took it): each one's
   * key and one-line summary, in the order asked ('' and null for an index past the model).
   */
  async briefs(events: number[]): Promise<EventBrief[]> {
    const texts = await this.readTexts(events);
    return Promise.all(
      events.map(async (event, k) => {
        const r = await this.record(event);
        const stored = r?.record[7];
        const key = r && r.record[6] ? describedBy(r.record[6], r.raw)?.key : stored;
        return { event, key: typeof key === 'string' ? cut(key, MAX_KEY_CHARS) : null, text: texts[k] };
      }),
    );
  }

  /** One event's stored record and raw bytes (what has been flushed). */
  private async record(event: number): Promise<{ record: DetailsRecord; raw: Buffer } | null> {
    if (!Number.isInteger(event) || event < 0 || event >= this.count) return null;
    const at = this.offsets.get(event);
    const head = Buffer.alloc(8);
    await this.file.fh.read(head, 0, 8, at);
    const word = head.readUInt32LE(0);
    const metaLen = word & ~BINARY_META;
    const body = Buffer.alloc(metaLen + head.readUInt32LE(4));
    await this.file.fh.read(body, 0, body.length, at + 8);
    const record = word & BINARY_META ? aloneRecord(body) : (JSON.parse(body.toString('utf8', 0, metaLen)) as DetailsRecord);
    return { record, raw: body.subarray(metaLen) };
  }

  async dispose(): Promise<void> {
    await this.release();
    if (!this.owned) return;
    await this.released;
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Closes the files and leaves them: the spill was handed over, and its taker disposes of them. */
  async release(): Promise<void> {
    await this.texts.close();
    await this.file.close();
  }
}

/**
 * A finished spill file kept in the model cache: linked where both are on one file system (10M events are 840 MB of
 * details: a copy took seconds, and a reopen meanwhile built the model again), else copied (cloned where the file
 * system can). Nothing writes to a spill once it is saved, so the two names may share the file.
 */
async function keep(from: string, to: string): Promise<void> {
  await link(from, to).catch(() => copyFile(from, to, constants.COPYFILE_FICLONE));
}

interface SpillIndex {
  offsets: SavedOffsets;
  texts: TextIndex;
}

/** A spill as one thread hands it to another (handOver, take): plain data, for postMessage. */
export interface SpillHandle {
  dir: string;
  owned: boolean;
  index: SpillIndex;
}

interface TextIndex {
  ends: SavedOffsets;
  onRead: Uint8Array<ArrayBuffer>;
}

/** Event texts as UTF-8, one after another, and where each ends. */
class TextSpill {
  private ends = new Offsets();
  /** 1 for the events whose text is made on read (add(null)) */
  private onRead = new Uint8Array(1024);
  private count = 0;

  constructor(private readonly file: PooledFile) {}

  index(): TextIndex {
    return { ends: this.ends.save(), onRead: this.onRead.slice(0, this.count) };
  }

  static restore(file: PooledFile, index: TextIndex): TextSpill {
    const t = new TextSpill(file);
    t.ends = Offsets.restore(index.ends);
    t.onRead = index.onRead;
    t.count = t.ends.length;
    return t;
  }

  madeOnRead(i: number): boolean {
    return i >= 0 && i < this.count && this.onRead[i] === 1;
  }

  add(text: string | null): void {
    this.onRead = withRoom(this.onRead, this.count, (n) => new Uint8Array(n));
    if (text === null) this.onRead[this.count] = 1;
    // texts are cut to a few hundred characters: one always fits an empty pool
    const t = text ?? '';
    this.file.put(t.length * 3, (pool, at) => pool.write(t, at, 'utf8'));
    this.ends.push(this.file.end);
    this.count++;
  }

  flush(force: boolean): Promise<void> {
    return this.file.flush(force);
  }

  async read(events: number[]): Promise<string[]> {
    return Promise.all(
      events.map(async (i) => {
        if (!Number.isInteger(i) || i < 0 || i >= this.count) return '';
        const start = i > 0 ? this.ends.get(i - 1) : 0;
        const b = Buffer.alloc(this.ends.get(i) - start);
        if (b.length > 0) await this.file.fh.read(b, 0, b.length, start);
        return b.toString('utf8');
      }),
    );
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

/** Flattens decoded fields to [name, text] rows; long values are cut so a 10 MB argument stays a table cell. */
export function fieldRows(fields: Record<string, unknown> | null | undefined): Array<[string, string]> {
  if (!fields || typeof fields !== 'object') return [];
  const rows: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(fields)) {
    let text: string;
    if (typeof v === 'string') text = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) text = v.join('\n');
    else text = JSON.stringify(v) ?? String(v);
    rows.push([cut(k, 200), cut(text, MAX_FIELD_CHARS)]);
    if (rows.length >= 200) break;
  }
  return rows;
}

/**
 * Text for the webview, at most `max` characters. Bidirectional controls in it (hostile input) are shown as their
 * \u escapes, so they cannot reorder what is drawn around them.
 */
export function cut(s: string, max: number): string {
  const t = s.length > max ? `${s.slice(0, max - 1)}…` : s;
  return escapeChars(t, BIDI_CONTROLS);
}
