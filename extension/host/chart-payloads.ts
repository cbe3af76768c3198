// What the chart pages are sent, built from the core: a metrics file's analysis and chart model, bench result
// files' chart model, a check verdict. No vscode import, so the Chromium tests send exactly what the host sends.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchChartModel, cancelledAfter, describeAmount, readBenchFile, runLabel, type BenchDocument } from '../core/bench';
import type { CheckVerdict } from '../core/check/verdict';
import { UserError } from '../core/errors';
import { analyzeMetricsFile, chartModel, fmtHours, formatSize, isoTime } from '../core/metrics';
import type { BenchPayload, CheckPayload, MetricsEvent, MetricsPayload } from '../../webview/protocol';

export async function metricsPayload(file: string, leadHours: number): Promise<MetricsPayload> {
  const a = await analyzeMetricsFile(file, { leadHours });
  const u = a.load.unitStyle;
  const model = chartModel(a, u);
  const events: MetricsEvent[] = [];
  for (const s of a.shards) {
    if (s.alert) {
      const before = s.backtest.hoursBeforeCrossover;
      const when =
        before === null
          ? 'no crossover followed in the file'
          : `${fmtHours(before)} before the crossover (${before >= leadHours ? 'in time for' : 'short of'} the ${fmtHours(leadHours)} lead)`;
      events.push({
        kind: 'alert',
        shard: s.shard,
        tSec: s.alert.tSec,
        text: `forecast crossing within ${fmtHours(s.alert.hoursLeftEarliest)} at the earliest; ${when}`,
      });
    }
    if (s.crossover) {
      const c = s.crossover;
      events.push({
        kind: 'crossover',
        shard: s.shard,
        tSec: c.tSec,
        text: `working set ${formatSize(c.workingSetBytes, u)} > ${formatSize(c.ramBytes, u)} RAM (line ${c.line})${s.alert ? '' : '; no alert came before it'}`,
      });
    }
    if (s.falseRelief) {
      const r = s.falseRelief;
      const until = r.relievedSec !== null ? `until ${new Date(r.relievedSec * 1000).toISOString()}` : 'to the end of the file';
      events.push({
        kind: 'no-relief',
        shard: s.shard,
        tSec: r.tSec,
        text: `working set back to ${formatSize(r.workingSetBytes, u)}, but ${formatSize(r.heldBytes, u)} of pages stay > ${formatSize(r.ramBytes, u)} RAM ${until}: the freed documents emptied no pages (line ${r.line})`,
      });
    }
  }
  const f = a.imbalance.firstFlagged;
  if (f) {
    events.push({
      kind: 'imbalance',
      shard: f.largest.shard,
      tSec: f.tSec,
      text: `chunk counts within ${(f.chunkSpread * 100).toFixed(1)}% (${f.largest.shard} ${f.largest.chunks}, ${f.smallest.shard} ${f.smallest.chunks}) while ${f.largest.shard} holds ${formatSize(f.largest.bytes, u)} and ${f.smallest.shard} ${formatSize(f.smallest.bytes, u)}`,
    });
  }
  for (const n of a.notes) events.push({ kind: 'note', shard: n.shard, tSec: n.tSec, text: n.text });
  events.sort((x, y) => x.tSec - y.tSec);
  const crossed = a.shards.filter((s) => s.crossover).length;
  const docBytes = a.shards.map((s) => s.last.avgDocBytes).find((b): b is number => typeof b === 'number' && b > 0) ?? null;
  return {
    view: 'metrics',
    title: basename(file),
    source: pathToFileURL(file).toString(),
    summary:
      `${basename(file)}: ${a.shards.length} shards, ${a.load.samples.toLocaleString('en-US')} samples from ${isoTime(a.load.firstTSec)} to ${isoTime(a.load.lastTSec)}; ` +
      `working set = ${a.options.workingSet}; ${crossed} crossed RAM; alert lead ${fmtHours(leadHours)}`,
    workingSet: model.workingSet,
    unitStyle: model.unitStyle,
    leadHours: model.leadHours,
    shards: model.shards,
    notes: model.notes,
    events,
    docBytes: docBytes === null ? null : Math.round(docBytes),
  };
}

export function benchPayload(docs: BenchDocument[], files: string[]): BenchPayload {
  const model = benchChartModel(docs);
  return {
    view: 'bench',
    // a tab names its run as the legend does: two runs of the same settings are told apart by time
    title: files.length === 1 ? `${runLabel(docs[0])} · ${docs[0].startedAt.slice(0, 16).replace('T', ' ')}` : `${files.length} benchmark results`,
    sources: files.map((f) => pathToFileURL(f).toString()),
    series: model.series,
    levels: model.levels,
    runs: docs.map(
      (d) =>
        `${d.target} (${d.server || d.kind}), ${d.workload}${d.index ? '' : ' without index'}, ${describeAmount(d)}, started ${d.startedAt}${d.driver ? `, ${d.driver}` : ''}${d.cancelled ? `, ${cancelledAfter(d)}` : ''}`,
    ),
  };
}

export async function benchPayloadFromFiles(files: string[]): Promise<BenchPayload> {
  const docs: BenchDocument[] = [];
  for (const f of files) docs.push(...(await readBenchFile(f)));
  return benchPayload(docs, files);
}

/** The transcript a verdict names, resolved against the verdict file's folder when it is relative. */
export function verdictTranscript(v: CheckVerdict, verdictFile: string): string {
  return isAbsolute(v.transcript) ? v.transcript : join(dirname(verdictFile), v.transcript);
}

export function checkPayload(v: CheckVerdict, verdictFile: string): CheckPayload {
  return {
    view: 'check',
    title: `${v.client}: mismatch check`,
    source: pathToFileURL(verdictFile).toString(),
    verdict: v,
    transcriptFound: existsSync(verdictTranscript(v, verdictFile)),
  };
}

/** Reads a *.verdict.json (what `check --json` prints), its shape checked once here. */
export async function readVerdictFile(file: string): Promise<CheckVerdict> {
  let v: unknown;
  try {
    v = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(err as Error).message})`}`);
  }
  const x = v as Partial<CheckVerdict> | null;
  const nums = ['requests', 'verified', 'timeouts', 'missing', 'timeoutMs', 'concurrency', 'lateCallbacks'] as const;
  if (
    !x ||
    typeof x !== 'object' ||
    typeof x.client !== 'string' ||
    typeof x.transcript !== 'string' ||
    !Array.isArray(x.mismatches) ||
    !x.wire ||
    typeof x.errors !== 'object'
  ) {
    throw new UserError(`${file}: not a mismatch-check verdict (client, transcript, mismatches, wire, errors expected)`);
  }
  for (const k of nums) if (typeof x[k] !== 'number') throw new UserError(`${file}: not a mismatch-check verdict ("${k}" is not a number)`);
  return x as CheckVerdict;
}
