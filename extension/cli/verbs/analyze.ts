// `incident-replay analyze FILE… [--json] [--lenient]`: who answered whom; exit 0 when every response reached
// its request, 1 when a mismatch was found, 2 on bad input.
import { analyzeTranscript, clean, describeFinding, fmtUs, type Analysis } from '../../core/pairing';
import type { FindingKind } from '../../core/pairing';
import { parse, UsageError, type Verb } from '../verb';

const help = `usage: incident-replay analyze FILE... [--json] [--lenient] [--all]

Reads transcripts (*.transcript.jsonl), pairs every response with the request it answers and with the request
the client took it for, and prints the findings: mismatches (the incident), timeouts, late answers, unanswered
requests, orphan answers.

  --json      one JSON object per file on stdout (an array when several files are given)
  --lenient   read past bad lines and count them instead of stopping at the first
  --all       list every finding, not only the first ten of each kind
  --key-pattern RE
              where your payloads carry their own key, a regular expression that finds it in the bytes of requests
              and responses (its first group, or the whole match), e.g. 'user:(\d+)': an answer taken for a request
              is then checked against the key asked for, whatever the protocol

Exit status: 0 every response reached its request; 1 a mismatch was found; 2 bad input or usage.`;

export const analyze: Verb = {
  name: 'analyze',
  summary: 'pair requests and responses in a transcript and report mismatches',
  help,
  async run(argv, io) {
    const { values, positionals } = parse('analyze', argv, {
      json: { type: 'boolean' },
      lenient: { type: 'boolean' },
      all: { type: 'boolean' },
      'key-pattern': { type: 'string' },
    });
    let keyPattern: RegExp | undefined;
    if (values['key-pattern'] !== undefined) {
      try {
        keyPattern = new RegExp(values['key-pattern']);
      } catch (err) {
        throw new UsageError(`analyze: --key-pattern is not a regular expression: ${(err as Error).message}`);
      }
    }
    if (positionals.length === 0) throw new UsageError('analyze: no transcript given (incident-replay analyze FILE)');
    const results: Analysis[] = [];
    for (const file of positionals) {
      results.push(await analyzeTranscript(file, { lenient: values.lenient ?? false, keyPattern }));
    }
    if (values.json) {
      const docs = results.map(toJson);
      io.out(JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2));
    } else {
      io.out(results.map((a) => report(a, values.all ?? false)).join('\n\n'));
    }
    return results.every(clean) ? 0 : 1;
  },
};

export function toJson(a: Analysis) {
  return {
    file: a.file,
    protocol: a.protocol,
    startedAt: a.header.startedAt,
    clean: clean(a),
    summary: a.summary,
    read: a.read,
    findings: a.findings,
  };
}

const ORDER: FindingKind[] = ['mismatch', 'timeout', 'late', 'unanswered', 'orphan'];

export function report(a: Analysis, all: boolean): string {
  const s = a.summary;
  const span = s.firstUs !== null && s.lastUs !== null ? fmtUs(s.lastUs - s.firstUs) : '0 µs';
  const named = a.protocol === a.header.protocol ? a.protocol : `${a.protocol}, guessed from the first bytes`;
  const lines = [`${a.file} (${named}, started ${a.header.startedAt})`];
  lines.push(`  ${s.requests} requests, ${s.responses} responses on ${s.connections} connections over ${span}`);
  if (a.read.skipped > 0) {
    lines.push(`  ${a.read.skipped} bad lines skipped (--lenient), the first: line ${a.read.firstSkipped[0].line}: ${a.read.firstSkipped[0].problem}`);
  }
  if (a.read.truncatedLastLine) {
    lines.push(`  the last line (${a.read.truncatedLastLine.line}) is truncated: the recorder stopped mid-write; ${a.read.truncatedLastLine.bytes} bytes ignored`);
  }
  const total = ORDER.reduce((n, k) => n + s.findings[k], 0);
  if (total === 0) {
    lines.push(`  ${s.requests} requests on ${s.connections} connections, every response reached its request`);
    return lines.join('\n');
  }
  lines.push(`  findings: ${ORDER.filter((k) => s.findings[k] > 0).map((k) => `${s.findings[k]} ${k}`).join(', ')}`);
  if (s.findings.mismatch === 0) lines.push('  no mismatch: every response the client took was the answer to its own request');
  const first = a.findings.find((f) => f.kind === 'mismatch');
  if (first) {
    lines.push('', `  FIRST MISMATCH at ${fmtUs(first.tUs)} on connection ${first.conn} (line ${first.response?.line}):`);
    lines.push(`    request   #${first.request?.seq} ${first.request?.summary}  (sent at ${fmtUs(first.request?.tUs ?? 0)})`);
    lines.push(`    received  ${first.response?.summary}`);
    if (first.answers) lines.push(`    which answers request #${first.answers.seq} ${first.answers.summary}  (sent at ${fmtUs(first.answers.tUs)})`);
    if (first.evidence) lines.push(`    evidence: ${first.evidence}`);
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
