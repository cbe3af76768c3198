// The sweep's table and Markdown say the same verdict, name each point's first mismatch, and own up to a fault point
// whose fault never fired (it tested nothing the point without faults did not).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sweepMarkdown, sweepTable, type SweepResult, type SweepRow } from '../../extension/core/check';

function row(point: string, over: Partial<SweepRow> = {}): SweepRow {
  return {
    point,
    faults: point === 'none' ? [] : [`${point}:1s@10%`],
    verdict: 'clean',
    notJudged: [],
    requests: 10,
    responses: 10,
    connections: 1,
    timeouts: 0,
    late: 0,
    mismatches: 0,
    firstMismatch: null,
    exit: { code: 0, signal: null, stoppedAfterMs: null },
    outputTail: '',
    transcript: `/x/${point}.transcript.jsonl`,
    faultsApplied: 2,
    ...over,
  };
}

test('a fault point whose fault never fired says so; one that fired does not', () => {
  const r: SweepResult = {
    command: 'app',
    target: '127.0.0.1:1',
    cancelled: false,
    verdict: 'clean',
    rows: [row('none', { faultsApplied: 0 }), row('latency', { faultsApplied: 0 }), row('stall')],
  };
  const t = sweepTable(r);
  assert.match(t, /latency: the fault never fired in this run/);
  assert.doesNotMatch(t, /(none|stall): the fault never fired/);
  assert.match(sweepMarkdown(r), /- latency: the fault never fired/);
});

test('a cancelled sweep is inconclusive in words, and a stopped program shows how long it ran', () => {
  const r: SweepResult = {
    command: 'app | tee `x`',
    target: '127.0.0.1:1',
    cancelled: true,
    verdict: 'inconclusive',
    rows: [row('none', { exit: { code: null, signal: 'SIGKILL', stoppedAfterMs: 60000 } })],
  };
  assert.match(sweepTable(r), /stopped after 60\.0 s/);
  assert.match(sweepTable(r), /verdict: inconclusive: no mismatch, but the sweep was cancelled after 1 points/);
  assert.match(sweepMarkdown(r), /^`app \| tee 'x'`/m, 'the command shown as code, its backticks made harmless');
});
