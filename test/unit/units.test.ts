// One grammar for every duration and size the tool reads (core/units.ts): each unit, a bare number (ms, bytes), errors
// that name the flag, and the flags whose bare number meant something else asking for a unit; then the places that
// read them (a fault spec, the tracker's --slow, the CLI's flags) reading them the same way.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { UserError } from '../../extension/core/errors';
import { parseFaultSpec } from '../../extension/core/record/fault-spec';
import { parseSlowSpec } from '../../extension/core/tracker/slow-spec';
import { MAX_DURATION_MS, parseDurationMs, parseSizeBytes } from '../../extension/core/units';
import { cli } from '../helpers/cli';

const ROOT = join(__dirname, '..', '..');

/** The message of what `f` throws, checked to be a UserError (one line, exit 2), not a bug. */
function problem(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    assert.equal(err.message.split('\n').length, 1);
    return err.message;
  }
  assert.fail('no error');
}

describe('durations', () => {
  test('every unit, and a bare number in ms', () => {
    const cases: Array<[string, number]> = [
      ['500us', 0.5],
      ['500µs', 0.5],
      ['250ms', 250],
      ['1.5s', 1500],
      ['2m', 120_000],
      ['2min', 120_000],
      ['1h', 3_600_000],
      ['1d', 86_400_000],
      ['300', 300],
      ['0.5', 0.5],
      [' 2 s ', 2000],
      ['.5s', 500],
    ];
    for (const [text, ms] of cases) assert.equal(parseDurationMs(text, '--timeout'), ms, text);
  });

  test('errors name the flag and say what a duration looks like', () => {
    for (const bad of ['', 'fast', '2 fortnights', '-1s', '1e3', '5S', '1s2']) {
      assert.match(
        problem(() => parseDurationMs(bad, '--timeout')),
        /^--timeout: ".*" is not a duration \(like 500us, 250ms, .*a bare number is ms\)$/,
        bad,
      );
    }
    assert.equal(
      problem(() => parseDurationMs('25h', '--duration')),
      '--duration: "25h" is longer than 24h',
    );
    assert.equal(parseDurationMs('24h', '--duration'), MAX_DURATION_MS);
    assert.equal(parseDurationMs('30d', '--window', { maxMs: 365 * 86_400_000 }), 30 * 86_400_000);
    assert.equal(
      problem(() => parseDurationMs('50ms', '--interval', { minMs: 100 })),
      '--interval: "50ms" is shorter than 100ms',
    );
  });

  test('a flag whose bare number meant hours or seconds asks for a unit and says why', () => {
    assert.equal(
      problem(() => parseDurationMs('12', '--lead', { bareWas: 'hours' })),
      '--lead: "12" needs a unit, like 12ms or 12s (a bare number here was hours; now it is ms everywhere)',
    );
    assert.equal(parseDurationMs('12h', '--lead', { bareWas: 'hours' }), 12 * 3_600_000);
  });

  test('a spec passes its own error maker instead of a flag name', () => {
    const bad = (why: string) => new UserError(`--fault "latency:soon": ${why}`);
    assert.match(
      problem(() => parseDurationMs('soon', bad)),
      /^--fault "latency:soon": "soon" is not a duration/,
    );
  });
});

describe('sizes', () => {
  test('every unit, any case, and a bare number in bytes', () => {
    const cases: Array<[string, number]> = [
      ['300', 300],
      ['300B', 300],
      ['300b', 300],
      ['64KB', 64_000],
      ['64kb', 64_000],
      ['64KiB', 65_536],
      ['1MB', 1e6],
      ['1MiB', 2 ** 20],
      ['2GB', 2e9],
      ['2GiB', 2 * 2 ** 30],
      ['1TB', 1e12],
      ['1TiB', 2 ** 40],
      ['1PB', 1e15],
      ['1PiB', 2 ** 50],
      ['1.5KiB', 1536],
      ['0.5', 1],
    ];
    for (const [text, bytes] of cases) assert.equal(parseSizeBytes(text, '--doc-bytes'), bytes, text);
  });

  test('errors name the flag; limits are said in units', () => {
    for (const bad of ['', 'big', '64 KBps', '-1KB', '1e3']) {
      assert.match(
        problem(() => parseSizeBytes(bad, '--page-bytes')),
        /^--page-bytes: ".*" is not a size \(like 300B, 64KB .*a bare number is bytes\)$/,
        bad,
      );
    }
    assert.equal(
      problem(() => parseSizeBytes('2TiB', '--doc-bytes', { max: 2 ** 40 })),
      '--doc-bytes: "2TiB" is more than 1TiB',
    );
    assert.equal(
      problem(() => parseSizeBytes('0', '--ram', { min: 1 })),
      '--ram: "0" is less than 1 byte',
    );
    assert.match(
      problem(() => parseSizeBytes('64', '--x', { bareWas: 'KB' })),
      /^--x: "64" needs a unit, like 64B or 64KB/,
    );
  });
});

