// `incident-replay analyze FILE…|- [--json|--jsonl] [--lenient]`: who answered whom, and the verdict: exit 0 clean, 1 a
// mismatch, 2 bad input, 3 inconclusive (part of the traffic could not be judged). `-` reads standard input.
import { analyzeTranscript, describeFinding, fmtUs, verdictLine, VERDICT_EXIT, type Analysis } from '../../core/pairing';
import type { ClientModel, Finding, FindingKind } from '../../core/pairing';
import { UserError } from '../../core/errors';
import { sidecarCache } from '../cache';
import { stdinSource } from '../stdio';
import { parse, parseKeyPattern, UsageError, type Verb } from '../verb';

const help = `usage: incident-replay analyze FILE...|- [--json | --jsonl] [--lenient] [--all]

Reads transcripts (*.transcript.jsonl), pairs every response with the request it answers and with the request
the client took it for, and prints the findings: mismatches (the incident), timeouts, late answers, unanswered
requests, orphan answers.

  FILE        a transcript, or - to read one from standard input (incident-replay import app.pcap --out - |
              incident-replay analyze -); a bad line there is named <stdin>:LINE
  --json      one JSON object per file on stdout (an array when several files are given)
  --jsonl     JSON Lines, streamed as the analysis goes (as tshark -T ek): one line per finding as it is found,
              {"type":"finding","file",...the finding as in --json}, then per file one last line
              {"type":"summary","file","verdict","notJudged","summary","read",...}; a file that cannot be read in
              a list of several: {"type":"error","file","error"}
  --lenient   read past bad lines and count them instead of stopping at the first
  --all       list every finding, not only the first ten of each kind
  --key-pattern RE
              where your payloads carry their own key, a regular expression that finds it in the bytes of requests
              and responses (its first group, or the whole match), e.g. 'user:(\d+)': an answer taken for a request
              is then checked against the key asked for, whatever the protocol
  --cache DIR|off
              where a large transcript's (32 MiB or more) binary sidecar is kept, so that a second analysis reads it
              instead of parsing JSON; default $INCIDENT_REPLAY_CACHE, else $XDG_CACHE_HOME/incident-replay, else
              ~/.cache/incident-replay. A sidecar is used only while the transcript's size and time are unchanged
  --client-model auto|sequential|pipelined
              how the client reads its answers. auto (default): inferred per connection from its behaviour (several
              requests in one write or burst: pipelined; a request sent after a pause while an earlier one is
              unanswered: the earlier one was given up, and the client takes the next answer as its newest
              request's). sequential or pipelined: taken as given for every connection

Verdicts and exit status:
  0 clean         every request and response was seen and judged, and every response reached its request
  1 mismatch      a response reached the wrong request
  2 bad input or usage
  3 inconclusive  no mismatch in what could be judged, but part of the traffic could not be: nothing decoded,
                  undecodable messages, capture gaps, TLS, an unknown protocol, a refused target, a cut recording,
                  or a give-up whose outcome was not seen. The report says what and how much.`;

const MODELS = ['auto', 'sequential', 'pipelined'];

export const analyze: Verb = {
  name: 'analyze',
  summary: 'pair requests and responses in a transcript and report mismatches',
  help,
  async run(argv, io) {
    const { values, positionals } = parse('analyze', argv, {
      json: { type: 'boolean' },
      jsonl: { type: 'boolean' },
      lenient: { type: 'boolean' },
      all: { type: 'boolean' },
      'key-pattern': { type: 'string' },
      'client-model': { type: 'string' },
      cache: { type: 'string' },
    });
    const sidecar = sidecarCache(values.cache);
    const clientModel = values['client-model'] ?? 'auto';
    if (!MODELS.includes(clientModel)) throw new UsageError(`analyze: --client-model must be one of ${MODELS.join(', ')}, not "${clientModel}"`);
    const keyPattern = parseKeyPattern('analyze', values['key-pattern']);
    if (positionals.length === 0) throw new UsageError('analyze: no transcript given (incident-replay analyze FILE, or - for standard input)');
    if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('analyze: - (standard input) can be read only once');
    if (values.json && values.jsonl) throw new UsageError('analyze: give --json or --jsonl, not both');
    const jsonl = values.jsonl ?? false;
    const results: Analysis[] = [];
    const bad: Array<{ file: string; error: string }> = [];
    for (const file of positionals) {
      const source = file === '-' ? stdinSource('analyze', 'a transcript') : file;
      const name = typeof source === 'string' ? source : source.name;
      // each finding is written as pairing makes it: a long transcript shows its findings before its end is read
      const onFinding = jsonl ? (f: Finding) => io.out(JSON.stringify({ type: 'finding', file: name, ...f })) : undefined;
      try {
        const a = await analyzeTranscript(source, {
          lenient: values.lenient ?? false,
          keyPattern,
          clientModel: clientModel as ClientModel,
          sidecar,
          onFinding,
        });
        results.push(a);
        if (jsonl) io.out(JSON.stringify({ type: 'summary', ...toJson(a), findings: undefined }));
      } catch (err) {
        // one bad file of several does not throw the others' results away; alone, it is the one line of exit 2
        if (!(err instanceof UserError) || positionals.length === 1) throw err;
        bad.push({ file: name, error: err.message });
        if (jsonl) io.out(JSON.stringify({ type: 'error', file: name, error: err.message }));
      }
    }
    if (values.json) {
      const docs = [...results.map(toJson), ...bad];
      io.out(JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2));
    } else if (!jsonl && results.length > 0) {
      io.out(results.map((a) => report(a, values.all ?? false)).join('\n\n'));
    }
    for (const b of bad) io.err(`incident-replay analyze: ${b.error}`);
    return bad.length > 0 ? 2 : exitOf(results);
  },
};

