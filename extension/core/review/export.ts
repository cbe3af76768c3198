// Export Postmortem Draft, for the CLI (`incident-replay report`) and the editor alike: gathers the incident, reads
// its review notes, draws the pictures and writes `<name>.postmortem.md` with a `<name>.postmortem/` folder of SVGs
// beside it. An existing draft is never replaced unless asked (force): the editor asks the user, the CLI wants --force.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../errors';
import {
  analyzeMetricsFile,
  chartModel,
  fmtHours,
  formatSize,
  heldUntil,
  isoTime,
  markHeading,
  type MetricsFileAnalysis,
  type ShardAnalysis,
} from '../metrics';
import { draftMarkdown, MAX_LISTED, type MetricsPicture } from './draft';
import { gatherIncident } from './incident';
import { mismatchLadderSvg } from './ladder-picture';
import { hasIncident, metricsSvg } from './metrics-svg';
import { checkNotesAgainst, readReview, reviewPathOf } from './notes';

export interface ExportOptions {
  /** where the draft goes; default beside the file */
  outDir?: string;
  /** the shard metrics file; default one found beside the transcript (see metricsBeside) */
  metrics?: string;
  force?: boolean;
  lenient?: boolean;
}

export interface ExportedDraft {
  markdown: string;
  pictures: string[];
  notes: number;
  mismatches: number;
  metrics: string | null;
}

/** A draft is already where this one would go. */
export class DraftExistsError extends UserError {
  override name = 'DraftExistsError';
  constructor(readonly path: string) {
    super(`${path}: a postmortem draft is already there (--force replaces it)`);
  }
}

/** ladder pictures drawn per draft; the mismatches past it are listed without one */
export const MAX_LADDERS = 50;

export function stemOf(file: string): string {
  return basename(file).replace(/(\.transcript)?\.jsonl$|\.metrics\.(csv|jsonl|json)$/, '');
}

export function draftPaths(file: string, outDir?: string): { markdown: string; folder: string } {
  const dir = resolve(outDir ?? dirname(file));
  const stem = stemOf(file);
  return { markdown: join(dir, `${stem}.postmortem.md`), folder: join(dir, `${stem}.postmortem`) };
}

export const isMetricsFile = (f: string) => /\.metrics\.(csv|jsonl|json)$/.test(f);

/** The metrics file beside a transcript: `<name>.metrics.csv|jsonl`, else the only *.metrics.* file in its folder. */
export async function metricsBeside(transcript: string): Promise<string | null> {
  const dir = dirname(resolve(transcript));
  const names = await readdir(dir).catch(() => [] as string[]);
  const stem = stemOf(transcript);
  const own = names.find((n) => isMetricsFile(n) && stemOf(n) === stem);
  if (own) return join(dir, own);
  const all = names.filter(isMetricsFile);
  return all.length === 1 ? join(dir, all[0]) : null;
}

/** Refuses to write over a draft unless forced; with force, clears the pictures an earlier export wrote. */
async function makeRoom(paths: { markdown: string; folder: string }, force: boolean): Promise<void> {
  const exists = async (p: string) => (await stat(p).catch(() => null)) !== null;
  const taken = (await exists(paths.markdown)) ? paths.markdown : (await exists(paths.folder)) ? paths.folder : null;
  if (taken && !force) throw new DraftExistsError(taken);
  if (await exists(paths.folder)) {
    for (const n of await readdir(paths.folder)) if (n.endsWith('.svg')) await rm(join(paths.folder, n));
  }
  await mkdir(paths.folder, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UserError(`${paths.folder}: cannot create the pictures' folder (${err.code ?? err.message})`);
  });
}

async function put(file: string, text: string): Promise<void> {
  await writeFile(file, text).catch((err: NodeJS.ErrnoException) => {
    throw new UserError(`${file}: cannot write it (${err.code ?? err.message})`);
  });
}

