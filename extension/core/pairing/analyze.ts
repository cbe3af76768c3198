// Analysis of a whole transcript file: stream it through pairing and gather the summary, the findings, what the
// reader noticed (skipped lines, a truncated end) and the verdict. Bounded memory whatever the file's size.
import type { TranscriptHeader } from '../transcript/format';
import { openTranscript, type ReadReport, type TranscriptStream } from '../transcript/reader';
import type { SidecarOptions } from '../transcript/sidecar';
import type { Finding } from './findings';
import { Pairing, type PairingOptions, type PairingSummary } from './pairing';
import { headerProtocol, protocolsSeen } from './protocol-of';
import { verdictOf, type Verdict } from './unseen';

export interface Analysis {
  file: string;
  header: TranscriptHeader;
  /** the protocol that decoded it: the header's, or those guessed per connection ("mysql", "mysql, tls") */
  protocol: string;
  /** whether the protocol was guessed from the bytes rather than named by the header */
  guessed: boolean;
  summary: PairingSummary;
  findings: Finding[];
  read: ReadReport;
  /** the events read */
  events: number;
  verdict: Verdict;
  /** each part of the traffic that could not be judged, in words */
  notJudged: string[];
}

export interface AnalyzeOptions extends PairingOptions {
  lenient?: boolean;
  /** read from (or build) the transcript's binary sidecar in this cache */
  sidecar?: SidecarOptions;
}

/** `source`: a file, or a stream (standard input) with the name it goes by in messages and in `file`. */
export async function analyzeTranscript(source: string | TranscriptStream, opts: AnalyzeOptions = {}): Promise<Analysis> {
  const t = await openTranscript(source, { lenient: opts.lenient ?? false, sidecar: opts.sidecar });
  const file = t.file;
  const { protocol, serverPort, closingLine } = headerProtocol(t.header);
  const pairing = new Pairing(protocol, { serverPort, closingLine, ...opts });
  for await (const b of t.batches) {
    for (let i = 0; i < b.events.length; i++) pairing.push(b.events[i], b.lines[i]);
  }
  pairing.finish();
  const findings = pairing.findings.sort((a, b) => a.tUs - b.tUs);
  const { verdict, notJudged } = verdictOf(pairing.summary, t.report);
  return {
    file,
    header: t.header,
    protocol: protocol?.name ?? protocolsSeen(pairing.summary),
    guessed: protocol === null,
    summary: pairing.summary,
    findings,
    read: t.report,
    events: t.report.events,
    verdict,
    notJudged,
  };
}

/** True when every response reached the request it answers and every part of the traffic was judged. */
export function clean(a: Analysis): boolean {
  return a.verdict === 'clean';
}
