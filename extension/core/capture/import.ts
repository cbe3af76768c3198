// A capture (tcpdump's pcap or pcapng) to a transcript: packets streamed in, TCP reassembled, events written with
// the capture's own times. The protocol is the one given, else guessed from the first bytes each way and the
// server's port. Never overwrites: the transcript writer refuses an existing file.
import { detectProtocol } from '../protocols/detect';
import { TranscriptWriter } from '../transcript/writer';
import { segmentOf } from './packet';
import { Reassembler, type ReassemblyStats } from './reassembly';
import { readCapture } from './records';
import { UserError } from '../errors';

export interface ImportOptions {
  out: string;
  protocol?: string;
  /** ports that mark the server side when a connection's handshake is not in the capture */
  serverPorts?: number[];
}

export interface ImportResult extends ReassemblyStats {
  file: string;
  protocol: string;
  packets: number;
  /** packets that were not TCP over IP (ARP, UDP, fragments, other link types) */
  skipped: number;
}

type Pending = [number, number, string, Record<string, unknown>];

/** Events are held until the protocol is known (the first bytes each way, or this many events), then streamed. */
const DETECT_WINDOW = 5000;

export async function importCapture(file: string, opts: ImportOptions): Promise<ImportResult> {
  let writer: TranscriptWriter | null = null;
  let firstUs: number | null = null;
  let held: Pending[] = [];
  let firstC2S: Buffer | undefined;
  let firstS2C: Buffer | undefined;
  let serverPort: number | undefined;
  let protocol = opts.protocol;
  const result = { packets: 0, skipped: 0 };

  const start = async (): Promise<void> => {
    protocol ??= detectProtocol({ firstC2S, firstS2C, port: serverPort }) ?? 'unknown';
    writer = await TranscriptWriter.create(opts.out, {
      protocol,
      startedAt: new Date((firstUs ?? 0) / 1000),
      source: { tool: 'incident-replay import', capture: file },
    });
    for (const [t, c, k, f] of held) writer.eventAt(t, c, k, f);
    held = [];
  };
  const sink = (tUs: number, c: number, k: string, fields: Record<string, unknown>) => {
    const t = tUs - (firstUs ?? tUs);
    if (writer) {
      writer.eventAt(t, c, k, fields);
      return;
    }
    held.push([t, c, k, fields]);
    if (k === 'open' && serverPort === undefined) serverPort = Number(/:(\d+)$/.exec(String(fields.server))?.[1]);
    if (k === 'c2s') firstC2S ??= Buffer.from(String(fields.d), fields.e === 'base64' ? 'base64' : 'utf8');
    if (k === 's2c') firstS2C ??= Buffer.from(String(fields.d), fields.e === 'base64' ? 'base64' : 'utf8');
  };
  const reassembler = new Reassembler(sink, new Set(opts.serverPorts ?? [3306, 5432, 6379, 27017, 7001, 11211, 80, 443, 8080]));
  let lastUs = 0;
  for await (const rec of readCapture(file)) {
    result.packets++;
    firstUs ??= rec.tUs;
    lastUs = rec.tUs;
    const seg = segmentOf(rec.linkType, rec.data);
    if (!seg) {
      result.skipped++;
      continue;
    }
    reassembler.push(rec.tUs, seg);
    if (!writer && ((firstC2S && firstS2C) || held.length >= DETECT_WINDOW)) await start();
    const w = writer as TranscriptWriter | null;
    if (w?.congested) await w.drained();
  }
  if (result.packets === 0) throw new UserError(`${file}: the capture holds no packets`);
  reassembler.finish(lastUs);
  if (!writer) await start();
  await (writer as unknown as TranscriptWriter).close();
  return { file: opts.out, protocol: protocol ?? 'unknown', ...result, ...reassembler.stats };
}
