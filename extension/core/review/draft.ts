// The postmortem draft in Markdown: the incident's summary, the verdict and findings as the engine found them, the
// mismatches with both requests and their keys, the reviewers' notes, each with a link that opens the transcript at
// its event, and the pictures (ladders, the shard chart) by relative path. Pure: the facts in, the text out; the
// same facts always give the same text. Transcript text goes into code spans (it is hostile input, even here).
import { basename } from 'node:path';
import { fmtUs, type FindingKind } from '../pairing';
import type { Incident, MismatchAt } from './incident';
import { openLink } from './link';
import type { Review, ReviewNote } from './notes';

export interface MetricsPicture {
  shard: string;
  /** relative to the draft */
  path: string;
  /** what the analysis says of the shard, a line each (crossover, alert, NO RELIEF) */
  lines: string[];
}

export interface DraftInput {
  incident: Incident;
  review: Review;
  /** per mismatch (same order as incident.mismatches): its ladder picture relative to the draft, or null */
  ladders: Array<string | null>;
  /** the metrics file the chart was drawn from, as given, and one picture per shard that crossed */
  metrics: { file: string; pictures: MetricsPicture[] } | null;
  /** the transcript as links name it (absolute, so the link works from wherever the draft is read) */
  linkFile: string;
}

/** mismatches listed one by one; past this, counted (analyze --all lists them all) */
export const MAX_LISTED = 200;
const KINDS: FindingKind[] = ['mismatch', 'late', 'orphan', 'unanswered', 'timeout'];

export function draftMarkdown(d: DraftInput): string {
  const { analysis: a, summary: tl } = d.incident;
  const s = a.summary;
  const name = basename(d.incident.file);
  const link = (event: number | null) => openLink(d.linkFile, event);
  const out: string[] = [`# Postmortem draft: ${name}`, ''];
  out.push(
    `> Written by Incident Replay from the transcript and its review notes (${basename(d.incident.file).replace(/(\.transcript)?\.jsonl$/, '')}.review.json). The facts below are the engine's; the sections at the end are for the people who were there.`,
    '',
  );

  out.push('## Summary', '', '| | |', '|---|---|');
  out.push(`| Transcript | [${mdText(name)}](${link(null)}) |`);
  out.push(`| Protocol | ${mdText(a.protocol)}${a.guessed ? ' (guessed per connection from its first bytes)' : ''} |`);
  out.push(`| Recorded | ${mdText(a.header.startedAt)} |`);
  const span = s.firstUs !== null && s.lastUs !== null ? `${fmtUs(s.lastUs - s.firstUs)} (from ${fmtUs(s.firstUs)} to ${fmtUs(s.lastUs)})` : 'no messages';
  out.push(`| Span | ${span} |`);
  out.push(`| Connections | ${s.connections} |`);
  out.push(`| Requests | ${s.requests} requests, ${s.responses} responses (${tl.events} timeline events) |`);
  out.push('');

  out.push('## Verdict', '', `**${a.verdict}**: ${mdText(verdictSentence(a.verdict, s.findings.mismatch, a.notJudged))}`, '');
  for (const n of a.notJudged) out.push(`- not judged: ${mdText(n)}`);
  if (a.notJudged.length) out.push('');

  out.push('## Findings', '', '| kind | count |', '|---|---:|');
  for (const k of KINDS) out.push(`| ${k} | ${s.findings[k]} |`);
  out.push('');
  if (d.incident.mismatches.length > 0) {
    out.push('### Mismatches', '', 'Each: the request that took an answer, the answer it took, and the request that answer belongs to.', '');
    d.incident.mismatches.slice(0, MAX_LISTED).forEach((m, i) => out.push(...mismatchItem(m, i, d.ladders[i] ?? null, link)));
    if (d.incident.mismatches.length > MAX_LISTED)
      out.push(`… ${d.incident.mismatches.length - MAX_LISTED} more (\`incident-replay analyze --all ${name}\` lists them).`, '');
  }

  out.push('## Review notes', '');
  if (d.review.notes.length === 0) out.push('No notes yet: add them on the timeline (Incident Replay: Add Review Note…).', '');
  for (const note of d.review.notes) out.push(...noteItem(note, link));

  if (d.metrics) {
    out.push('## Shard metrics', '', `From \`${basename(d.metrics.file)}\`.`, '');
    if (d.metrics.pictures.length === 0) out.push('No shard crossed its RAM, alerted or showed NO RELIEF.', '');
    for (const p of d.metrics.pictures) {
      out.push(
        `### ${mdText(p.shard)}`,
        '',
        ...p.lines.map((l) => `- ${mdText(l)}`),
        '',
        `![${mdText(p.shard)}: working set against RAM at the crossover](${encodeURI(p.path)})`,
        '',
      );
    }
  }

  out.push('## Impact', '', '_Who and what was affected, for how long._', '');
  out.push('## Root cause', '', '_Why it happened; what in the client, the server or the deployment let it happen._', '');
  out.push('## Action items', '', '- [ ] _…_', '');
  return out.join('\n');
}

