// The postmortem draft of the 2008 desync: the verdict and the counts are the engine's (analyzeTranscript), every
// mismatch is listed with both requests and their keys and pictured by its connection's ladder, each review note is
// listed with its time, connection and a link that opens the transcript at its event, the shard chart is drawn when a
// metrics file is beside the transcript, and every picture the Markdown names exists and is well-formed SVG.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeMetricsFile, chartModel } from '../../extension/core/metrics';
import { analyzeTranscript, type Analysis } from '../../extension/core/pairing';
import {
  DraftExistsError,
  emptyReview,
  exportDraft,
  gatherIncident,
  metricsSvg,
  parseOpenLink,
  withNote,
  writeReview,
  type Incident,
} from '../../extension/core/review';
import { svgProblem } from '../helpers/svg-check';

const ROOT = resolve(__dirname, '../..');
const BUNDLED = join(ROOT, 'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl');
const FOURSQUARE = join(ROOT, 'replays/foursquare-2010/foursquare-2010.metrics.csv');

let dir: string;
let transcript: string;
let analysis: Analysis;
let incident: Incident;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ir-draft-'));
  transcript = join(dir, 'mogilefs-2008.transcript.jsonl');
  await copyFile(BUNDLED, transcript);
  analysis = await analyzeTranscript(transcript);
  incident = await gatherIncident(transcript);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** the links of a Markdown text, as [text](target) */
const links = (md: string) => [...md.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);

async function checkPictures(md: string, mdFile: string): Promise<string[]> {
  const pics = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => join(dirname(mdFile), decodeURI(m[1])));
  for (const p of pics) {
    const text = await readFile(p, 'utf8');
    assert.equal(svgProblem(text), null, `${p} is well-formed SVG`);
  }
  return pics;
}

