// The timeline in Chromium: for 100k and 1M generated events, the time to build the model alone, the time from
// opening the page to an interactive timeline (build + transfer + first draw), and frames per second while
// dragging to pan, fitted to all and zoomed in. Prints figures; asserts nothing.
import { join } from 'node:path';
import { readdir } from 'node:fs/promises';
import { buildTimeline, ModelCache } from '../extension/core/timeline';
import { freshDir, writeSynthetic } from '../test/helpers/timeline-fixtures';
import { WebviewHarness } from '../test/webview/harness';

/** Drags across the canvas for about `ms` and counts the frames the page drew meanwhile. */
async function panFps(h: WebviewHarness, ms: number): Promise<number> {
  const box = await h.page.locator('#timeline').boundingBox();
  if (!box) return 0;
  await h.evaluate(`(() => { window.__frames = 0; const tick = () => { window.__frames++; window.__raf = requestAnimationFrame(tick); }; tick(); })()`);
  const y = box.y + 40;
  const start = Date.now();
  await h.page.mouse.move(box.x + box.width * 0.8, y);
  await h.page.mouse.down();
  let dir = -1;
  let x = box.x + box.width * 0.8;
  while (Date.now() - start < ms) {
    x += dir * 12;
    if (x < box.x + box.width * 0.2 || x > box.x + box.width * 0.8) dir = -dir;
    await h.page.mouse.move(x, y);
  }
  await h.page.mouse.up();
  const frames = await h.evaluate<number>('(cancelAnimationFrame(window.__raf), window.__frames)');
  return (frames * 1000) / (Date.now() - start);
}

export default async function timelineBench(): Promise<void> {
  const dir = freshDir('ir-bench-timeline-');
  const h = await WebviewHarness.open(1400, 900);
  try {
    for (const events of [100_000, 1_000_000]) {
      const file = join(dir, `synthetic-${events}.transcript.jsonl`);
      await writeSynthetic(file, { events, connections: 16, desyncEvery: 20_000 });
      let t = Date.now();
      const built = await buildTimeline(file, { onChunk: () => undefined });
      const buildMs = Date.now() - t;
      await built.details.dispose();
      t = Date.now();
      await h.load(file, 600_000);
      const ttiMs = Date.now() - t;
      const fitFps = await panFps(h, 3000);
      // zoomed in: the detailed drawing (marks, labels, pair lines) rather than density
      for (let i = 0; i < 12; i++) await h.page.keyboard.press('+');
      const zoomFps = await panFps(h, 3000);
      const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
      const heap = await h.evaluate<number>('performance.memory ? performance.memory.usedJSHeapSize : 0');
      // reopened unchanged: the first open with a sidecar cache builds it, the next reads it instead of parsing JSON
      const sidecars = join(dir, `sidecars-${events}`);
      t = Date.now();
      await (await buildTimeline(file, { onChunk: () => undefined, sidecar: { dir: sidecars, minBytes: 0 } })).details.dispose();
      const buildingMs = Date.now() - t;
      t = Date.now();
      await (await buildTimeline(file, { onChunk: () => undefined, sidecar: { dir: sidecars, minBytes: 0 } })).details.dispose();
      const fromSidecarMs = Date.now() - t;
      h.sidecarDir = sidecars;
      t = Date.now();
      await h.load(file, 600_000);
      const reopenMs = Date.now() - t;
      h.sidecarDir = null;
      // reopened unchanged with the model cache: the first open builds and keeps the model, the next reads it
      const models = new ModelCache(join(dir, `models-${events}`));
      h.modelCache = models;
      await h.load(file, 600_000);
      for (let i = 0; i < 600 && (await readdir(models.dir).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).length === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      t = Date.now();
      await h.load(file, 600_000);
      const cachedMs = Date.now() - t;
      h.modelCache = null;
      console.log(
        `${events.toLocaleString('en-US').padStart(9)} events, reopened unchanged (model cache): time to interactive ${(cachedMs / 1000).toFixed(2)} s (${(ttiMs / cachedMs).toFixed(1)}× faster than the first open); first frame ${(h.firstFrameMs / 1000).toFixed(2)} s`,
      );
      console.log(
        `${events.toLocaleString('en-US').padStart(9)} events, reopened unchanged (binary sidecar): model build ${(fromSidecarMs / 1000).toFixed(2)} s (${(buildMs / fromSidecarMs).toFixed(2)}× faster than parsing; the build that wrote it ${(buildingMs / 1000).toFixed(2)} s); ` +
          `time to interactive ${(reopenMs / 1000).toFixed(1)} s (${(ttiMs / reopenMs).toFixed(2)}× faster than the first open)`,
      );
      console.log(
        `${events.toLocaleString('en-US').padStart(9)} events: model build ${(buildMs / 1000).toFixed(1)} s (${Math.round(events / (buildMs / 1000)).toLocaleString('en-US')} events/s); ` +
          `first frame ${(h.firstFrameMs / 1000).toFixed(1)} s; time to interactive ${(ttiMs / 1000).toFixed(1)} s; panning ${fitFps.toFixed(0)} fps fitted, ${zoomFps.toFixed(0)} fps zoomed in; webview heap ${mb(heap)}`,
      );
    }
  } finally {
    await h.close();
  }
}