/** Writes the draft of a transcript (or of a metrics file alone). */
export async function exportDraft(file: string, opts: ExportOptions = {}): Promise<ExportedDraft> {
  if (isMetricsFile(file)) return exportMetricsDraft(file, opts);
  const transcript = resolve(file);
  const review = await readReview(transcript);
  const incident = await gatherIncident(transcript, { lenient: opts.lenient, extraEvents: review.notes.map((n) => n.event) });
  checkNotesAgainst(review, reviewPathOf(transcript), incident.model);
  const metricsFile = opts.metrics ?? (await metricsBeside(transcript));
  const metrics = metricsFile ? await analyzeMetricsFile(metricsFile) : null;
  const paths = draftPaths(transcript, opts.outDir);
  await makeRoom(paths, opts.force ?? false);
  const pictures: string[] = [];
  const rel = (p: string) => relative(dirname(paths.markdown), p).split('\\').join('/');
  const ladders: Array<string | null> = [];
  const pictured = Math.min(incident.mismatches.length, MAX_LADDERS, MAX_LISTED);
  for (let i = 0; i < incident.mismatches.length; i++) {
    const m = incident.mismatches[i];
    if (i >= pictured || m.request < 0) {
      ladders.push(null);
      continue;
    }
    const p = join(paths.folder, `mismatch-${String(i + 1).padStart(2, '0')}-conn${m.finding.conn}.svg`);
    await put(p, mismatchLadderSvg(incident, m, i));
    pictures.push(p);
    ladders.push(rel(p));
  }
  const shardPictures = metrics ? await writeMetricsPictures(metrics, paths.folder, rel, pictures) : [];
  const markdown = draftMarkdown({
    incident,
    review,
    ladders,
    metrics: metrics && metricsFile ? { file: metricsFile, pictures: shardPictures } : null,
    linkFile: transcript,
  });
  await put(paths.markdown, markdown);
  return {
    markdown: paths.markdown,
    pictures,
    notes: review.notes.length,
    mismatches: incident.mismatches.length,
    metrics: metricsFile ? resolve(metricsFile) : null,
  };
}

async function writeMetricsPictures(a: MetricsFileAnalysis, folder: string, rel: (p: string) => string, written: string[]): Promise<MetricsPicture[]> {
  const model = chartModel(a, a.load.unitStyle);
  const out: MetricsPicture[] = [];
  for (const s of model.shards) {
    if (!hasIncident(s)) continue;
    const p = join(folder, `metrics-${s.shard.replace(/[^\w.-]+/g, '_')}.svg`);
    await put(p, metricsSvg(s, { unitStyle: model.unitStyle, workingSet: model.workingSet }));
    written.push(p);
    const shard = a.shards.find((x) => x.shard === s.shard);
    out.push({ shard: s.shard, path: rel(p), lines: shard ? shardLines(shard, a) : [] });
  }
  return out;
}

/** What the analysis says of a shard, in the words of `incident-replay metrics`. */
function shardLines(s: ShardAnalysis, a: MetricsFileAnalysis): string[] {
  const u = a.load.unitStyle;
  const lines: string[] = [];
  if (s.alert) {
    const b = s.backtest.hoursBeforeCrossover;
    lines.push(
      `${markHeading('alert', s.alert.tSec)}: forecast crossing within ${fmtHours(s.alert.hoursLeftEarliest)} at the earliest${b !== null ? `, ${fmtHours(b)} before the crossover` : ''}`,
    );
  }
  if (s.crossover)
    lines.push(`${markHeading('crossover', s.crossover.tSec)}: ${formatSize(s.crossover.workingSetBytes, u)} > ${formatSize(s.crossover.ramBytes, u)} RAM`);
  if (s.falseRelief) {
    const r = s.falseRelief;
    lines.push(
      `${markHeading('no-relief', r.tSec)}: the working set fell back to ${formatSize(r.workingSetBytes, u)} while the shard still held ${formatSize(r.heldBytes, u)} of pages ${heldUntil(r.relievedSec)}`,
    );
  }
  return lines;
}

/** A draft from a shard metrics file alone: its summary and the chart of each shard that crossed. */
async function exportMetricsDraft(file: string, opts: ExportOptions): Promise<ExportedDraft> {
  const a = await analyzeMetricsFile(file);
  const paths = draftPaths(file, opts.outDir);
  await makeRoom(paths, opts.force ?? false);
  const pictures: string[] = [];
  const rel = (p: string) => relative(dirname(paths.markdown), p).split('\\').join('/');
  const shardPictures = await writeMetricsPictures(a, paths.folder, rel, pictures);
  const L = a.load;
  const md = [
    `# Postmortem draft: ${basename(file)}`,
    '',
    '## Summary',
    '',
    `${L.shards.length} shards, ${L.samples} samples from ${isoTime(L.firstTSec)} to ${isoTime(L.lastTSec)}; working set = ${a.options.workingSet}; alert lead ${fmtHours(a.options.leadHours)}.`,
    '',
    '## Shard metrics',
    '',
    ...(shardPictures.length === 0 ? ['No shard crossed its RAM, alerted or showed NO RELIEF.', ''] : []),
    ...shardPictures.flatMap((p) => [
      `### ${p.shard}`,
      '',
      ...p.lines.map((l) => `- ${l}`),
      '',
      `![${p.shard}: working set against RAM at the crossover](${encodeURI(p.path)})`,
      '',
    ]),
    '## Impact',
    '',
    '_Who and what was affected, for how long._',
    '',
    '## Root cause',
    '',
    '_Why it happened._',
    '',
    '## Action items',
    '',
    '- [ ] _…_',
    '',
  ].join('\n');
  await put(paths.markdown, md);
  return { markdown: paths.markdown, pictures, notes: 0, mismatches: 0, metrics: resolve(file) };
}
