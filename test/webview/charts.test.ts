// The chart pages in headless Chromium, fed what the host sends: the Foursquare replay's shard charts (crossover,
// alert and NO RELIEF drawn and listed for shard0, the fragmentation what-if answering the post-mortem), the bench chart of
// a real small run against the local PostgreSQL, and the verdict table of the bundled driver checks.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeSpec, runBench } from '../../extension/core/bench';
import { benchPayload, checkPayload, metricsPayload, readVerdictFile } from '../../extension/host/chart-payloads';
import type { MetricsPayload } from '../../webview/protocol';
import { POSTGRES_URL, requireServer, testTable } from '../helpers/bench-db';
import { ARTIFACTS, BLUE_RGB, MISMATCH_RGB, ORANGE_RGB, WebviewHarness, YELLOW_RGB } from './harness';

const ROOT = resolve(__dirname, '../..');
const FOURSQUARE = join(ROOT, 'replays/foursquare-2010/foursquare-2010.metrics.csv');
const DRIVER_CHECK = join(ROOT, 'replays/driver-check');

/**
 * Pixels near the colour in one column of a canvas (x in canvas pixels), or in the whole canvas when x is null.
 * minAlpha tells a stroked line (opaque) from a faint fill of the same colour under it.
 */
async function colourPixels(h: WebviewHarness, canvas: string, rgb: [number, number, number], x: number | null, minAlpha = 0): Promise<number> {
  const [r, g, b] = rgb;
  return h.evaluate<number>(`(() => {
    const c = document.querySelector(${JSON.stringify(canvas)});
    const x0 = ${x === null ? 0 : x - 1}, w = ${x === null ? 'c.width' : 3};
    const d = c.getContext('2d').getImageData(x0, 0, w, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - ${r}) < 10 && Math.abs(d[i + 1] - ${g}) < 10 && Math.abs(d[i + 2] - ${b}) < 10 && d[i + 3] >= ${minAlpha}) n++;
    return n;
  })()`);
}

const sec = (iso: string) => Date.parse(iso) / 1000;

/**
 * Where a time falls on a shard chart, in canvas pixels: the plot area is uPlot's .u-over (CSS pixels), and every
 * chart spans the same range, from the first sample to the last sample or forecast point of any shard.
 */
async function timeToX(h: WebviewHarness, chart: string, p: MetricsPayload): Promise<(tSec: number) => number> {
  const x0 = Math.min(...p.shards.map((s) => s.tSec[0]));
  const x1 = Math.max(...p.shards.map((s) => Math.max(s.tSec[s.tSec.length - 1], s.band ? s.band.tSec[s.band.tSec.length - 1] : -Infinity)));
  const [left, width] = await h.evaluate<[number, number]>(`(() => {
    const o = document.querySelector(${JSON.stringify(`${chart} .u-over`)});
    return [o.offsetLeft * devicePixelRatio, o.offsetWidth * devicePixelRatio];
  })()`);
  return (tSec) => left + ((tSec - x0) / (x1 - x0)) * width;
}

/**
 * The NO RELIEF mark on shard0: an opaque yellow dash-dot line at 2010-10-04T19:00Z, and a faint yellow band to
 * 2010-10-05T14:00Z, when the pages were released. The time-to-pixel mapping is first checked against the crossover
 * line (14:00Z), so it is the chart's own. At this width an hour is under a pixel: a line 3 h off fails.
 */
async function assertNoReliefDrawn(h: WebviewHarness, chart: string, p: MetricsPayload, crossoverX: number, plotHeight: number): Promise<void> {
  const xAt = await timeToX(h, chart, p);
  assert.ok(Math.abs(crossoverX - xAt(sec('2010-10-04T14:00:00Z'))) <= 1, `the mapping puts the crossover at x=${xAt(sec('2010-10-04T14:00:00Z')).toFixed(1)}, drawn at ${crossoverX}`);
  const lineX = Number(await h.page.locator(chart).getAttribute('data-no-relief-x'));
  const endX = Number(await h.page.locator(chart).getAttribute('data-no-relief-end-x'));
  const want = xAt(sec('2010-10-04T19:00:00Z'));
  assert.ok(Math.abs(lineX - want) <= 1, `the NO RELIEF line is at x=${lineX}, 2010-10-04T19:00Z is at x=${want.toFixed(1)}`);
  const wantEnd = xAt(sec('2010-10-05T14:00:00Z'));
  assert.ok(Math.abs(endX - wantEnd) <= 1, `the held pages' band ends at x=${endX}, 2010-10-05T14:00Z is at x=${wantEnd.toFixed(1)}`);
  const canvas = `${chart} canvas`;
  // dash-dot: a good part of the column is opaque yellow at the line, none of it a few pixels before
  assert.ok((await colourPixels(h, canvas, YELLOW_RGB, lineX, 200)) > plotHeight * 0.25, 'the NO RELIEF line is drawn in yellow (dash-dot)');
  assert.equal(await colourPixels(h, canvas, YELLOW_RGB, lineX - 4, 200), 0, 'the NO RELIEF line is one line, not a smear');
  // the band: faint yellow down most of the three columns halfway through it, and hardly any past its end
  const mid = Math.round((lineX + endX) / 2);
  assert.ok((await colourPixels(h, canvas, YELLOW_RGB, mid)) > plotHeight * 0.5 * 3, 'the held pages are shaded yellow');
  assert.ok((await colourPixels(h, canvas, YELLOW_RGB, endX + 4)) < plotHeight * 0.1, 'the shading stops at the release');
}

