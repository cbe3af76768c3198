// The timeline's viewport arithmetic (webview/viewport.ts): fit-all, zoom about a point, reveal, and the axis ticks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisTicks, fmtTime, GUTTER_PX, tickStep, Viewport } from '../../webview/viewport';

function view(widthPx = 1084): Viewport {
  const v = new Viewport();
  v.widthPx = widthPx;
  v.heightPx = 400;
  return v;
}

test('fit-all shows the whole span with room at both ends, and labels no time before the start', () => {
  const v = view();
  v.fit(0, 50_000_000);
  assert.ok(v.t0Us < 0 && v.t1Us > 50_000_000, 'the first and last events are not on the edges');
  assert.ok(v.x(0) > GUTTER_PX && v.x(50_000_000) < v.widthPx);
  const ticks = axisTicks(v, 90);
  assert.ok(ticks.length >= 3);
  assert.equal(ticks[0], 0, 'the axis starts at 0 s, not at -1 s');
  assert.ok(ticks.every((t) => t >= 0 && t <= v.t1Us));
  assert.ok(ticks.every((t, i) => i === 0 || t - ticks[i - 1] === tickStep(v.usPerPx, 90)));
  assert.deepEqual(ticks.map(fmtTime).slice(0, 2), ['0 s', '5 s']);
});

test('a view that starts later than 0 ticks from its first step, and one panned before 0 shows no negative ticks', () => {
  const v = view();
  v.fit(2_000_000, 3_000_000);
  assert.ok(axisTicks(v, 90)[0] >= v.t0Us);
  v.pan(2000, 0, 1);
  assert.ok(v.t1Us > 0 && v.t0Us < 0);
  assert.ok(axisTicks(v, 90).every((t) => t >= 0));
});

test('zooming keeps the time under the pointer in place; reveal brings a time and a lane on screen', () => {
  const v = view();
  v.fit(0, 1_000_000);
  const x = 500;
  const at = v.t(x);
  v.zoomAt(x, 0.25);
  assert.ok(Math.abs(v.t(x) - at) < 1e-6);
  v.reveal(990_000, 40);
  assert.ok(v.t0Us <= 990_000 && 990_000 <= v.t1Us);
  assert.ok(v.laneTop <= 40 && 40 < v.laneTop + v.lanesShown);
});
