// The packet records of a capture file, streamed: classic pcap (µs or ns, either byte order) and pcapng (section,
// interface and enhanced/simple packet blocks, any timestamp resolution). A record is its time in µs since the
// epoch, its link type and its bytes. Whatever does not parse is a UserError naming the file and the byte offset. The
// bytes come from a file, or from a stream already open (standard input: `tcpdump -w - | … import -`).
import { createReadStream } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { UserError } from '../errors';

export interface PacketRecord {
  tUs: number;
  linkType: number;
  data: Buffer;
}

const MAX_RECORD = 64 * 1024 * 1024;

/** A capture read from a stream rather than a file: `name` stands for it in messages (`<stdin>`). */
export interface CaptureStream {
  name: string;
  stream: Readable;
}

/** The file ends in the middle of a record: tcpdump was killed, or the copy was cut short. */
class CutShort extends UserError {}

/** Reads exactly as the parser asks, across read chunks. */
class ByteSource {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Buffer>;
  offset = 0;
  constructor(source: string | Readable) {
    const stream = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
    this.it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }
  /** Stops reading (the caller stopped early): the file is closed. */
  async close(): Promise<void> {
    await this.it.return?.();
  }

  /** n bytes, or null at a clean end of file; throws on a file cut mid-record. */
  async take(n: number, what: string, file: string): Promise<Buffer | null> {
    while (this.buf.length < n) {
      let r: IteratorResult<Buffer>;
      try {
        r = await this.it.next();
      } catch (err) {
        throw new UserError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)}) at byte ${this.offset + this.buf.length}`);
      }
      if (r.done) {
        if (this.buf.length === 0) return null;
        throw new CutShort(`${file}: the capture ends in the middle of ${what} (byte ${this.offset + this.buf.length})`);
      }
      this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    this.offset += n;
    return out;
  }
}

/**
 * The records of a capture. A file cut in the middle of a record (tcpdump killed mid-write) yields every whole record
 * before the cut and says where it was cut in `report.cut`; a file cut before its first record is an error.
 */
export async function* readCapture(source: string | CaptureStream, report: { cut: string | null } = { cut: null }): AsyncGenerator<PacketRecord> {
  let records = 0;
  try {
    for await (const r of records0(source)) {
      records++;
      yield r;
    }
  } catch (err) {
    if (!(err instanceof CutShort) || records === 0) throw err;
    report.cut = `${err.message}: ${records} whole packets read before the cut`;
  }
}

/** A capture must be a readable regular file: a FIFO or a device would block on open with nobody writing. */
async function checkFile(file: string): Promise<void> {
  let kind: string | null = null;
  try {
    const st = await stat(file);
    if (st.isDirectory()) kind = 'a directory';
    else if (st.isFIFO()) kind = 'a FIFO';
    else if (!st.isFile()) kind = 'not a regular file';
    if (!kind) await access(file, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable (permission denied)' : `cannot read (${code ?? String(err)})`}`,
    );
  }
  if (kind) throw new UserError(`${file}: ${kind}, not a capture file (write the capture to a file: tcpdump -w FILE)`);
}

async function* records0(source: string | CaptureStream): AsyncGenerator<PacketRecord> {
  const file = typeof source === 'string' ? source : source.name;
  if (typeof source === 'string') await checkFile(source);
  const src = new ByteSource(typeof source === 'string' ? source : source.stream);
  try {
    yield* recordsOf(file, src);
  } finally {
    // a reader that stops early (an import past its window) leaves no file open
    await src.close();
  }
}