function verdictSentence(verdict: string, mismatches: number, notJudged: string[]): string {
  if (verdict === 'clean') return 'every request and response was seen and judged, and every response reached its request';
  if (verdict === 'mismatch') return `${mismatches} ${mismatches === 1 ? 'response' : 'responses'} reached the wrong request`;
  return `no mismatch in what could be judged, but ${notJudged.join('; ')}`;
}

function mismatchItem(m: MismatchAt, i: number, ladder: string | null, link: (e: number | null) => string): string[] {
  const f = m.finding;
  const req = f.request;
  const own = f.answers;
  const lines = [
    `${i + 1}. **Connection ${f.conn}, at ${fmtUs(f.tUs)}** (transcript line ${f.response?.line ?? '?'}) — [open at this answer](${link(m.event >= 0 ? m.event : null)})`,
  ];
  lines.push(
    `   - asked: request #${req?.seq ?? '?'} ${code(req?.summary ?? '?')}, key ${code(req?.key ?? '(none read)')}, sent at ${req ? fmtUs(req.tUs) : '?'}`,
  );
  lines.push(`   - took: ${code(f.response?.summary ?? '?')}`);
  lines.push(
    own
      ? `   - which answers: request #${own.seq} ${code(own.summary)}, key ${code(own.key ?? '(none read)')}, sent at ${fmtUs(own.tUs)}`
      : '   - which answers: no request',
  );
  if (f.evidence) lines.push(`   - evidence: ${mdText(f.evidence)}`);
  lines.push(`   - the client's view: ${f.basis === 'client' ? 'from its own events (definite)' : mdText(f.grounds ?? 'inferred from the wire')}`);
  if (ladder) lines.push('', `   ![the ladder of connection ${f.conn} at mismatch ${i + 1}](${encodeURI(ladder)})`);
  lines.push('');
  return lines;
}

function noteItem(note: ReviewNote, link: (e: number | null) => string): string[] {
  const where =
    note.on === 'range'
      ? `from ${fmtUs(note.tUs)} to ${fmtUs(note.toUs ?? note.tUs)}${note.conn === null ? ', every connection' : `, connection ${note.conn}`}`
      : `at ${fmtUs(note.tUs)}, connection ${note.conn}${note.on === 'finding' ? `, on the ${note.kind} finding` : ''}`;
  const quoted = note.text.split(/\r?\n/).map((l) => `> ${l}`);
  return [
    `### Note ${note.id}: ${where}`,
    '',
    ...quoted,
    '',
    `[Open the transcript at event ${note.event + 1}](${link(note.event)}) · written ${note.created}`,
    '',
  ];
}

/** A code span that holds any text: fenced by more backticks than it contains, on one line. */
export function code(s: string): string {
  const one = s.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(one.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = one.startsWith('`') || one.endsWith('`') || longest > 0 ? ' ' : '';
  return `${fence}${pad}${one}${pad}${fence}`;
}

/** Engine words (protocol names, verdict lines) as plain Markdown text: what would format is escaped. */
function mdText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]<>|#])/g, '\\$1');
}
