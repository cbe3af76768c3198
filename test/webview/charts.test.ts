// The chart pages in headless Chromium, fed what the host sends: the Foursquare replay's shard charts (crossover,
// alert and NO RELIEF drawn and listed for shard0; opened on the incident window, zoomed by drag, wheel and
// double-click; the marks told apart by shape and word; colours following a theme change; the fragmentation what-if
// answering the post-mortem), the bench chart of a real small run against the local PostgreSQL, and the verdict
// table of the bundled driver checks.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeSpec, runBench } from '../../extension/core/bench';
import { benchPayload, checkPayload, metricsPayload, readVerdictFile } from '../../extension/host/chart-payloads';
import { POSTGRES_URL, requireServer, testTable } from '../helpers/bench-db';
import { changed, clientPoint, hexRgb, HIGH_CONTRAST, HOUR, LIGHT, markerFill, marksOf, SHARD0, switchTheme, until, windowOf } from './chart-probes';
import { ARTIFACTS, BLUE_RGB, MISMATCH_RGB, ORANGE_RGB, WebviewHarness, YELLOW_RGB } from './harness';
import { cancelledCheck } from '../helpers/cancelled-check';

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
 * Where a time falls on a shard chart, in canvas pixels: the plot area is uPlot's .u-over (CSS pixels), spanning the
 * window the chart says it shows (data-x-min, data-x-max).
 */
async function timeToX(h: WebviewHarness, chart: string): Promise<(tSec: number) => number> {
  const [x0, x1] = await windowOf(h, chart);
  const [left, width] = await h.evaluate<[number, number]>(`(() => {
    const o = document.querySelector(${JSON.stringify(`${chart} .u-over`)});
    return [o.offsetLeft * devicePixelRatio, o.offsetWidth * devicePixelRatio];
  })()`);
  return (tSec) => left + ((tSec - x0) / (x1 - x0)) * width;
}

/**
 * The NO RELIEF mark on shard0: an opaque yellow dash-dot line at 2010-10-04T19:00Z, and a faint yellow band to
 * 2010-10-05T14:00Z, when the pages were released. The time-to-pixel mapping is first checked against the crossover
 * line (14:00Z), so it is the chart's own. In the incident window an hour is some 25 pixels: a line 3 min off fails.
 */