/** mismatch anywhere: 1; else inconclusive anywhere: 3; else 0 */
export function exitOf(results: Analysis[]): number {
  if (results.some((a) => a.verdict === 'mismatch')) return VERDICT_EXIT.mismatch;
  if (results.some((a) => a.verdict === 'inconclusive')) return VERDICT_EXIT.inconclusive;
  return VERDICT_EXIT.clean;
}

export function toJson(a: Analysis) {
  return {
    file: a.file,
    protocol: a.protocol,
    startedAt: a.header.startedAt,
    verdict: a.verdict,
    clean: a.verdict === 'clean',
    notJudged: a.notJudged,
    summary: a.summary,
    read: a.read,
    findings: a.findings,
  };
}

const ORDER: FindingKind[] = ['mismatch', 'timeout', 'late', 'unanswered', 'orphan'];

export function report(a: Analysis, all: boolean): string {
  const s = a.summary;
  const span = s.firstUs !== null && s.lastUs !== null ? fmtUs(s.lastUs - s.firstUs) : '0 µs';
  const named = a.guessed ? `${a.protocol}, guessed per connection from its first bytes` : a.protocol;
  const lines = [`${a.file} (${named}, started ${a.header.startedAt})`];
  lines.push(`  ${s.requests} requests, ${s.responses} responses on ${s.connections} connections over ${span}`);
  const m = s.clientModels;
  if (m.sequential + m.pipelined > 0) {
    lines.push(
      `  clients, inferred per connection: ${m.sequential} sequential, ${m.pipelined} pipelined${m.instrumented ? `, ${m.instrumented} said what they did (client events)` : ''}`,
    );
  }
  if (a.read.skipped > 0) {
    lines.push(`  ${a.read.skipped} bad lines skipped (--lenient), the first: line ${a.read.firstSkipped[0].line}: ${a.read.firstSkipped[0].problem}`);
  }
  if (a.read.truncatedLastLine) {
    lines.push(
      `  the last line (${a.read.truncatedLastLine.line}) is truncated: the recorder stopped mid-write; ${a.read.truncatedLastLine.bytes} bytes ignored`,
    );
  }
  lines.push(`  ${verdictLine(s, a.read)}`);
  const total = ORDER.reduce((n, k) => n + s.findings[k], 0);
  if (total === 0) return lines.join('\n');
  lines.push(
    `  findings: ${ORDER.filter((k) => s.findings[k] > 0)
      .map((k) => `${s.findings[k]} ${k}`)
      .join(', ')}`,
  );
  const first = a.findings.find((f) => f.kind === 'mismatch');
  if (first) {
    lines.push('', `  FIRST MISMATCH at ${fmtUs(first.tUs)} on connection ${first.conn} (line ${first.response?.line}):`);
    lines.push(`    request   #${first.request?.seq} ${first.request?.summary}  (sent at ${fmtUs(first.request?.tUs ?? 0)})`);
    lines.push(`    received  ${first.response?.summary}`);
    if (first.answers) lines.push(`    which answers request #${first.answers.seq} ${first.answers.summary}  (sent at ${fmtUs(first.answers.tUs)})`);
    if (first.evidence) lines.push(`    evidence: ${first.evidence}`);
    lines.push(`    client's view: ${first.basis === 'client' ? 'from its own events (definite)' : (first.grounds ?? 'inferred')}`);
  }
  for (const kind of ORDER) {
    const of = a.findings.filter((f) => f.kind === kind);
    if (of.length === 0) continue;
    lines.push('', `  ${kind} (${s.findings[kind]}):`);
    for (const f of all ? of : of.slice(0, 10)) lines.push(`    ${fmtUs(f.tUs).padStart(10)}  conn ${f.conn}  ${describeFinding(f)}`);
    if (!all && s.findings[kind] > 10) lines.push(`    … ${s.findings[kind] - 10} more (--all lists them)`);
  }
  return lines.join('\n');
}
