// Which protocol decodes a transcript: the header's, when it names a known one; otherwise guessed from the first
// bytes each way and the target's port (a recording made with --protocol unknown, or by another tool).
import { detectProtocol } from '../protocols/detect';
import { protocolByName, protocolNames, type Protocol } from '../protocols';
import { eventBytes, type DataEvent, type TranscriptHeader } from '../transcript/format';
import { openTranscript, TranscriptError } from '../transcript/reader';

const SCAN_EVENTS = 10000;

export async function protocolOf(file: string, header: TranscriptHeader, lenient: boolean): Promise<Protocol> {
  const named = protocolByName(header.protocol);
  if (named) return named;
  const target = typeof header.source?.target === 'string' ? header.source.target : '';
  const port = Number(/:(\d+)$/.exec(target)?.[1]) || undefined;
  let firstC2S: Buffer | undefined;
  let firstS2C: Buffer | undefined;
  const t = await openTranscript(file, { lenient });
  let seen = 0;
  scan: for await (const b of t.batches) {
    for (const ev of b.events) {
      if (++seen > SCAN_EVENTS) break scan;
      if (ev.k === 'c2s') firstC2S ??= eventBytes(ev as DataEvent);
      if (ev.k === 's2c') firstS2C ??= eventBytes(ev as DataEvent);
      if (firstC2S && firstS2C) break scan;
    }
  }
  await t.batches.return(undefined);
  const guess = detectProtocol({ firstC2S, firstS2C, port });
  const p = guess ? protocolByName(guess) : undefined;
  if (!p) {
    throw new TranscriptError(file, 1, `the protocol "${header.protocol}" is not one this tool decodes (${protocolNames().join(', ')}), and the first bytes do not say which it is`);
  }
  return p;
}