async function assertNoReliefDrawn(h: WebviewHarness, chart: string, crossoverX: number, plotHeight: number): Promise<void> {
  const xAt = await timeToX(h, chart);
  assert.ok(
    Math.abs(crossoverX - xAt(sec('2010-10-04T14:00:00Z'))) <= 1,
    `the mapping puts the crossover at x=${xAt(sec('2010-10-04T14:00:00Z')).toFixed(1)}, drawn at ${crossoverX}`,
  );
  const lineX = Number(await h.page.locator(chart).getAttribute('data-no-relief-x'));
  const endX = Number(await h.page.locator(chart).getAttribute('data-no-relief-end-x'));
  const want = xAt(sec('2010-10-04T19:00:00Z'));
  assert.ok(Math.abs(lineX - want) <= 1, `the NO RELIEF line is at x=${lineX}, 2010-10-04T19:00Z is at x=${want.toFixed(1)}`);
  const wantEnd = xAt(sec('2010-10-05T14:00:00Z'));
  assert.ok(Math.abs(endX - wantEnd) <= 1, `the held pages' band ends at x=${endX}, 2010-10-05T14:00Z is at x=${wantEnd.toFixed(1)}`);
  const canvas = `${chart} canvas`;
  // dash-dot: a good part of the column is opaque yellow at the line, none of it a few pixels before
  assert.ok((await colourPixels(h, canvas, YELLOW_RGB, lineX, 200)) > plotHeight * 0.25, 'the NO RELIEF line is drawn in yellow (dash-dot)');
  // (past its marker, ■ 6 px wide each side of the line)
  assert.equal(await colourPixels(h, canvas, YELLOW_RGB, lineX - 9, 200), 0, 'the NO RELIEF line is one line, not a smear');
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
    await assertNoReliefDrawn(h, shard0, crossoverX, plotHeight);
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
    assert.match(
      await text(h, '.shard-chart[data-shard="shard0"] h3'),
      /crossover at 2010-10-04T14:00:00Z.*, NO RELIEF at 2010-10-04T19:00:00Z \(pages held until 2010-10-05T14:00:00Z\)/,
    );
    await h.screenshot('metrics-foursquare');
    assert.deepEqual(h.pageErrors, []);
  });

  test('the charts open on the incident window, from before the alert to after the held pages were released, not on months of history and forecast', async () => {
    await h.show(await metricsPayload(FOURSQUARE, 12));
    const [x0, x1] = await windowOf(h, SHARD0);
    const alert = sec('2010-10-03T22:00:00Z');
    const released = sec('2010-10-05T14:00:00Z');
    assert.ok(x0 < alert && x0 > alert - 24 * HOUR, `the window starts at ${new Date(x0 * 1000).toISOString()}, a little before the alert`);
    assert.ok(x1 > released && x1 < released + 24 * HOUR, `the window ends at ${new Date(x1 * 1000).toISOString()}, a little after the release`);
    const full = sec('2010-11-11T04:00:00Z') - sec('2010-08-04T04:00:00Z');
    assert.ok(x1 - x0 < full / 10, 'not the full range');
    for (const shard of ['shard1', 'shard5'])
      assert.deepEqual(await windowOf(h, `.shard-chart[data-shard="${shard}"]`), [x0, x1], `${shard} shows the same window`);
    assert.equal(await h.page.locator('#metrics-charts').getAttribute('data-window'), 'incident');
    assert.match(await text(h, '#zoom-window'), /^incident window: /);
    // the y axis fits the window: the last 4 GB up to RAM (66 GB) and the 3 GB back are not flattened against zero
    const y = async (a: string) => Number(await h.page.locator(SHARD0).getAttribute(a)) / 1e9;
    assert.ok((await y('data-y-min')) > 55 && (await y('data-y-max')) < 70, `shard0's y axis runs ${await y('data-y-min')}–${await y('data-y-max')} GB`);
    // the marks the old month-wide chart drew 2-6 px apart are now far apart
    const at = async (a: string) => Number(await h.page.locator(SHARD0).getAttribute(a));
    assert.ok((await at('data-crossover-x')) - (await at('data-alert-x')) > 200, 'the 16 h from the alert to the crossover are wide');
    assert.ok((await at('data-no-relief-x')) - (await at('data-crossover-x')) > 60, 'the 5 h from the crossover to NO RELIEF are wide');
    assert.deepEqual(h.pageErrors, []);
  });

  test('a drag zooms every chart to the dragged range, the wheel zooms around the pointer, a double-click goes back to the incident window and then to the full range', async () => {
    await h.show(await metricsPayload(FOURSQUARE, 12));
    const incident = await windowOf(h, SHARD0);
    const o = await h.page.locator(`${SHARD0} .u-over`).boundingBox();
    assert.ok(o);
    // drag from 25% to 60% of the plot
    const y = o.y + o.height / 2;
    await h.page.mouse.move(o.x + o.width * 0.25, y);
    await h.page.mouse.down();
    await h.page.mouse.move(o.x + o.width * 0.4, y, { steps: 4 });
    await h.page.mouse.move(o.x + o.width * 0.6, y, { steps: 4 });
    await h.page.mouse.up();
    const dragged = await until('the window after the drag', () => windowOf(h, SHARD0), changed(incident));
    const span = incident[1] - incident[0];
    const px = (2 * span) / o.width;
    assert.ok(Math.abs(dragged[0] - (incident[0] + 0.25 * span)) <= px, `the drag starts the window at 25% of the old one (${dragged[0]})`);
    assert.ok(Math.abs(dragged[1] - (incident[0] + 0.6 * span)) <= px, `the drag ends the window at 60% of the old one (${dragged[1]})`);
    assert.deepEqual(await windowOf(h, '.shard-chart[data-shard="shard1"]'), dragged, 'every chart follows');
    assert.equal(await h.page.locator('#metrics-charts').getAttribute('data-window'), 'zoom');
    assert.equal(await h.evaluate<number>(`document.querySelector('${SHARD0} .u-select').offsetWidth`), 0, 'the selection box is gone');

    // the wheel over the crossover: the window narrows, the crossover stays under the pointer
    const crossoverX = Number(await h.page.locator(SHARD0).getAttribute('data-crossover-x'));
    const p = await clientPoint(h, SHARD0, crossoverX);
    await h.page.mouse.move(p.x, p.y);
    await h.page.mouse.wheel(0, -300);
    const wheeled = await until('the window after the wheel', () => windowOf(h, SHARD0), changed(dragged));
    assert.ok(wheeled[1] - wheeled[0] < (dragged[1] - dragged[0]) * 0.8, 'the wheel zoomed in');
    assert.ok(Math.abs(Number(await h.page.locator(SHARD0).getAttribute('data-crossover-x')) - crossoverX) <= 2, 'around the pointer');
    await h.page.mouse.wheel(0, 600);
    const out = await until('the window after the wheel back', () => windowOf(h, SHARD0), changed(wheeled));
    assert.ok(out[1] - out[0] > wheeled[1] - wheeled[0], 'the wheel the other way zoomed out');

    await h.page.mouse.dblclick(o.x + o.width / 2, y);
    assert.deepEqual(await until('the window after a double-click', () => windowOf(h, SHARD0), changed(out)), incident, 'a double-click: the incident window');
    await h.page.mouse.dblclick(o.x + o.width / 2, y);
    const full = await until('the window after a second double-click', () => windowOf(h, SHARD0), changed(incident));
    assert.deepEqual(
      full,
      [sec('2010-08-04T04:00:00Z'), sec('2010-11-11T04:00:00Z')],
      'a second one: the full range, from the first sample to the end of the forecast',
    );
    assert.equal(await h.page.locator('#metrics-charts').getAttribute('data-window'), 'full');
    assert.equal(await h.page.locator(SHARD0).getAttribute('data-y-min'), '0', 'the full range is drawn from zero');
    await h.page.locator('#zoom-incident').click();
    assert.deepEqual(await until('the window after the button', () => windowOf(h, SHARD0), changed(full)), incident, 'the button: the incident window');
    assert.deepEqual(h.pageErrors, []);
  });

  test('the alert, the crossover and NO RELIEF are told apart by marker, line and word; close together, their words go on rows apart', async () => {
    await h.show(await metricsPayload(FOURSQUARE, 12));
    const marks = await marksOf(h, SHARD0);
    assert.deepEqual(marks.map((m) => [m.kind, m.label, m.shape, m.dash]).sort(), [
      ['alert', 'alert', 'triangle', 'dashed'],
      ['crossover', 'crossover', 'diamond', 'solid'],
      ['no-relief', 'NO RELIEF', 'square', 'dash-dot'],
    ]);
    // the shapes as drawn: ■ fills its square, ◆ about half of it, evenly; ▼ is wide at the top and a point below
    const fill = Object.fromEntries(await Promise.all(marks.map(async (m) => [m.shape, await markerFill(h, SHARD0, m)] as const)));
    assert.ok(fill.square.fill > 0.6, `the square fills ${fill.square.fill.toFixed(2)} of its box`);
    assert.ok(fill.diamond.fill > 0.25 && fill.diamond.fill < 0.5, `the diamond fills ${fill.diamond.fill.toFixed(2)} of its box`);
    assert.ok(Math.abs(fill.diamond.upper - fill.diamond.lower) <= fill.diamond.upper * 0.3, 'the diamond is symmetric');
    assert.ok(fill.triangle.upper > 2 * fill.triangle.lower, `the triangle points down (${fill.triangle.upper} above, ${fill.triangle.lower} below)`);
    assert.equal(await h.page.locator('#metrics-legend .mark').count(), 4, 'the legend names the three marks and the notes');
    assert.match(await text(h, '#metrics-legend'), /▼ alert \(dashed\)◆ crossover \(solid\)■ NO RELIEF \(dash-dot\).*double-click/);
    // on the full range the three are a few pixels apart: the words go on separate rows and do not overlap
    await h.page.locator('#zoom-full').click();
    const close = await until(
      'the marks on the full range',
      () => marksOf(h, SHARD0),
      (ms) => ms.length === 3 && ms[2].x - ms[0].x < 30,
    );
    assert.equal(new Set(close.map((m) => m.row)).size, 3, 'three rows');
    for (const a of close) {
      for (const b of close) {
        if (a === b) continue;
        const apart = a.box[2] <= b.box[0] || b.box[2] <= a.box[0] || a.box[3] <= b.box[1] || b.box[3] <= a.box[1];
        assert.ok(apart, `the words of ${a.kind} and ${b.kind} do not overlap`);
      }
    }
    await h.page.locator(SHARD0).screenshot({ path: join(ARTIFACTS, 'metrics-marks-full-range.png') });
    assert.deepEqual(h.pageErrors, []);
  });

  test('colours follow a theme change while open: light and high contrast redraw in their colours, alert and NO RELIEF apart in each', async () => {
    await h.show(await metricsPayload(FOURSQUARE, 12));
    // zoomed in at the crossover, the three marks still in view
    const p = await clientPoint(h, SHARD0, Number(await h.page.locator(SHARD0).getAttribute('data-crossover-x')));
    const before = await windowOf(h, SHARD0);
    await h.page.mouse.move(p.x, p.y);
    await h.page.mouse.wheel(0, -100);
    const zoomed = await until('the window after the wheel', () => windowOf(h, SHARD0), changed(before));
    assert.equal((await marksOf(h, SHARD0)).length, 3);
    await h.page.mouse.move(0, 0);
    await h.page.locator(SHARD0).screenshot({ path: join(ARTIFACTS, 'metrics-crossover-dark.png') });
    const canvas = `${SHARD0} canvas`;
    const plotHeight = await h.evaluate<number>(`document.querySelector('${canvas}').height`);
    const colours = async () => Object.fromEntries((await marksOf(h, SHARD0)).map((m) => [m.kind, m.colour]));
    assert.deepEqual(await colours(), { alert: '#d18616', crossover: '#f14c4c', 'no-relief': '#cca700' });

    await switchTheme(h, 'vscode-light', LIGHT);
    const light = await until('the marks in the light theme', colours, (c) => c.crossover === '#e51400');
    // the light theme's yellow (#bf8803) is its orange (#d18616) to the eye: NO RELIEF takes another colour there
    assert.equal(light.alert, '#d18616');
    assert.equal(light['no-relief'], '#652d90');
    assert.deepEqual(await windowOf(h, SHARD0), zoomed, 'the window is kept');
    const at = async (a: string) => Number(await h.page.locator(SHARD0).getAttribute(a));
    assert.ok(
      (await colourPixels(h, canvas, hexRgb('#e51400'), await at('data-crossover-x'), 200)) > plotHeight * 0.5,
      'the crossover is redrawn in the light red',
    );
    assert.ok((await colourPixels(h, canvas, hexRgb('#652d90'), await at('data-no-relief-x'), 200)) > plotHeight * 0.25, 'NO RELIEF is redrawn in purple');
    assert.equal(await colourPixels(h, canvas, MISMATCH_RGB, await at('data-crossover-x'), 200), 0, 'nothing of the crossover is left in the dark red');
    assert.equal(await colourPixels(h, canvas, YELLOW_RGB, await at('data-no-relief-x'), 200), 0, 'nothing of NO RELIEF is left in the dark yellow');
    assert.ok((await colourPixels(h, canvas, hexRgb('#1a85ff'), null)) > 500, 'the working set is redrawn in the light blue');
    await h.page.locator(SHARD0).screenshot({ path: join(ARTIFACTS, 'metrics-crossover-light.png') });

    await switchTheme(h, 'vscode-high-contrast', HIGH_CONTRAST);
    const hc = await until('the marks in high contrast', colours, (c) => c.crossover === '#f48771');
    assert.deepEqual(hc, { alert: '#ab5a00', crossover: '#f48771', 'no-relief': '#ffd370' });
    assert.ok(
      (await colourPixels(h, canvas, hexRgb('#ffd370'), await at('data-no-relief-x'), 200)) > plotHeight * 0.25,
      'NO RELIEF is redrawn in the high-contrast yellow',
    );

    await switchTheme(h, 'vscode-dark', {});
    await until('the marks back in the dark theme', colours, (c) => c.crossover === '#f14c4c');
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

  test("a cancelled check's view says how far it got and is never the clean message", async () => {
    const file = join(ARTIFACTS, 'cancelled.verdict.json');
    const run = await cancelledCheck(join(ARTIFACTS, `cancelled-${Date.now()}.transcript.jsonl`));
    writeFileSync(file, JSON.stringify(run));
    const v = await readVerdictFile(file);
    await h.show(checkPayload(v, file));
    const words = await text(h, '#check-verdict');
    assert.match(words, new RegExp(`^cancelled after ${run.requests} of 2,?000 requests; inconclusive`));
    assert.doesNotMatch(words, /clean/);
    assert.equal(await h.page.locator('#check-verdict').getAttribute('data-state'), 'cancelled');
    await h.screenshot('check-cancelled');
    assert.deepEqual(h.pageErrors, []);
  });
});
