// Which protocol decodes a transcript: the header's, when it names a known one; otherwise each connection's own,
// guessed from its first bytes each way and its server's port (a recording made with --protocol unknown, a capture
// of a whole host, a transcript written by another tool).
import { protocolByName, type Protocol } from '../protocols';
import type { TranscriptHeader } from '../transcript/format';
import type { PairingSummary } from './pairing';

export function headerProtocol(header: TranscriptHeader): { protocol: Protocol | null; serverPort: number | undefined; closingLine: boolean } {
  const target = typeof header.source?.target === 'string' ? header.source.target : '';
  const serverPort = Number(/:(\d+)$/.exec(target)?.[1]) || undefined;
  return { protocol: protocolByName(header.protocol) ?? null, serverPort, closingLine: header.closing === true };
}

/** The protocols guessed, for the report: "mysql", "mysql, tls", or "none" when no connection carried bytes. */
export function protocolsSeen(s: PairingSummary): string {
  const names = Object.keys(s.protocols);
  return names.length ? names.join(', ') : 'none';
}
