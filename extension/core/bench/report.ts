// Plain-text tables for the terminal: one result document, or a comparison. Latency shown in ms with µs
// precision; every error kind is printed with its first message.
import type { Comparison } from './compare';
import { cancelledAfter, type BenchDocument } from './result';
import { errorCount } from './tally';

function ms(us: number): string {
  return (us / 1000).toFixed(us < 10_000 ? 3 : 1);
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i])).join('  ');
  return [line(head), ...rows.map(line)];
}

export function describeAmount(d: Pick<BenchDocument, 'amount' | 'warmup'>): string {
  const a = d.amount.kind === 'count' ? `${d.amount.perClient} statements per client` : `${d.amount.ms / 1000} s per level`;
  const w = d.warmup.kind === 'count' ? `${d.warmup.perClient} per client` : `${d.warmup.ms / 1000} s`;
  return `${a}, warm-up ${w}`;
}

export function benchReport(d: BenchDocument): string {
  const lines = [
    `${d.target} (${d.server}): ${d.workload} on table ${d.table}${d.index ? ', index on val' : ', NO index on val'}` +
      `${d.workload === 'select' ? `, ${d.rows} rows` : ''}; ${describeAmount(d)}${d.driverQuery ? "; through the driver's query call" : ''}${d.cancelled ? ` (${cancelledAfter(d).toUpperCase()})` : ''}`,
  ];
  const rows = d.runs.map((r) => [
    String(r.concurrency),
    String(r.workers),
    String(r.ops),
    r.seconds.toFixed(2),
    r.throughput.toFixed(0),
    ms(r.latency.p50),
    ms(r.latency.p90),
    ms(r.latency.p99),
    ms(r.latency.p999),
    ms(r.latency.max),
    String(errorCount(r.errors)),
    r.clientCpuCores.toFixed(2),
  ]);
  lines.push(
    ...table(['clients', 'workers', 'ops', 's', 'ops/s', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors', 'client cpu'], rows).map(
      (l) => `  ${l}`,
    ),
  );
  for (const r of d.runs) {
    for (const [kind, n] of Object.entries(r.errors)) {
      lines.push(`  ${r.concurrency} clients: ${n} ${kind}${r.errorSamples[kind] ? `, first: ${r.errorSamples[kind]}` : ''}`);
    }
    const warmErrors = errorCount(r.warmup.errors);
    if (warmErrors > 0) lines.push(`  ${r.concurrency} clients: ${warmErrors} errors during the warm-up (${Object.keys(r.warmup.errors).join(', ')})`);
    if (r.clientsLost > 0) lines.push(`  ${r.concurrency} clients: ${r.clientsLost} clients stopped early, their connection broke`);
  }
  const checks = d.runs.map((r) =>
    r.verify.kind === 'rows' ? `${r.verify.found}/${r.verify.expected} rows` : `${r.verify.checked - r.verify.missing}/${r.verify.checked} rows found`,
  );
  lines.push(`  verified: ${checks.join(', ')}`);
  return lines.join('\n');
}

export function comparisonReport(c: Comparison): string {
  const lines = c.columns.map((col, i) => `  [${i + 1}] ${col.label}  ${col.target}  (${col.file})`);
  const head = ['clients'];
  c.columns.forEach((_, i) => head.push(`[${i + 1}] ops/s`, `[${i + 1}] p99 ms`, ...(i > 0 ? [`[${i + 1}]/[1]`] : []), `[${i + 1}] err`));
  const rows = c.rows.map((r) => {
    const cells = [String(r.concurrency)];
    r.cells.forEach((cell, i) => {
      if (!cell) cells.push('-', '-', ...(i > 0 ? ['-'] : []), '-');
      else cells.push(cell.throughput.toFixed(0), ms(cell.p99Us), ...(i > 0 ? [cell.ratio === null ? '-' : cell.ratio.toFixed(2)] : []), String(cell.errors));
    });
    return cells;
  });
  return ['compared (throughput against [1] at the same concurrency):', ...lines, '', ...table(head, rows).map((l) => `  ${l}`)].join('\n');
}
