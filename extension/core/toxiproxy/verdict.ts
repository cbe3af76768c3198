// The verdict of a proxy's traffic so far: what its recorder has written, whole lines only, analysed as `analyze`
// would. A transcript still being written is read from a copy of its bytes up to a moment when the writer had put
// every line in the file (a line half written while the analysis reads would read as a cut recording); it has no
// closing line yet, and that is no sign of a crash.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { analyzeTranscript, describeFinding, verdictLine, type Analysis } from '../pairing';
import type { Recorder } from '../record/proxy';

export interface VerdictJson {
  name: string;
  file: string;
  /** true while the proxy still records: the verdict of the traffic so far */
  live: boolean;
  verdict: Analysis['verdict'];
  /** the one line `analyze` prints */
  line: string;
  notJudged: string[];
  protocol: string;
  requests: number;
  responses: number;
  connections: number;
  findings: Record<string, number>;
  /** the first findings, in words */
  first: string[];
}

export async function verdictOf(name: string, file: string, recorder: Recorder | null): Promise<VerdictJson> {
  let analysis: Analysis;
  if (recorder) {
    await recorder.synced();
    const { size } = await stat(file);
    const dir = await mkdtemp(join(tmpdir(), 'incident-replay-verdict-'));
    try {
      const copy = join(dir, 'so-far.transcript.jsonl');
      await pipeline(createReadStream(file, { start: 0, end: Math.max(0, size - 1) }), createWriteStream(copy));
      analysis = await analyzeTranscript(copy, { closingLine: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } else {
    analysis = await analyzeTranscript(file);
  }
  const s = analysis.summary;
  return {
    name,
    file,
    live: recorder !== null,
    verdict: analysis.verdict,
    line: verdictLine(s, analysis.read),
    notJudged: analysis.notJudged,
    protocol: analysis.protocol,
    requests: s.requests,
    responses: s.responses,
    connections: s.connections,
    findings: { ...s.findings },
    first: analysis.findings.slice(0, 20).map(describeFinding),
  };
}
