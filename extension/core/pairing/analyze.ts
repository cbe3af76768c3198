// Analysis of a whole transcript file: stream it through pairing and gather the summary, the findings and what
// the reader noticed (skipped lines, a truncated end). Bounded memory whatever the file's size.
import type { TranscriptHeader } from '../transcript/format';
import { openTranscript, type ReadReport } from '../transcript/reader';
import type { Finding } from './findings';
import { Pairing, type PairingOptions, type PairingSummary } from './pairing';
import { protocolOf } from './protocol-of';

export interface Analysis {
  file: string;
  header: TranscriptHeader;
  /** the protocol that decoded it: the header's, or guessed from the first bytes */
  protocol: string;
  summary: PairingSummary;
  findings: Finding[];
  read: ReadReport;
  /** the events read */
  events: number;
}

export interface AnalyzeOptions extends PairingOptions {
  lenient?: boolean;
}

export async function analyzeTranscript(file: string, opts: AnalyzeOptions = {}): Promise<Analysis> {
  const t = await openTranscript(file, { lenient: opts.lenient ?? false });
  const protocol = await protocolOf(file, t.header, opts.lenient ?? false);
  const pairing = new Pairing(protocol, opts);
  for await (const b of t.batches) {
    for (let i = 0; i < b.events.length; i++) pairing.push(b.events[i], b.lines[i]);
  }
  pairing.finish();
  return { file, header: t.header, protocol: protocol.name, summary: pairing.summary, findings: pairing.findings, read: t.report, events: t.report.events };
}

/** True when every response reached the request it answers. */
export function clean(a: Analysis): boolean {
  return a.summary.findings.mismatch === 0;
}
