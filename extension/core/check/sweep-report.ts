// The sweep's result in words: a plain table for the terminal, and Markdown for the editor (a table whose transcript
// links open the timeline), both saying the same verdict and naming the first mismatch of each point.
import { basename } from 'node:path';
import type { SweepResult, SweepRow } from './sweep';

const HEAD = ['point', 'verdict', 'requests', 'responses', 'conns', 'timeouts', 'late', 'mismatches', 'faults', 'exit'];

function cells(x: SweepRow): string[] {
  return [
    x.point,
    x.verdict,
    String(x.requests),
    String(x.responses),
    String(x.connections),
    String(x.timeouts),
    String(x.late),
    String(x.mismatches),
    String(x.faultsApplied),
    x.exit.stoppedAfterMs !== null ? `stopped after ${(x.exit.stoppedAfterMs / 1000).toFixed(1)} s` : (x.exit.signal ?? String(x.exit.code)),
  ];
}

/** The verdict of the whole sweep in one line. */
export function sweepVerdictLine(r: SweepResult): string {
  const at = (pred: (x: SweepRow) => boolean) =>
    r.rows
      .filter(pred)
      .map((x) => x.point)
      .join(', ');
  if (r.verdict === 'mismatch') return `mismatch: a response reached the wrong request at ${at((x) => x.verdict === 'mismatch')}`;
  if (r.verdict === 'clean') return `clean: every response reached its request at every point (${r.rows.length})`;
  return `inconclusive: no mismatch, but ${r.cancelled ? `the sweep was cancelled after ${r.rows.length} points` : `part of the traffic could not be judged at ${at((x) => x.verdict !== 'clean')}`}`;
}

function notes(r: SweepResult): string[] {
  const out: string[] = [];
  for (const x of r.rows) {
    if (x.firstMismatch) out.push(`${x.point}: first mismatch on connection ${x.firstMismatch.conn}: ${x.firstMismatch.text}`);
    if (x.verdict === 'inconclusive') out.push(`${x.point}: not judged: ${x.notJudged.join('; ')}`);
    // a fault point whose fault never fired tested nothing beyond the point without one
    if (x.faults.length > 0 && x.faultsApplied === 0 && !x.faults.some((f) => f.startsWith('bandwidth')))
      out.push(`${x.point}: the fault never fired in this run (too few chunks for its share): run the program longer`);
  }
  return out;
}

/** The sweep as a table, one row per point, then the first mismatch of each point that had one. */
export function sweepTable(r: SweepResult): string {
  const body = r.rows.map(cells);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    `${r.command} against ${r.target}`,
    line(HEAD),
    ...body.map(line),
    ...notes(r),
    ...r.rows.map((x) => `${x.point}: transcript ${x.transcript}`),
    `verdict: ${sweepVerdictLine(r)}`,
  ].join('\n');
}

/** The sweep as Markdown beside its transcripts: links are relative, so the folder can be moved or committed. */
export function sweepMarkdown(r: SweepResult): string {
  const esc = (s: string) => s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
  const rows = r.rows.map((x) => {
    const c = cells(x).map(esc);
    c[0] = `[${esc(x.point)}](${encodeURI(basename(x.transcript))})`;
    return `| ${c.join(' | ')} |`;
  });
  return [
    '# Client check',
    '',
    `\`${r.command.replace(/`/g, "'")}\` against ${esc(r.target)}`,
    '',
    `**Verdict: ${esc(sweepVerdictLine(r))}**`,
    '',
    `| ${HEAD.join(' | ')} |`,
    `| ${HEAD.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
    ...rows,
    '',
    ...notes(r).map((n) => `- ${esc(n)}`),
    '',
  ].join('\n');
}