describe('the places that read durations and sizes', () => {
  test('a fault spec: a bare latency is ms, a bare reset offset is bytes, units as every flag', () => {
    assert.equal(parseFaultSpec('latency:300').latencyMs, 300);
    assert.equal(parseFaultSpec('latency:1.5s,jitter=500us').jitterMs, 0.5);
    assert.equal(parseFaultSpec('latency:1h').latencyMs, 3_600_000);
    assert.equal(parseFaultSpec('reset,after=64').afterBytes, 64);
    assert.equal(parseFaultSpec('reset,after=64KiB').afterBytes, 65_536);
    assert.match(
      problem(() => parseFaultSpec('latency:2 fortnights')),
      /^--fault "latency:2 fortnights": "2 fortnights" is not a duration/,
    );
  });

  test("the tracker's --slow: ends with units or bare (ms); one bare end beside a unit is refused, not read as before", () => {
    assert.deepEqual([parseSlowSpec('100..900').minMs, parseSlowSpec('100..900').maxMs], [100, 900]);
    assert.deepEqual([parseSlowSpec('1s..2s@50%').minMs, parseSlowSpec('1s..2s@50%').maxMs, parseSlowSpec('1s..2s@50%').share], [1000, 2000, 0.5]);
    assert.equal(parseSlowSpec('2m').minMs, 120_000);
    // "1..2s" was 1s..2s; with bare numbers in ms it would silently be 1ms..2s
    assert.match(
      problem(() => parseSlowSpec('1..2s')),
      /^--slow "1\.\.2s": give both ends a unit/,
    );
  });

  test('CLI flags: the unit said in --help, a bare number where it meant hours or seconds refused with the flag named', async () => {
    const metrics = join(ROOT, 'replays', 'foursquare-2010', 'foursquare-2010.metrics.csv');
    const lead = await cli(['metrics', metrics, '--lead', '12']);
    assert.equal(lead.code, 2);
    assert.match(lead.stderr, /^incident-replay metrics: --lead: "12" needs a unit, like 12ms or 12s \(a bare number here was hours/);
    // a window of two days reads (it was refused past 24h)
    const twoDays = await cli(['metrics', metrics, '--json', '--lead', '12h', '--window', '2d']);
    assert.ok(twoDays.code === 0 || twoDays.code === 1, twoDays.stderr);
    assert.equal(JSON.parse(twoDays.stdout).windowHours, 48);
    const interval = await cli(['collect', 'mysql://root@127.0.0.1:1/test', '--out', join(ROOT, 'never.metrics.csv'), '--interval', '10']);
    assert.equal(interval.code, 2);
    assert.match(interval.stderr, /--interval: "10" needs a unit, like 10ms or 10s \(a bare number here was seconds/);
    const frag = await cli(['fragmentation', '--doc-bytes', '8KiB', '--move', '5%', '--json']);
    assert.equal(frag.code, 0, frag.stderr);
    assert.equal(JSON.parse(frag.stdout).docBytes, 8192);
    const badSize = await cli(['fragmentation', '--doc-bytes', '8 kilos', '--move', '5%']);
    assert.match(badSize.stderr, /^incident-replay fragmentation: --doc-bytes: "8 kilos" is not a size/);
    for (const verb of ['record', 'check', 'bench', 'reproduce', 'tracker', 'metrics', 'collect', 'import']) {
      assert.match((await cli([verb, '--help'])).stdout, /Durations: 500us, 250ms, .*a bare number is ms/, verb);
    }
    for (const verb of ['record', 'collect', 'fragmentation']) {
      assert.match((await cli([verb, '--help'])).stdout, /Sizes: 300B, 64KB .*a bare number is bytes/, verb);
    }
  });
});
