// Which protocol decodes a transcript: the header's, when it names a known one; otherwise each connection's own,
// guessed from its first bytes each way and its server's port (a recording made with --protocol unknown, a capture
// of a whole host, a transcript written by another tool).
import { portOf } from '../address';
import { protocolByName, type Protocol } from '../protocols';
import type { TranscriptHeader } from '../transcript/format';
import type { PairingSummary } from './pairing';

export function headerProtocol(header: TranscriptHeader): { protocol: Protocol | null; serverPort: number | undefined; closingLine: boolean } {
  return { protocol: protocolByName(header.protocol) ?? null, serverPort: portOf(header.source?.target), closingLine: header.closing === true };
}

/** The protocols guessed, for the report: "mysql", "mysql, tls", or "none" when no connection carried bytes. */
export function protocolsSeen(s: PairingSummary): string {
  const names = Object.keys(s.protocols);
  return names.length ? names.join(', ') : 'none';
}
