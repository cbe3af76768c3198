// The details of every timeline event (decoded fields, raw bytes) spilled to a temporary file while the model is
// built, so the webview can ask for one event's details on demand without the host keeping a million objects. Each
// event's text (its one-line summary) goes to a second file, so the webview can ask for the texts of the events it
// labels (a few hundred at a time) without the model carrying a million strings.
// A record is [u32 metaBytes][u32 rawBytes][meta JSON][raw bytes]; raw bytes are capped at DETAILS_MAX_BYTES.
// Records are written into a pooled buffer and the file in large writes: a million events cost one pass.
import { BIDI_CONTROLS, escapeChars } from '../shown-safe';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodedView } from './decoded-view';
import { protocolByName } from '../protocols';
import type { Decoded } from '../protocols/types';
import { DETAILS_MAX_BYTES, MAX_TEXT_CHARS, type EventDetails } from './model';

/**
 * What is stored per event, cheap to write: [connection, what ("request #3", "fault", …), transcript line, total
 * bytes, decoding error or null, decoded fields or the event's own fields]. The title and table are made on read.
 */
export type DetailsRecord = [conn: number, what: string, line: number, totalBytes: number, error: string | null, fields: unknown, alone?: string];

/** A record's `alone`: the protocol that decodes the message from its stored bytes, and the direction. */
function describedBy(alone: string | undefined, bytes: Buffer): Decoded | null {
  if (!alone) return null;
  const [name, dir] = alone.split('/');
  const p = protocolByName(name);
  return p?.describe && (dir === 'c2s' || dir === 's2c') ? p.describe(dir, bytes) : null;
}

const POOL_BYTES = 1 << 20;
const MAX_META_CHARS = 256 * 1024;
const MAX_FIELD_CHARS = 2000;

export class DetailsSpill {
  private offsets = new Float64Array(1024);
  private count = 0;
  private written = 0;
  private pool = Buffer.allocUnsafe(POOL_BYTES);
  private used = 0;
  private big: Buffer[] = [];

  private constructor(private readonly dir: string, private readonly fh: FileHandle, private readonly texts: TextSpill) {}

  static async create(): Promise<DetailsSpill> {
    const dir = await mkdtemp(join(tmpdir(), 'incident-replay-details-'));
    const fh = await open(join(dir, 'details.bin'), 'w+');
    const texts = await open(join(dir, 'texts.bin'), 'w+');
    return new DetailsSpill(dir, fh, new TextSpill(texts));
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
      meta = JSON.stringify([record[0], record[1], record[2], record[3], record[4], Object.fromEntries(fieldRows(record[5] as Record<string, unknown>))]);
    }
    const rawLen = raw ? Math.min(raw.length, DETAILS_MAX_BYTES) : 0;
    if (this.count === this.offsets.length) {
      const grown = new Float64Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    const need = 8 + meta.length * 3 + rawLen;
    if (need > POOL_BYTES) {
      const metaBuf = Buffer.from(meta, 'utf8');
      const b = Buffer.allocUnsafe(8 + metaBuf.length + rawLen);
      b.writeUInt32LE(metaBuf.length, 0);
      b.writeUInt32LE(rawLen, 4);
      metaBuf.copy(b, 8);
      if (raw && rawLen) b.set(raw.subarray(0, rawLen), 8 + metaBuf.length);
      this.cutPool();
      this.offsets[this.count++] = this.written + this.pendingBytes();
      this.big.push(b);
      return;
    }
    if (this.used + need > POOL_BYTES) this.cutPool();
    this.offsets[this.count++] = this.written + this.pendingBytes();
    const at = this.used;
    const metaLen = this.pool.write(meta, at + 8, 'utf8');
    this.pool.writeUInt32LE(metaLen, at);
    this.pool.writeUInt32LE(rawLen, at + 4);
    if (raw && rawLen) this.pool.set(raw.subarray(0, rawLen), at + 8 + metaLen);
    this.used = at + 8 + metaLen + rawLen;
  }

  private pendingBytes(): number {
    return this.big.reduce((n, b) => n + b.length, 0) + this.used;
  }

  /** Moves the filled part of the pool to the write queue and starts a new pool. */
  private cutPool(): void {
    if (this.used === 0) return;
    this.big.push(this.pool.subarray(0, this.used));
    this.pool = Buffer.allocUnsafe(POOL_BYTES);
    this.used = 0;
  }

