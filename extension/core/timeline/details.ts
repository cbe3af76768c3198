// The details of every timeline event (decoded fields, raw bytes) spilled to a temporary file while the model is
// built, so the webview can ask for one event's details on demand without the host keeping a million objects.
// A record is [u32 metaBytes][u32 rawBytes][meta JSON][raw bytes]; raw bytes are capped at DETAILS_MAX_BYTES.
// Records are written into a pooled buffer and the file in large writes: a million events cost one pass.
import { BIDI_CONTROLS, escapeChars } from '../shown-safe';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodedView } from './decoded-view';
import { DETAILS_MAX_BYTES, type EventDetails } from './model';

/**
 * What is stored per event, cheap to write: [connection, what ("request #3", "fault", …), transcript line, total
 * bytes, decoding error or null, decoded fields or the event's own fields]. The title and table are made on read.
 */
export type DetailsRecord = [conn: number, what: string, line: number, totalBytes: number, error: string | null, fields: unknown];

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

  private constructor(private readonly dir: string, private readonly fh: FileHandle) {}

  static async create(): Promise<DetailsSpill> {
    const dir = await mkdtemp(join(tmpdir(), 'incident-replay-details-'));
    const fh = await open(join(dir, 'details.bin'), 'w+');
    return new DetailsSpill(dir, fh);
  }

  get events(): number {
    return this.count;
  }

  /** Appends the details of the next event (events are added in index order). Call flush() now and then. */
  add(record: DetailsRecord, raw: Uint8Array | null): void {
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
    if (!force && this.big.length === 0) return;
    this.cutPool();
    const parts = this.big;
    this.big = [];
    for (const b of parts) {
      await this.fh.write(b, 0, b.length, this.written);
      this.written += b.length;
    }
  }

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
    const [conn, what, line, totalBytes, error, fields] = JSON.parse(body.toString('utf8', 0, metaLen)) as DetailsRecord;
    const bytes = new Uint8Array(body.buffer, body.byteOffset + metaLen, rawLen).slice();
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

  async dispose(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
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