async function* recordsOf(file: string, src: ByteSource): AsyncGenerator<PacketRecord> {
  const head = await src.take(4, 'the file header', file);
  if (!head) throw new UserError(`${file}: the capture is empty`);
  const magicLE = head.readUInt32LE(0);
  if (magicLE === 0x0a0d0d0a) {
    yield* pcapng(file, src, head);
    return;
  }
  const kinds: Record<number, { le: boolean; ns: boolean }> = {
    0xa1b2c3d4: { le: true, ns: false },
    0xd4c3b2a1: { le: false, ns: false },
    0xa1b23c4d: { le: true, ns: true },
    0x4d3cb2a1: { le: false, ns: true },
  };
  const kind = kinds[magicLE];
  if (!kind) throw new UserError(`${file}: not a pcap or pcapng capture (magic 0x${magicLE.toString(16).padStart(8, '0')})`);
  const rest = await src.take(20, 'the pcap header', file);
  if (!rest) throw new UserError(`${file}: the pcap header is cut short`);
  const u32 = (b: Buffer, at: number) => (kind.le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const linkType = u32(rest, 16) & 0xffff;
  for (;;) {
    const rh = await src.take(16, 'a packet header', file);
    if (!rh) return;
    const sec = u32(rh, 0);
    const frac = u32(rh, 4);
    const len = u32(rh, 8);
    if (len > MAX_RECORD) throw new UserError(`${file}: a packet of ${len} bytes at byte ${src.offset - 16}: the file is damaged`);
    const data = await src.take(len, 'a packet', file);
    if (!data) throw new CutShort(`${file}: the capture ends in the middle of a packet (byte ${src.offset})`);
    yield { tUs: sec * 1e6 + (kind.ns ? Math.floor(frac / 1000) : frac), linkType, data };
  }
}

interface Iface {
  linkType: number;
  /** timestamp units per second */
  unitsPerSec: bigint;
}

async function* pcapng(file: string, src: ByteSource, first: Buffer): AsyncGenerator<PacketRecord> {
  let le = true;
  let ifaces: Iface[] = [];
  let lastUs = 0;
  let typeBytes: Buffer | null = first;
  for (;;) {
    const at = src.offset - (typeBytes ? 4 : 0);
    const type = typeBytes ?? (await src.take(4, 'a block type', file));
    typeBytes = null;
    if (!type) return;
    const lenBytes = await src.take(4, 'a block length', file);
    if (!lenBytes) throw new CutShort(`${file}: a block at byte ${at} is cut short`);
    if (type.readUInt32LE(0) === 0x0a0d0d0a) {
      // a section header: its byte-order magic says how to read the rest of the section
      const bom = await src.take(4, 'a section header', file);
      if (!bom) throw new UserError(`${file}: a section header at byte ${at} is cut short`);
      le = bom.readUInt32LE(0) === 0x1a2b3c4d;
      if (!le && bom.readUInt32BE(0) !== 0x1a2b3c4d) throw new UserError(`${file}: a section header at byte ${at} has no byte-order magic`);
      const total = le ? lenBytes.readUInt32LE(0) : lenBytes.readUInt32BE(0);
      if (total < 28 || total > MAX_RECORD) throw new UserError(`${file}: a section header at byte ${at} says it is ${total} bytes`);
      await src.take(total - 12, 'a section header', file);
      ifaces = [];
      continue;
    }
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const btype = u32(type, 0);
    const total = u32(lenBytes, 0);
    if (total < 12 || total % 4 !== 0 || total > MAX_RECORD)
      throw new UserError(`${file}: a block at byte ${at} says it is ${total} bytes: the file is damaged`);
    const body = await src.take(total - 8, 'a block', file);
    if (!body) throw new CutShort(`${file}: a block at byte ${at} is cut short`);
    if (btype === 1) {
      ifaces.push({ linkType: le ? body.readUInt16LE(0) : body.readUInt16BE(0), unitsPerSec: tsResolution(body.subarray(8, body.length - 4), le) });
    } else if (btype === 6) {
      const iface = ifaces[u32(body, 0)];
      if (!iface) throw new UserError(`${file}: a packet at byte ${at} names interface ${u32(body, 0)}, which was never described`);
      const units = (BigInt(u32(body, 4)) << 32n) | BigInt(u32(body, 8));
      lastUs = Number((units * 1_000_000n) / iface.unitsPerSec);
      const caplen = u32(body, 12);
      if (20 + caplen > body.length) throw new UserError(`${file}: a packet at byte ${at} is longer than its block`);
      yield { tUs: lastUs, linkType: iface.linkType, data: body.subarray(20, 20 + caplen) };
    } else if (btype === 3) {
      // a simple packet block has no time: it takes the last one seen
      const iface = ifaces[0];
      if (!iface) throw new UserError(`${file}: a packet at byte ${at} comes before any interface`);
      const orig = u32(body, 0);
      yield { tUs: lastUs, linkType: iface.linkType, data: body.subarray(4, 4 + Math.min(orig, body.length - 8)) };
    }
    // other blocks (name resolution, statistics, custom) carry no packets
  }
}

/** The if_tsresol option: 10^-n seconds, or 2^-n when the top bit is set; µs when absent. */
function tsResolution(options: Buffer, le: boolean): bigint {
  let o = 0;
  while (o + 4 <= options.length) {
    const code = le ? options.readUInt16LE(o) : options.readUInt16BE(o);
    const len = le ? options.readUInt16LE(o + 2) : options.readUInt16BE(o + 2);
    if (code === 0) break;
    if (code === 9 && len >= 1) {
      const v = options[o + 4];
      return v & 0x80 ? 1n << BigInt(v & 0x7f) : 10n ** BigInt(v);
    }
    o += 4 + Math.ceil(len / 4) * 4;
  }
  return 1_000_000n;
}