  /** Writes what is buffered once enough has gathered (or always, with force). */
  async flush(force = false): Promise<void> {
    // the builder flushes as it goes and a reader may flush at the same time (texts asked for during a load): one
    // flush at a time, so that each write lands where `written` said
    const run = this.flushing.then(async () => {
      await this.texts.flush(force);
      if (!force && this.big.length === 0) return;
      this.cutPool();
      const parts = this.big;
      this.big = [];
      for (const b of parts) {
        await this.fh.write(b, 0, b.length, this.written);
        this.written += b.length;
      }
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private flushing: Promise<void> = Promise.resolve();

  async read(event: number): Promise<EventDetails | null> {
    if (!Number.isInteger(event) || event < 0 || event >= this.count) return null;
    await this.flush(true);
    const at = this.offsets[event];
    const head = Buffer.alloc(8);
    await this.fh.read(head, 0, 8, at);
    const metaLen = head.readUInt32LE(0);
    const rawLen = head.readUInt32LE(4);
    const body = Buffer.alloc(metaLen + rawLen);
    await this.fh.read(body, 0, body.length, at + 8);
    const [conn, what, line, totalBytes, stored, storedFields, alone] = JSON.parse(body.toString('utf8', 0, metaLen)) as DetailsRecord;
    const bytes = new Uint8Array(body.buffer, body.byteOffset + metaLen, rawLen).slice();
    const decoded = describedBy(alone, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    const fields = decoded ? (decoded.fields ?? null) : storedFields;
    const error = decoded ? (decoded.error ?? null) : stored;
    const view = decodedView(fields);
    return {
      event,
      title: `${what} on connection ${conn}`,
      fields: fieldRows(fields as Record<string, unknown> | undefined),
      ...(view ? { view } : {}),
      ...(error ? { error } : {}),
      bytes,
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

  /** One event's stored record and raw bytes. */
  private async record(event: number): Promise<{ record: DetailsRecord; raw: Buffer } | null> {
    if (!Number.isInteger(event) || event < 0 || event >= this.count) return null;
    const at = this.offsets[event];
    const head = Buffer.alloc(8);
    await this.fh.read(head, 0, 8, at);
    const metaLen = head.readUInt32LE(0);
    const body = Buffer.alloc(metaLen + head.readUInt32LE(4));
    await this.fh.read(body, 0, body.length, at + 8);
    return { record: JSON.parse(body.toString('utf8', 0, metaLen)) as DetailsRecord, raw: body.subarray(metaLen) };
  }

  async dispose(): Promise<void> {
    await this.texts.close();
    await this.fh.close().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Event texts as UTF-8, one after another, and where each ends. */
class TextSpill {
  private ends = new Float64Array(1024);
  private count = 0;
  private written = 0;
  private pool = Buffer.allocUnsafe(POOL_BYTES);
  private used = 0;
  private queued: Buffer[] = [];

  constructor(private readonly fh: FileHandle) {}

  /** 1 for the events whose text is made on read (add(null)) */
  private onRead = new Uint8Array(1024);

  madeOnRead(i: number): boolean {
    return i >= 0 && i < this.count && this.onRead[i] === 1;
  }

  add(text: string | null): void {
    if (this.count === this.ends.length) {
      const grown = new Float64Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
      const marks = new Uint8Array(this.onRead.length * 2);
      marks.set(this.onRead);
      this.onRead = marks;
    }
    if (text === null) {
      this.onRead[this.count] = 1;
      text = '';
    }
    // texts are cut to a few hundred characters: one always fits an empty pool
    if (this.used + text.length * 3 > POOL_BYTES) this.cut();
    const n = this.pool.write(text, this.used, 'utf8');
    this.used += n;
    this.ends[this.count] = (this.count > 0 ? this.ends[this.count - 1] : 0) + n;
    this.count++;
  }

  private cut(): void {
    if (this.used === 0) return;
    this.queued.push(this.pool.subarray(0, this.used));
    this.pool = Buffer.allocUnsafe(POOL_BYTES);
    this.used = 0;
  }

  async flush(force: boolean): Promise<void> {
    if (force) this.cut();
    const parts = this.queued;
    this.queued = [];
    for (const b of parts) {
      await this.fh.write(b, 0, b.length, this.written);
      this.written += b.length;
    }
  }

  async read(events: number[]): Promise<string[]> {
    return Promise.all(
      events.map(async (i) => {
        if (!Number.isInteger(i) || i < 0 || i >= this.count) return '';
        const start = i > 0 ? this.ends[i - 1] : 0;
        const b = Buffer.alloc(this.ends[i] - start);
        if (b.length > 0) await this.fh.read(b, 0, b.length, start);
        return b.toString('utf8');
      }),
    );
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
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

