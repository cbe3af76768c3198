// A capture (tcpdump's pcap or pcapng) to a transcript: packets streamed in, TCP reassembled, events written with
// the capture's own times and in time order (the reassembler may release bytes held past a hole later than events of
// other connections; they wait here until nothing held can be older). The header names the protocol given, else
// "auto": each connection's protocol is guessed from its own first bytes and port when it is analysed, so a capture of
// a whole host (TLS on 443 beside MySQL on 3306) reads right. A capture cut short (tcpdump killed mid-write) imports
// every whole packet and ends with a `cut` event that says where. Never overwrites: the writer refuses an existing
// file, and a failed import removes the file it began. The capture may come from a stream (standard input) and the
// transcript go to one (standard output); a filter (filter.ts) keeps some hosts, ports and a time window.
import { rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { portOf } from '../address';
import { tellConnection } from '../protocols/detect';
import { TranscriptWriter } from '../transcript/writer';
import { maskingSink, type ImportMaskOptions } from './import-mask';
import { segmentOf } from './packet';
import { Reassembler, type ReassemblyStats } from './reassembly';
import { readCapture, type CaptureStream } from './records';
import { UserError } from '../errors';
import { describeFilter, segmentFilter, windowUs, type CaptureFilter } from './filter';
import { WindowCut } from './window';

export interface ImportOptions {
  /** a new file, or a stream (standard output) with the name it goes by in messages */
  out: string | { name: string; stream: Writable };
  protocol?: string;
  /** ports that mark the server side when a connection's handshake is not in the capture */
  serverPorts?: number[];
  /** mask secrets as the recording proxy does (import-mask.ts); default: every byte as captured */
  mask?: ImportMaskOptions;
  /** keep only these hosts, ports and this time window */
  filter?: CaptureFilter;
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
  /** TCP packets left out by the host and port filter */
  filtered: number;
  /** `cut` events written at the window's edges */
  windowCuts: number;
}

/** [t, order, c, k, fields]: order keeps events of one time in the order they were made */
type Pending = [number, number, number, string, Record<string, unknown>];

export async function importCapture(source: string | CaptureStream, opts: ImportOptions): Promise<ImportResult> {
  const file = typeof source === 'string' ? source : source.name;
  const out = typeof opts.out === 'string' ? opts.out : opts.out.name;
  const result = { packets: 0, skipped: 0, filtered: 0, windowCuts: 0 };
  const report: { cut: string | null } = { cut: null };
  const guesses = new ConnectionGuesses();
  const keep = opts.filter ? segmentFilter(opts.filter) : null;
  let firstUs: number | null = null;
  /** the capture time of the transcript's t = 0: the first packet, or the window's start if later */
  let originUs = 0;
  let window: { fromUs: number; toUs: number } = { fromUs: -Infinity, toUs: Infinity };
  let writer: TranscriptWriter | null = null;
  let cutter: WindowCut | null = null;
  let pending: Pending[] = [];
  let order = 0;
  let sorted = true;
  const sink = (tUs: number, c: number, k: string, fields: Record<string, unknown>) => {
    const t = tUs - originUs;
    if (pending.length > 0 && t < pending[pending.length - 1][0]) sorted = false;
    pending.push([t, order++, c, k, fields]);
  };
  const write = (t: number, c: number, k: string, fields: Record<string, unknown>) => {
    guesses.see(c, k, fields);
    (writer as TranscriptWriter).eventAt(t, c, k, fields);
  };
  /** writes every event no later than `upTo` (µs since the origin), in time order */
  const release = (upTo: number) => {
    if (pending.length === 0 || !writer) return;
    if (!sorted) {
      pending.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      sorted = true;
    }
    let n = 0;
    while (n < pending.length && pending[n][0] <= upTo) n++;
    for (let i = 0; i < n; i++) {
      const [t, , c, k, fields] = pending[i];
      if (cutter) cutter.take(t, c, k, fields);
      else write(t, c, k, fields);
    }
    pending = n === pending.length ? [] : pending.slice(n);
  };
  const midstream = new Set<number>();
  const reassembler = new Reassembler(
    opts.mask ? maskingSink(sink, midstream, opts.mask) : sink,
    new Set(opts.serverPorts ?? [3306, 5432, 6379, 27017, 7001, 11211, 80, 443, 8080]),
    midstream,
  );
  let lastUs = 0;
  try {
    for await (const rec of readCapture(source, report)) {
      result.packets++;
      if (firstUs === null) {
        if (!Number.isFinite(rec.tUs) || Number.isNaN(new Date(rec.tUs / 1000).getTime())) {
          throw new UserError(`${file}: the first packet's time (${rec.tUs} µs since 1970) is not a time this tool can place`);
        }
        firstUs = rec.tUs;
        if (opts.filter) window = windowUs(opts.filter, firstUs);
        originUs = Math.max(firstUs, window.fromUs);
        if (opts.filter?.from || opts.filter?.to) {
          cutter = new WindowCut(window.fromUs - originUs, window.toUs - originUs, { from: opts.filter.from?.text, to: opts.filter.to?.text }, write);
        }
        const header = {
          protocol: opts.protocol ?? 'auto',
          startedAt: new Date(originUs / 1000),
          source: { tool: 'incident-replay import', capture: file, ...(opts.filter ? { filter: describeFilter(opts.filter) } : {}) },
        };
        writer = typeof opts.out === 'string' ? await TranscriptWriter.create(opts.out, header) : TranscriptWriter.toStream(opts.out.stream, out, header);
      }
      lastUs = Math.max(lastUs, rec.tUs);
      // past the window's end with nothing held from before it: nothing more can fall inside (a live tcpdump ends here)
      if (rec.tUs > window.toUs && reassembler.oldestHeldUs() > window.toUs) break;
      const seg = segmentOf(rec.linkType, rec.data);
      if (!seg) {
        result.skipped++;
        continue;
      }
      if (keep && !keep(seg)) {
        result.filtered++;
        continue;
      }
      reassembler.push(rec.tUs, seg);
      reassembler.expire(rec.tUs);
      release(Math.min(reassembler.oldestHeldUs(), rec.tUs) - originUs);
      const w = writer as TranscriptWriter | null;
      if (w?.congested) await w.drained();
      if (w?.failure) throw cannotWrite(out, w.failure);
    }
    if (result.packets === 0 || !writer) throw new UserError(`${file}: the capture holds no packets`);
    reassembler.finish(lastUs);
    if (report.cut) sink(lastUs, 0, 'cut', { what: report.cut });
    release(Infinity);
    cutter?.finish(lastUs >= window.fromUs, lastUs > window.toUs);
    result.windowCuts = cutter?.cuts ?? 0;
    if (opts.filter && (cutter ? cutter.connections : reassembler.stats.connections) === 0) {
      throw new UserError(
        `${file}: no connection matches ${describeFilter(opts.filter)} (of ${result.packets} packets, ${result.filtered} were of other hosts or ports)`,
      );
    }
    await (writer as TranscriptWriter).close().catch((err: Error) => {
      throw cannotWrite(out, err);
    });
  } catch (err) {
    // a file begun is removed; a stream gets no closing line, so that what reads it knows it was cut
    if (writer && typeof opts.out === 'string') {
      await (writer as TranscriptWriter).close().catch(() => {});
      await rm(opts.out, { force: true });
    }
    throw err;
  }
  const connections = cutter ? cutter.connections : reassembler.stats.connections;
  return { file: out, protocol: opts.protocol ?? guesses.names(), ...result, ...reassembler.stats, connections, cut: report.cut };
}

/** The transcript could not be written (a full disk, a closed pipe): one line naming it, not a stack. */
function cannotWrite(out: string, err: Error): UserError {
  return new UserError(`${out}: cannot write (${(err as NodeJS.ErrnoException).code ?? err.message})`);
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
