// The binary sidecar of a transcript: the events the reader accepted, as the reader made them, in a compact binary
// form that a second reading takes without parsing any JSON. JSON Lines stays the interchange format; the sidecar
// is a cache, kept in a directory of the caller's (the CLI's cache directory, the extension's storage), named after
// the transcript's path and valid only for the size and modification time it was built from. It is written while a
// transcript is read to its end without a skipped line, and only ever replaces itself whole (a temporary file
// renamed), so a sidecar that exists is complete; one that is not valid is ignored and built again.
//
// Layout: MAGIC, a u32 length and the JSON of what it was built from (the transcript's size, mtime and header);
// then one record per event, [u8 kind][u32 c][f64 t][u32 line][u32 length][payload]: for a data event its wire
// bytes, for any other event the JSON of the event; then a record of kind END whose payload is the JSON of the
// reader's report. All numbers little-endian.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ReadDataEvent } from './fast-line';
import type { TranscriptEvent, TranscriptHeader } from './format';

const MAGIC = Buffer.from('IRSIDE02');
/** after the END record: a sidecar without it was cut short (a full disk), and is not read */
const FOOTER = Buffer.from('IRSIDEOK');
/** the reader's rules are part of what a sidecar holds: a change to them changes this, and old sidecars are rebuilt */
const READER_RULES = 1;
const HEAD = 21;
const enum Kind {
  other = 0,
  c2s = 1,
  s2c = 2,
  c2sBase64 = 3,
  s2cBase64 = 4,
  c2sUtf8 = 5,
  s2cUtf8 = 6,
  end = 255,
}

export interface SidecarOptions {
  /** where sidecars are kept */
  dir: string;
  /** transcripts smaller than this are read as they are (default 32 MiB): parsing them costs less than a file */
  minBytes?: number;
  /** the cache's size: past it the least recently read sidecars are removed (default 4 GiB) */
  maxBytes?: number;
}

/** Removes the least recently read sidecars of `dir` until what is left fits in maxBytes; `keep` stays whatever. */
export function evictSidecars(dir: string, maxBytes: number, keep: string): void {
  let files: { path: string; bytes: number; used: number }[];
  try {
    files = readdirSync(dir)
      .filter((n) => n.endsWith('.irside'))
      .map((n) => {
        const st = statSync(join(dir, n));
        return { path: join(dir, n), bytes: st.size, used: st.mtimeMs };
      });
  } catch {
    return;
  }
  let total = files.reduce((a, f) => a + f.bytes, 0);
  for (const f of files.sort((a, b) => a.used - b.used)) {
    if (total <= maxBytes) break;
    if (f.path === keep) continue;
    try {
      unlinkSync(f.path);
      total -= f.bytes;
    } catch {
      // another reader's, gone already
    }
  }
}

interface Built {
  rules: number;
  size: number;
  mtimeMs: number;
  header: TranscriptHeader;
}

/** What the reader reports at the end of a reading; the sidecar's last record. */
export interface SidecarReport {
  lines: number;
  truncatedLastLine: { line: number; bytes: number } | null;
}

export function sidecarPath(dir: string, transcript: string): string {
  const id = createHash('sha256').update(resolve(transcript)).digest('hex').slice(0, 32);
  return join(dir, `${id}.irside`);
}

/** Writes a sidecar as events are read; `finish` makes it visible, `abandon` removes what was written. */
export class SidecarWriter {
  private buf = Buffer.allocUnsafe(4 << 20);
  private used = 0;
  private done = false;

  private constructor(
    private readonly fd: number,
    private readonly tmp: string,
    private readonly path: string,
    private readonly maxBytes: number,
  ) {}

  /** null when the directory cannot be written: a cache that cannot be kept is not an error */
  static create(opts: SidecarOptions, transcript: string, size: number, mtimeMs: number, header: TranscriptHeader): SidecarWriter | null {
    const path = sidecarPath(opts.dir, transcript);
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    let fd: number;
    try {
      mkdirSync(opts.dir, { recursive: true });
      fd = openSync(tmp, 'w');
    } catch {
      return null;
    }
    const w = new SidecarWriter(fd, tmp, path, opts.maxBytes ?? 4 * 1024 ** 3);
    const built: Built = { rules: READER_RULES, size, mtimeMs, header };
    const json = Buffer.from(JSON.stringify(built));
    w.room(MAGIC.length + 4 + json.length);
    w.used += MAGIC.copy(w.buf, w.used);
    w.used = w.buf.writeUInt32LE(json.length, w.used);
    w.used += json.copy(w.buf, w.used);
    return w;
  }

  add(ev: TranscriptEvent, line: number): void {
    if (this.done) return;
    if (ev instanceof ReadDataEvent) {
      const k =
        ev.k === 'c2s'
          ? ev.e === 'base64'
            ? Kind.c2sBase64
            : ev.e === 'utf8'
              ? Kind.c2sUtf8
              : Kind.c2s
          : ev.e === 'base64'
            ? Kind.s2cBase64
            : ev.e === 'utf8'
              ? Kind.s2cUtf8
              : Kind.s2c;
      this.record(k, ev.c, ev.t, line, ev.bytes);
    } else {
      this.record(Kind.other, ev.c, ev.t, line, Buffer.from(JSON.stringify(ev)));
    }
  }

  finish(report: SidecarReport): void {
    if (this.done) return;
    this.record(Kind.end, 0, 0, 0, Buffer.from(JSON.stringify(report)));
    this.room(FOOTER.length);
    this.used += FOOTER.copy(this.buf, this.used);
    try {
      this.flush();
      closeSync(this.fd);
      renameSync(this.tmp, this.path);
      this.done = true;
      evictSidecars(dirname(this.path), this.maxBytes, this.path);
    } catch {
      this.abandon();
    }
  }

