// A capture (tcpdump's pcap or pcapng) to a transcript: packets streamed in, TCP reassembled, events written with
// the capture's own times and in time order (the reassembler may release bytes held past a hole later than events of
// other connections; they wait here until nothing held can be older). The header names the protocol given, else
// "auto": each connection's protocol is guessed from its own first bytes and port when it is analysed, so a capture of
// a whole host (TLS on 443 beside MySQL on 3306) reads right. A capture cut short (tcpdump killed mid-write) imports
// every whole packet and ends with a `cut` event that says where. Never overwrites: the writer refuses an existing
// file, and a failed import removes the file it began.
import { rm } from 'node:fs/promises';
import { portOf } from '../address';
import { tellConnection } from '../protocols/detect';
import { TranscriptWriter } from '../transcript/writer';
import { maskingSink, type ImportMaskOptions } from './import-mask';
import { segmentOf } from './packet';
import { Reassembler, type ReassemblyStats } from './reassembly';
import { readCapture } from './records';
import { UserError } from '../errors';

export interface ImportOptions {
  out: string;
  protocol?: string;
  /** ports that mark the server side when a connection's handshake is not in the capture */
  serverPorts?: number[];
  /** mask secrets as the recording proxy does (import-mask.ts); default: every byte as captured */
  mask?: ImportMaskOptions;
}

export interface ImportResult extends ReassemblyStats {
  file: string;
  /** the protocol given, or those guessed per connection ("mysql, postgres"; "unknown" where the bytes do not say) */
  protocol: string;
  packets: number;
  /** packets that were not TCP over IP (ARP, UDP, fragments, other link types) */
  skipped: number;
  /** where the capture was cut short, if it was */
  cut: string | null;
}

/** [t, order, c, k, fields]: order keeps events of one time in the order they were made */
type Pending = [number, number, number, string, Record<string, unknown>];

export async function importCapture(file: string, opts: ImportOptions): Promise<ImportResult> {
  const result = { packets: 0, skipped: 0 };
  const report: { cut: string | null } = { cut: null };
  const guesses = new ConnectionGuesses();
  let firstUs: number | null = null;
  let writer: TranscriptWriter | null = null;
  let pending: Pending[] = [];
  let order = 0;
  let sorted = true;
  const sink = (tUs: number, c: number, k: string, fields: Record<string, unknown>) => {
    const t = tUs - (firstUs ?? tUs);
    if (pending.length > 0 && t < pending[pending.length - 1][0]) sorted = false;
    pending.push([t, order++, c, k, fields]);
    guesses.see(c, k, fields);
  };
  /** writes every event no later than `upTo` (µs since the first packet), in time order */
  const release = (upTo: number) => {
    if (pending.length === 0 || !writer) return;
    if (!sorted) {
      pending.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      sorted = true;
    }
    let n = 0;
    while (n < pending.length && pending[n][0] <= upTo) n++;
    for (let i = 0; i < n; i++) writer.eventAt(pending[i][0], pending[i][2], pending[i][3], pending[i][4]);
    pending = n === pending.length ? [] : pending.slice(n);
  };
  const midstream = new Set<number>();
  const reassembler = new Reassembler(opts.mask ? maskingSink(sink, midstream, opts.mask) : sink, new Set(opts.serverPorts ?? [3306, 5432, 6379, 27017, 7001, 11211, 80, 443, 8080]), midstream);
  let lastUs = 0;
  try {
    for await (const rec of readCapture(file, report)) {
      result.packets++;
      if (firstUs === null) {
        if (!Number.isFinite(rec.tUs) || Number.isNaN(new Date(rec.tUs / 1000).getTime())) {
          throw new UserError(`${file}: the first packet's time (${rec.tUs} µs since 1970) is not a time this tool can place`);
        }
        firstUs = rec.tUs;
        writer = await TranscriptWriter.create(opts.out, {
          protocol: opts.protocol ?? 'auto',
          startedAt: new Date(firstUs / 1000),
          source: { tool: 'incident-replay import', capture: file },
        });
      }
      lastUs = Math.max(lastUs, rec.tUs);
      const seg = segmentOf(rec.linkType, rec.data);
      if (!seg) {
        result.skipped++;
        continue;
      }
      reassembler.push(rec.tUs, seg);
      reassembler.expire(rec.tUs);
      release(Math.min(reassembler.oldestHeldUs(), rec.tUs) - firstUs);
      const w = writer as TranscriptWriter | null;
      if (w?.congested) await w.drained();
    }
    if (result.packets === 0 || !writer) throw new UserError(`${file}: the capture holds no packets`);
    reassembler.finish(lastUs);
    if (report.cut) sink(lastUs, 0, 'cut', { what: report.cut });
    release(Infinity);
    await (writer as TranscriptWriter).close();
  } catch (err) {
    if (writer) {
      await (writer as TranscriptWriter).close().catch(() => {});
      await rm(opts.out, { force: true });
    }
    throw err;
  }
  return { file: opts.out, protocol: opts.protocol ?? guesses.names(), ...result, ...reassembler.stats, cut: report.cut };
}

/** Each connection's protocol as `analyze` will guess it, for the import's report. */
class ConnectionGuesses {
  private readonly first = new Map<number, { c2s?: Buffer; s2c?: Buffer; port?: number }>();
  see(c: number, k: string, fields: Record<string, unknown>): void {
    if (k !== 'open' && k !== 'c2s' && k !== 's2c') return;
    let f = this.first.get(c);
    if (!f) this.first.set(c, (f = {}));
    if (k === 'open') f.port = portOf(fields.server);
    else if (!f[k] && this.first.size <= 10_000) f[k] = Buffer.from(String(fields.d), fields.e === 'base64' ? 'base64' : 'utf8').subarray(0, 256);
  }
  names(): string {
    const names = new Set<string>();
    for (const f of this.first.values()) {
      if (!f.c2s && !f.s2c) continue;
      names.add(tellConnection({ firstC2S: f.c2s, firstS2C: f.s2c, port: f.port }, true) ?? 'unknown');
    }
    return names.size ? [...names].join(', ') : 'none';
  }
}