async function text(h: WebviewHarness, selector: string): Promise<string> {
  return (await h.page.locator(selector).first().textContent()) ?? '';
}

describe('chart pages in Chromium', { timeout: 300_000 }, () => {
  let h: WebviewHarness;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await WebviewHarness.open(1400, 1000);
  });
  after(() => h?.close());

  test('Foursquare replay: shard0 has its crossover, alert and NO RELIEF drawn and listed, shard1 none', async () => {
    const payload = await metricsPayload(FOURSQUARE, 12);
    await h.show(payload);
    const shard0 = '.shard-chart[data-shard="shard0"]';
    assert.equal(await h.page.locator('.shard-chart').count(), 6);
    const crossoverX = Number(await h.page.locator(shard0).getAttribute('data-crossover-x'));
    const alertX = Number(await h.page.locator(shard0).getAttribute('data-alert-x'));
    assert.ok(crossoverX > 0 && alertX > 0 && alertX < crossoverX, `the alert (x=${alertX}) is drawn before the crossover (x=${crossoverX})`);
    const plotHeight = await h.evaluate<number>(`document.querySelector('${shard0} canvas').height`);
    // a vertical line across the plot: most of the column is the theme's red at the crossover, orange at the alert
    assert.ok((await colourPixels(h, `${shard0} canvas`, MISMATCH_RGB, crossoverX)) > plotHeight * 0.5, 'the crossover line is drawn in red');
    assert.ok((await colourPixels(h, `${shard0} canvas`, ORANGE_RGB, alertX)) > plotHeight * 0.25, 'the alert line is drawn in orange (dashed)');
    assert.ok((await colourPixels(h, `${shard0} canvas`, BLUE_RGB, null)) > 500, 'the working set is drawn');
    await assertNoReliefDrawn(h, shard0, payload, crossoverX, plotHeight);
    assert.equal(await h.page.locator('.shard-chart[data-shard="shard1"]').getAttribute('data-crossover-x'), null);
    assert.equal(await h.page.locator('.shard-chart[data-shard="shard1"]').getAttribute('data-no-relief-x'), null);
    const crossover = h.page.locator('#metrics-events li[data-kind="crossover"][data-shard="shard0"]');
    assert.equal(await crossover.count(), 1);
    assert.match((await crossover.textContent()) ?? '', /2010-10-04T14:00:00Z shard0.*> 66\.00 GB RAM/);
    const alert = h.page.locator('#metrics-events li[data-kind="alert"][data-shard="shard0"]');
    assert.match((await alert.textContent()) ?? '', /16\.0 h before the crossover \(in time for the 12\.0 h lead\)/);
    assert.equal(await h.page.locator('#metrics-events li[data-kind="imbalance"]').count(), 1);
    const noRelief = h.page.locator('#metrics-events li[data-kind="no-relief"][data-shard="shard0"]');
    assert.match((await noRelief.textContent()) ?? '', /2010-10-04T19:00:00Z shard0.*until 2010-10-05T14:00:00\.000Z: the freed documents emptied no pages/);
    assert.ok((await h.page.locator('#metrics-events li[data-kind="note"]').count()) >= 6);
    assert.match(await text(h, '.shard-chart[data-shard="shard0"] h3'), /crosses RAM at 2010-10-04T14:00:00Z.*, no relief at 2010-10-04T19:00:00Z \(pages held until 2010-10-05T14:00:00Z\)/);
    await h.screenshot('metrics-foursquare');
    assert.deepEqual(h.pageErrors, []);
  });

  test('the fragmentation what-if: 300-byte documents, 5% moved, free about 0% of RAM; 8 KB documents free about 5%', async () => {
    await h.show(await metricsPayload(FOURSQUARE, 12));
    // the file's documents are 300 B and the slider starts there, at 5%
    assert.match(await text(h, '#frag-doc-bytes + output'), /^300 B/);
    assert.equal(await h.page.locator('#frag-move').inputValue(), '5');
    const freed = async () => Number(await h.page.locator('#frag-freed').getAttribute('data-freed-share'));
    assert.ok((await freed()) < 0.0001, `300 B at 5% frees ${await freed()}`);
    assert.match(await text(h, '#frag-freed'), /0\.00% of the pages/);
    await h.page.locator('#frag-doc-bytes').focus();
    for (let i = 0; i < 9; i++) await h.page.keyboard.press('ArrowRight'); // 300 B → 8 KB
    assert.match(await text(h, '#frag-doc-bytes + output'), /^8192 B/);
    assert.ok(Math.abs((await freed()) - 0.05) < 0.01, `8 KB at 5% frees ${await freed()}`);
    const state = await h.waitForChart((m) => m.type === 'stateChanged' && m.state.docBytes === 8192);
    assert.equal(state.type === 'stateChanged' && state.state.movePercent, 5);
    await h.page.locator('#fragmentation').screenshot({ path: join(ARTIFACTS, 'metrics-fragmentation-8k.png') });
  });

  test('the bench chart of a real small run against PostgreSQL: one line per workload, throughput and p99 per level', async () => {
    await requireServer('PostgreSQL', POSTGRES_URL);
    const docs = [];
    for (const workload of ['select', 'insert']) {
      const spec = makeSpec({ url: POSTGRES_URL, workload, concurrency: [1, 2, 4], count: 150, rows: 500, table: testTable(`chart_${workload}`), workers: 0 });
      docs.push(await runBench(spec));
    }
    await h.show(benchPayload(docs, ['select.bench.json', 'insert.bench.json']));
    assert.equal(await h.page.locator('.bench-chart canvas').count(), 2);
    const rows = h.page.locator('#bench-table tbody tr');
    assert.equal(await rows.count(), 6);
    for (const d of docs) {
      for (const r of d.runs) {
        const row = h.page.locator(`#bench-table tbody tr[data-series*="${d.workload}"]`).nth(d.runs.indexOf(r));
        const cells = await row.locator('td').allTextContents();
        assert.equal(cells[1], String(r.concurrency));
        assert.equal(cells[2], r.throughput.toFixed(0));
        assert.equal(cells[4], '0', 'no errors against the local server');
      }
    }
    assert.match(await text(h, '.u-legend'), /select/);
    assert.ok((await colourPixels(h, '#bench-throughput canvas', BLUE_RGB, null)) > 100, 'the first line is drawn');
    assert.ok((await colourPixels(h, '#bench-p99 canvas', ORANGE_RGB, null)) > 100, 'the second line is drawn');
    await h.screenshot('bench-postgres');
    assert.deepEqual(h.pageErrors, []);
  });

  test('the verdict table: the buggy tracker client with its mismatches, the open-transcript button asks the host', async () => {
    const file = join(DRIVER_CHECK, 'tracker-buggy.verdict.json');
    const v = await readVerdictFile(file);
    assert.ok(v.mismatches.length > 0);
    await h.show(checkPayload(v, file));
    const cell = (col: string) => text(h, `#check-table td[data-col="${col}"]`);
    assert.equal(await cell('client'), 'tracker-buggy');
    assert.equal(await cell('requests'), v.requests.toLocaleString('en-US'));
    assert.equal(await cell('verified'), v.verified.toLocaleString('en-US'));
    assert.equal(await cell('timeouts'), v.timeouts.toLocaleString('en-US'));
    assert.equal(await cell('mismatches'), String(v.mismatches.length));
    assert.equal(await h.page.locator('#check-mismatches tbody tr').count(), v.mismatches.length);
    const first = await h.page.locator('#check-mismatches tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(first.slice(1, 3), [v.mismatches[0].asked, v.mismatches[0].got]);
    assert.match(await text(h, '#check-verdict'), /responses reached the wrong request/);
    await h.screenshot('check-tracker-buggy');
    await h.page.locator('#check-mismatches tbody tr').nth(1).locator('vscode-button').click();
    const open = await h.waitForChart((m) => m.type === 'openTranscript');
    assert.equal(open.type === 'openTranscript' && open.mismatch, 1);
  });

  test('the verdict table of a clean driver says so', async () => {
    const file = join(DRIVER_CHECK, 'pg.verdict.json');
    const v = await readVerdictFile(file);
    await h.show(checkPayload(v, file));
    assert.equal(await text(h, '#check-table td[data-col="mismatches"]'), '0');
    assert.match(await text(h, '#check-verdict'), /clean: no response reached the wrong request/);
    assert.equal(await h.page.locator('#check-mismatches').count(), 0);
    await h.page.locator('#open-transcript').click();
    const open = await h.waitForChart((m) => m.type === 'openTranscript');
    assert.equal(open.type === 'openTranscript' && open.mismatch, -1);
    assert.deepEqual(h.pageErrors, []);
  });
});