  abandon(): void {
    if (this.done) return;
    this.done = true;
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      /* never made */
    }
  }

  private record(kind: Kind, c: number, t: number, line: number, payload: Buffer): void {
    this.room(HEAD + payload.length);
    const b = this.buf;
    let o = this.used;
    b[o] = kind;
    o = b.writeUInt32LE(c >>> 0, o + 1);
    o = b.writeDoubleLE(t, o);
    o = b.writeUInt32LE(line >>> 0, o);
    o = b.writeUInt32LE(payload.length, o);
    if (payload.length > b.length - o) {
      // a payload past the buffer goes straight to the file
      this.used = o;
      this.flushTo(payload);
      return;
    }
    this.used = o + payload.copy(b, o);
  }

  private room(n: number): void {
    if (this.buf.length - this.used < Math.min(n, this.buf.length)) this.flush();
  }

  private flushTo(payload: Buffer): void {
    this.flush();
    try {
      for (let o = 0; o < payload.length;) o += writeSync(this.fd, payload, o);
    } catch {
      this.abandon();
    }
  }

  private flush(): void {
    try {
      for (let o = 0; o < this.used;) o += writeSync(this.fd, this.buf, o, this.used - o);
    } catch {
      this.abandon();
    }
    this.used = 0;
  }
}

export interface SidecarReading {
  header: TranscriptHeader;
  /** the events a chunk at a time, with the line each came from; the report arrives with the end */
  batches: AsyncGenerator<{ events: TranscriptEvent[]; lines: number[] }, SidecarReport | null>;
}

/** Opens the sidecar of a transcript of this size and mtime, or null when there is none valid for it. */
export async function openSidecar(opts: SidecarOptions, transcript: string, size: number, mtimeMs: number): Promise<SidecarReading | null> {
  let fh: FileHandle;
  try {
    fh = await open(sidecarPath(opts.dir, transcript), 'r');
  } catch {
    return null;
  }
  // read now: the last to go when the cache is trimmed
  const now = new Date();
  try {
    utimesSync(sidecarPath(opts.dir, transcript), now, now);
  } catch {
    // read-only cache: it is still read
  }
  try {
    const head = Buffer.alloc(MAGIC.length + 4);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    if (bytesRead < head.length || !head.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a sidecar');
    const n = head.readUInt32LE(MAGIC.length);
    if (n > 1 << 24) throw new Error('not a sidecar');
    const json = Buffer.alloc(n);
    if ((await fh.read(json, 0, n, head.length)).bytesRead < n) throw new Error('cut');
    const built = JSON.parse(json.toString('utf8')) as Built;
    if (built.rules !== READER_RULES || built.size !== size || built.mtimeMs !== mtimeMs) throw new Error('stale');
    const end = (await fh.stat()).size - FOOTER.length;
    const foot = Buffer.alloc(FOOTER.length);
    if (end < head.length + n || (await fh.read(foot, 0, foot.length, end)).bytesRead < foot.length || !foot.equals(FOOTER)) throw new Error('cut');
    return { header: built.header, batches: records(fh, head.length + n) };
  } catch {
    await fh.close();
    return null;
  }
}

async function* records(fh: FileHandle, from: number): AsyncGenerator<{ events: TranscriptEvent[]; lines: number[] }, SidecarReport | null> {
  const CHUNK = 1 << 20;
  let buf = Buffer.allocUnsafe(CHUNK);
  let have = 0;
  let pos = from;
  try {
    for (;;) {
      const r = await fh.read(buf, have, buf.length - have, pos);
      pos += r.bytesRead;
      have += r.bytesRead;
      const events: TranscriptEvent[] = [];
      const lines: number[] = [];
      let o = 0;
      let report: SidecarReport | null = null;
      while (have - o >= HEAD) {
        const len = buf.readUInt32LE(o + 17);
        if (have - o < HEAD + len) break;
        const kind = buf[o];
        const c = buf.readUInt32LE(o + 1);
        const t = buf.readDoubleLE(o + 5);
        const line = buf.readUInt32LE(o + 13);
        const p = o + HEAD;
        o = p + len;
        if (kind === Kind.end) {
          report = JSON.parse(buf.toString('utf8', p, p + len)) as SidecarReport;
          break;
        }
        let ev: TranscriptEvent;
        if (kind === Kind.other) ev = JSON.parse(buf.toString('utf8', p, p + len)) as TranscriptEvent;
        else {
          // a copy: a view would keep the whole chunk alive as long as a session holds the message
          const bytes = Buffer.allocUnsafe(len);
          buf.copy(bytes, 0, p, p + len);
          const dir = kind === Kind.c2s || kind === Kind.c2sBase64 || kind === Kind.c2sUtf8 ? 'c2s' : 's2c';
          const e = kind === Kind.c2sBase64 || kind === Kind.s2cBase64 ? 'base64' : kind === Kind.c2sUtf8 || kind === Kind.s2cUtf8 ? 'utf8' : undefined;
          ev = new ReadDataEvent(t, c, dir, bytes, e);
        }
        events.push(ev);
        lines.push(line);
      }
      if (events.length > 0) yield { events, lines };
      if (report) return report;
      if (r.bytesRead === 0) return null; // cut short: the caller reads the transcript instead
      // keep the partial record; grow for one longer than the buffer
      const rest = have - o;
      const need = rest >= HEAD ? HEAD + buf.readUInt32LE(o + 17) : HEAD;
      const next = need > buf.length ? Buffer.allocUnsafe(need) : buf;
      buf.copy(next, 0, o, have);
      buf = next;
      have = rest;
    }
  } finally {
    await fh.close();
  }
}