describe('postmortem draft of the 2008 desync', () => {
  test('verdict, counts per kind and every mismatch with both requests and keys, as the engine found them', async () => {
    const mismatches = analysis.findings.filter((f) => f.kind === 'mismatch');
    assert.ok(mismatches.length > 0);
    assert.equal(incident.mismatches.length, mismatches.length);
    // each of the engine's mismatches is placed on the timeline: the links open at its answer
    for (const m of incident.mismatches) {
      assert.ok(m.event >= 0 && m.request >= 0 && m.answers >= 0);
      assert.equal(incident.model.connOf(m.event), m.finding.conn);
      assert.equal(incident.model.seq[m.request], m.finding.request?.seq);
    }
    await writeReview(transcript, emptyReview(transcript));
    const d = await exportDraft(transcript);
    const md = await readFile(d.markdown, 'utf8');
    assert.equal(d.markdown, join(dir, 'mogilefs-2008.postmortem.md'));
    assert.match(md, new RegExp(`\\*\\*${analysis.verdict}\\*\\*: ${mismatches.length} responses reached the wrong request`));
    for (const kind of ['mismatch', 'late', 'orphan', 'unanswered', 'timeout'] as const) {
      assert.match(md, new RegExp(`^\\| ${kind} \\| ${analysis.summary.findings[kind]} \\|$`, 'm'));
    }
    assert.match(md, new RegExp(`\\| Connections \\| ${analysis.summary.connections} \\|`));
    assert.match(md, new RegExp(`\\| Requests \\| ${analysis.summary.requests} requests, ${analysis.summary.responses} responses`));
    const items = md.split(/^\d+\. \*\*Connection /m).slice(1);
    assert.equal(items.length, mismatches.length);
    items.forEach((item, i) => {
      const f = mismatches[i];
      assert.ok(f.request?.key && f.answers?.key, 'the 2008 requests carry their keys');
      assert.ok(
        item.includes(`asked: request #${f.request.seq} `) && item.includes(`key \`${f.request.key}\``),
        `mismatch ${i + 1} names the request and its key`,
      );
      assert.ok(
        item.includes(`which answers: request #${f.answers.seq} `) && item.includes(`key \`${f.answers.key}\``),
        `mismatch ${i + 1} names the owner and its key`,
      );
    });
    const pics = await checkPictures(md, d.markdown);
    assert.equal(pics.length, mismatches.length, 'one ladder a mismatch (no metrics file beside it)');
    assert.deepEqual(pics.sort(), [...d.pictures].sort());
    // the ladder is of the mismatch's connection, and bands the astray answer
    const first = await readFile(
      pics.find((p) => p.includes('mismatch-01'))!,
      'utf8',
    );
    assert.match(first, new RegExp(`data-conn="${mismatches[0].conn}"`));
    assert.match(first, new RegExp(`data-role="cursor"[^>]*data-event="${incident.mismatches[0].event}"`));
    assert.match(md, /## Review notes\n\nNo notes yet/);
  });

  test('notes are listed with time, connection and a link that opens the transcript at their event', async () => {
    const m = incident.model.findings.find((f) => f.kind === 'mismatch')!;
    let r = withNote(emptyReview(transcript), {
      on: 'finding',
      kind: 'mismatch',
      event: m.event,
      tUs: incident.model.tUs[m.event],
      conn: m.conn,
      text: "The first wrong answer: #26 got #24's file.",
      created: '2026-11-29T10:00:00.000Z',
    }).review;
    r = withNote(r, {
      on: 'range',
      event: 400,
      tUs: 600_000,
      toUs: 900_000,
      conn: null,
      text: 'The tracker slows down.\nBoth clients wait.',
      created: '2026-11-29T10:01:00.000Z',
    }).review;
    await writeReview(transcript, r);
    const d = await exportDraft(transcript, { force: true });
    assert.equal(d.notes, 2);
    const md = await readFile(d.markdown, 'utf8');
    assert.match(
      md,
      new RegExp(`### Note 1: at 970\\.8 ms, connection ${m.conn}, on the mismatch finding\\n\\n> The first wrong answer: #26 got #24's file\\.`),
    );
    assert.match(md, /### Note 2: from 600\.0 ms to 900\.0 ms, every connection\n\n> The tracker slows down\.\n> Both clients wait\./);
    // notes in time order: the range (600 ms) before the finding (970.8 ms)
    const noteLinks = [...md.matchAll(/\[Open the transcript at event (\d+)\]\(([^)]+)\)/g)];
    assert.equal(noteLinks.length, 2);
    assert.ok(md.indexOf('### Note 2') < md.indexOf('### Note 1'));
    const u = new URL(noteLinks[1][2]);
    assert.equal(u.protocol, 'vscode:');
    assert.equal(u.host, 'incident-replay.incident-replay');
    assert.deepEqual(parseOpenLink(u.pathname, u.search.slice(1)), { file: transcript, event: m.event });
    assert.equal(Number(noteLinks[1][1]), m.event + 1, 'the text counts events from 1, as the details pane does');
    for (const l of links(md).filter((x) => x.startsWith('vscode:'))) {
      const v = new URL(l);
      assert.equal(typeof parseOpenLink(v.pathname, v.search.slice(1)), 'object', `${l} is a link the handler takes`);
    }
  });

  test('with a metrics file beside the transcript, the shard chart at the crossover is drawn and named', async () => {
    const metrics = join(dir, 'foursquare-2010.metrics.csv');
    await copyFile(FOURSQUARE, metrics);
    try {
      const d = await exportDraft(transcript, { force: true });
      assert.equal(d.metrics, metrics);
      const md = await readFile(d.markdown, 'utf8');
      const pics = await checkPictures(md, d.markdown);
      const chart = pics.find((p) => p.endsWith('metrics-shard0.svg'));
      assert.ok(chart, 'shard0, the shard that crossed, is charted');
      assert.equal(pics.filter((p) => /metrics-/.test(p)).length, 1, 'only the shard that crossed');
      const a = await analyzeMetricsFile(metrics);
      const s0 = a.shards.find((s) => s.shard === 'shard0')!;
      const svg = await readFile(chart, 'utf8');
      assert.ok(svg.includes('class="crossover"') && svg.includes('class="alert"') && svg.includes('class="no-relief"'));
      assert.ok(svg.includes(`CROSSOVER at ${new Date(s0.crossover!.tSec * 1000).toISOString().replace('.000Z', 'Z')}`));
      assert.match(md, /- CROSSOVER at 2010-10-04T14:00:00Z: /);
    } finally {
      await rm(metrics);
    }
  });

  test('an existing draft is not replaced unless forced; --out puts it elsewhere', async () => {
    await assert.rejects(exportDraft(transcript), (e: Error) => e instanceof DraftExistsError && e.message.includes('mogilefs-2008.postmortem.md'));
    const out = join(dir, 'out');
    const d = await exportDraft(transcript, { outDir: out });
    assert.equal(d.markdown, join(out, 'mogilefs-2008.postmortem.md'));
    await stat(join(out, 'mogilefs-2008.postmortem', 'mismatch-01-conn2.svg'));
  });

  test('a note about an event the transcript does not have stops the export, naming the review file', async () => {
    const r = withNote(emptyReview(transcript), {
      on: 'event',
      event: incident.model.count + 5,
      tUs: 1,
      conn: 1,
      text: 'x',
      created: '2026-11-29T10:00:00.000Z',
    }).review;
    await writeReview(transcript, r);
    await assert.rejects(
      exportDraft(transcript, { force: true }),
      /mogilefs-2008\.review\.json: notes\[0\] \(note 1\): event \d+ is past the transcript's last/,
    );
    await writeFile(join(dir, 'mogilefs-2008.review.json'), '');
  });
});

describe('shard chart picture', () => {
  test('marks the alert, the crossover and NO RELIEF of the Foursquare shard, each with its word', async () => {
    const a = await analyzeMetricsFile(FOURSQUARE);
    const model = chartModel(a, a.load.unitStyle);
    const s0 = model.shards.find((s) => s.shard === 'shard0')!;
    const svg = metricsSvg(s0, { unitStyle: model.unitStyle, workingSet: model.workingSet });
    assert.equal(svgProblem(svg), null);
    assert.match(svg, /ALERT at 2010-10-03T22:00:00Z/);
    assert.match(svg, /CROSSOVER at 2010-10-04T14:00:00Z/);
    assert.match(svg, /NO RELIEF at 2010-10-04T19:00:00Z, pages held until 2010-10-05T14:00:00Z/);
    // the same model draws the same file
    assert.equal(metricsSvg(s0, { unitStyle: model.unitStyle, workingSet: model.workingSet }), svg);
  });
});
