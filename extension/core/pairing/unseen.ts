// What pairing could not judge, and the verdict that follows: `clean` only when every part of the traffic was seen
// and judged, `mismatch` when a response reached the wrong request, `inconclusive` when no mismatch was found in what
// could be judged but part of the traffic could not be (nothing decoded, undecodable messages, capture gaps, TLS, a
// protocol this tool does not decode, a refused target, a cut recording, a give-up whose outcome was not seen).

/** What the transcript reader noticed (its ReadReport's fields), by shape: the webview imports this file, and no Node types */
export interface ReadNotes {
  skipped: number;
  truncatedLastLine: { line: number } | null;
}

export type Verdict = 'clean' | 'mismatch' | 'inconclusive';

/** Exit status of `analyze` and `check` for each verdict (2 is bad input). */
export const VERDICT_EXIT: Record<Verdict, number> = { clean: 0, mismatch: 1, inconclusive: 3 };

export interface Unseen {
  /** connections whose protocol could not be told, and their bytes */
  unknownConnections: number;
  unknownBytes: number;
  /** connections that spoke TLS (from the start, or after an upgrade), and the encrypted bytes */
  encryptedConnections: number;
  encryptedBytes: number;
  /** bytes the capture lost, in how many gaps */
  gaps: number;
  gapBytes: number;
  /** requests in flight at a gap: whether and what they were answered is unknown */
  unknownRequests: number;
  /** bytes after a gap skipped until a message could begin again */
  skippedBytes: number;
  /** connections the target refused */
  refused: number;
  /** answers the client may have taken for another request: it gave up and kept the connection, and what it did next was not seen */
  suspected: number;
  /** where the capture or recording was cut short, in words, if it was */
  cut: string | null;
  /** bytes the recorder relayed but says it could not write */
  lostBytes: number;
}

export function noUnseen(): Unseen {
  return {
    unknownConnections: 0,
    unknownBytes: 0,
    encryptedConnections: 0,
    encryptedBytes: 0,
    gaps: 0,
    gapBytes: 0,
    unknownRequests: 0,
    skippedBytes: 0,
    refused: 0,
    suspected: 0,
    cut: null,
    lostBytes: 0,
  };
}

export interface Judged {
  requests: number;
  responses: number;
  undecoded: number;
  findings: { mismatch: number };
  unseen: Unseen;
}

/** The verdict, and in words each part of the traffic that could not be judged. */
export function verdictOf(s: Judged, read?: ReadNotes): { verdict: Verdict; notJudged: string[] } {
  const u = s.unseen;
  const out: string[] = [];
  if (s.requests === 0 && s.responses === 0) out.push('no request or response could be decoded');
  if (s.undecoded > 0) out.push(`${s.undecoded} ${plural(s.undecoded, 'message')} could not be decoded`);
  if (u.gaps > 0) {
    out.push(
      `${u.gaps} ${plural(u.gaps, 'gap')} in the capture (${u.gapBytes} bytes lost): ${u.unknownRequests} ${plural(u.unknownRequests, 'request')} in flight there could not be paired, ${u.skippedBytes} bytes after ${u.gaps === 1 ? 'it' : 'them'} skipped`,
    );
  }
  if (u.encryptedConnections > 0)
    out.push(`${u.encryptedConnections} ${plural(u.encryptedConnections, 'connection')} encrypted (TLS): ${u.encryptedBytes} bytes unseen`);
  if (u.unknownConnections > 0)
    out.push(`${u.unknownConnections} ${plural(u.unknownConnections, 'connection')} in a protocol this tool does not decode (${u.unknownBytes} bytes)`);
  if (u.refused > 0) out.push(`${u.refused} ${plural(u.refused, 'connection')} refused by the target`);
  if (u.suspected > 0) {
    out.push(
      `${u.suspected} ${plural(u.suspected, 'answer')} may have reached the wrong request: the client gave up and kept the connection, and what it did next was not seen`,
    );
  }
  if (u.lostBytes > 0) out.push(`the recorder relayed ${u.lostBytes} bytes it could not write to the transcript`);
  if (u.cut)
    out.push(`${u.cut}${u.gaps === 0 && u.unknownRequests > 0 ? ` (${u.unknownRequests} ${plural(u.unknownRequests, 'request')} in flight there)` : ''}`);
  if (read?.truncatedLastLine) out.push(`the recording was cut off mid-line (line ${read.truncatedLastLine.line})`);
  if (read && read.skipped > 0) out.push(`${read.skipped} bad ${plural(read.skipped, 'line')} skipped`);
  const verdict: Verdict = s.findings.mismatch > 0 ? 'mismatch' : out.length > 0 ? 'inconclusive' : 'clean';
  return { verdict, notJudged: out };
}

/** The one line every front end says (CLI, editor, check): the same words everywhere. */
export function verdictLine(s: Judged & { connections: number }, read?: ReadNotes): string {
  const { verdict, notJudged } = verdictOf(s, read);
  switch (verdict) {
    case 'clean':
      return `clean: ${s.requests} requests on ${s.connections} connections, every response reached its request`;
    case 'mismatch':
      return `mismatch: ${s.findings.mismatch} ${plural(s.findings.mismatch, 'response')} reached the wrong request${notJudged.length ? `; not judged: ${notJudged.join('; ')}` : ''}`;
    case 'inconclusive':
      return `inconclusive: no mismatch in what could be judged, but ${notJudged.join('; ')}`;
  }
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
