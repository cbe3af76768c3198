import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pairing, verdictOf, type ClientModel } from '../../extension/core/pairing';
import { mogilefs } from '../../extension/core/protocols/mogilefs';
import type { TranscriptEvent } from '../../extension/core/transcript';

// A little language for transcripts: [t in ms, c, kind, text-or-fields]
type Step = [number, number, string, (string | Record<string, unknown>)?];
function pair(steps: Step[], keyPattern?: RegExp, clientModel: ClientModel = 'auto') {
  const p = new Pairing(mogilefs, { keyPattern, clientModel });
  steps.forEach(([t, c, k, x], i) => {
    const ev = { t: Math.round(t * 1000), c, k, ...(typeof x === 'string' ? { d: x } : (x ?? {})) } as TranscriptEvent;
    p.push(ev, i + 2);
  });
  p.finish();
  return p;
}
const req = (key: string) => `get_paths domain=d&key=${key}\r\n`;
const ans = (fid: number) => `OK paths=1&path1=http://h/${fid}.fid\r\n`;

describe('pairing a sequential client', () => {
  test('request, answer, request, answer: no findings', () => {
    const p = pair([
      [0, 1, 'open'],
      [1, 1, 'c2s', req('a')],
      [2, 1, 's2c', ans(1)],
      [3, 1, 'c2s', req('b')],
      [4, 1, 's2c', ans(2)],
      [5, 1, 'close', { by: 'client' }],
    ]);
    assert.deepEqual(p.summary.findings, { mismatch: 0, timeout: 0, late: 0, unanswered: 0, orphan: 0 });
    assert.equal(p.summary.requests, 2);
  });

  test('a client that abandons a request and keeps the connection takes the late answer for its next request', () => {
    // it acts on A's answer (asks for C) before B's own answer comes: it took A's answer for B
    const p = pair([
      [1, 1, 'c2s', req('A')],
      [300, 1, 'c2s', req('B')],
      [450, 1, 's2c', ans(1)],
      [451, 1, 'c2s', req('C')],
      [452, 1, 's2c', ans(2)],
      [453, 1, 's2c', ans(3)],
    ]);
    const kinds = p.findings.map((f) => f.kind);
    assert.deepEqual(kinds, ['timeout', 'late', 'mismatch', 'mismatch']);
    const m = p.findings[2];
    assert.equal(m.basis, 'inferred');
    assert.match(m.grounds ?? '', /request #1 was still unanswered .* acted on an answer before its own answer arrived/);
    assert.equal(m.request?.key, 'B');
    assert.equal(m.answers?.key, 'A');
    assert.equal(m.response?.summary, 'OK paths=1 path1=http://h/1.fid');
    assert.equal(m.evidence, 'asked for key "B", got the answer for key "A"');
    assert.equal(p.findings[0].keptConnection, true);
  });

  test('the answer already buffered is read by the next request at once: the desync persists', () => {
    const p = pair([
      [1, 1, 'c2s', req('A')],
      [300, 1, 'c2s', req('B')],
      [600, 1, 's2c', ans(1)],
      [700, 1, 's2c', ans(2)],
      [800, 1, 'c2s', req('C')],
      [801, 1, 'c2s', req('D')], // C took B's answer from the buffer and the client asked for D before C's answer came
      [802, 1, 's2c', ans(3)],
      [803, 1, 's2c', ans(4)],
    ]);
    const mism = p.findings.filter((f) => f.kind === 'mismatch').map((f) => [f.request?.key, f.answers?.key]);
    assert.deepEqual(mism, [
      ['B', 'A'],
      ['C', 'B'],
      ['D', 'C'],
    ]);
  });

  test('a client that closes on timeout has a timeout but no mismatch', () => {
    const p = pair([
      [1, 1, 'c2s', req('A')],
      [250, 1, 'close', { by: 'client' }],
      [260, 2, 'c2s', req('B')],
      [261, 2, 's2c', ans(2)],
    ]);
    assert.deepEqual(
      p.findings.map((f) => [f.kind, f.keptConnection]),
      [['timeout', false]],
    );
    assert.equal(p.summary.findings.mismatch, 0);
  });

  test('an answer with no request is an orphan; a request never answered before close is unanswered', () => {
    const p = pair([
      [1, 1, 's2c', ans(9)],
      [2, 2, 'c2s', req('x')],
      [3, 2, 'close', { by: 'server' }],
    ]);
    assert.deepEqual(p.findings.map((f) => f.kind).sort(), ['orphan', 'unanswered']);
  });

  test('client events are the client view: a result read from the buffer before the bytes are logged still pairs', () => {
    const p = pair([
      [1, 1, 'client', { op: 'request', id: 'a', key: 'A' }],
      [2, 1, 'c2s', req('A')],
      [250, 1, 'client', { op: 'timeout', id: 'a', kept: true }],
      [251, 1, 'client', { op: 'result', id: 'a', got: null }],
      [600, 1, 's2c', ans(1)],
      [700, 1, 'client', { op: 'request', id: 'b', key: 'B' }],
      [701, 1, 'client', { op: 'result', id: 'b', got: ans(1).trim() }],
      [702, 1, 'c2s', req('B')],
      [703, 1, 's2c', ans(2)],
    ]);
    const m = p.findings.find((f) => f.kind === 'mismatch');
    assert.ok(m, 'the mismatch is found');
    assert.equal(m.basis, 'client');
    assert.equal(m.request?.clientId, 'b');
    assert.equal(m.answers?.clientId, 'a');
  });

  test('a key pattern finds the key a payload carries, and names it in the evidence', () => {
    const get = (k: string) => `get_value id=${k}\r\n`;
    const value = (k: string) => `OK value=${k}%7Cpayload\r\n`;
    const p = pair(
      [
        [1, 1, 'c2s', get('user:1')],
        [300, 1, 'c2s', get('user:2')],
        [600, 1, 's2c', value('user:1')],
      ],
      /user:\d+/,
      'sequential',
    );
    const m = p.findings.find((f) => f.kind === 'mismatch');
    assert.equal(m?.request?.key, 'user:2');
    assert.equal(m?.response?.key, 'user:1');
    assert.equal(m?.evidence, 'asked for key "user:2", got the answer for key "user:1"');
  });
});

describe('the client model, inferred per connection', () => {
  const verdict = (p: Pairing) => verdictOf(p.summary).verdict;

  test('a take the client never acts on is suspected, not found: the verdict is inconclusive', () => {
    const p = pair([
      [1, 1, 'c2s', req('A')],
      [300, 1, 'c2s', req('B')],
      [600, 1, 's2c', ans(1)],
      [601, 1, 's2c', ans(2)],
    ]);
    assert.equal(p.summary.findings.mismatch, 0);
    assert.equal(p.summary.unseen.suspected, 1);
    assert.equal(verdict(p), 'inconclusive');
  });

  test('--client-model sequential takes every give-up as the 2008 client: the take is a mismatch without waiting', () => {
    const p = pair(
      [
        [1, 1, 'c2s', req('A')],
        [300, 1, 'c2s', req('B')],
        [600, 1, 's2c', ans(1)],
        [601, 1, 's2c', ans(2)],
      ],
      undefined,
      'sequential',
    );
    assert.deepEqual(
      p.findings.map((f) => f.kind),
      ['timeout', 'late', 'mismatch'],
    );
    assert.match(p.findings[2].grounds ?? '', /--client-model sequential/);
  });

  test('a client that waits for its own answer before each move matches answers to requests: clean', () => {
    // after the give-up, every request goes out only once its own answer is in: a multiplexing client (ioredis)
    const steps: Step[] = [
      [1, 1, 'c2s', req('A')],
      [300, 1, 'c2s', req('B')],
      [600, 1, 's2c', ans(1)],
      [601, 1, 's2c', ans(2)],
    ];
    for (let i = 0; i < 4; i++) steps.push([700 + i * 10, 1, 'c2s', req(`k${i}`)], [705 + i * 10, 1, 's2c', ans(10 + i)]);
    const p = pair(steps);
    assert.equal(p.summary.findings.mismatch, 0);
    assert.equal(p.summary.unseen.suspected, 0);
    assert.equal(verdict(p), 'clean');
  });

  test("a move as late as the client's timeout is the timeout firing, not the client acting on a taken answer", () => {
    // timeout about 300: B gives A up at 300; A's answer comes at 590, just before B's own timeout fires at 600
    const p = pair([
      [1, 1, 'c2s', req('A')],
      [300, 1, 'c2s', req('B')],
      [590, 1, 's2c', ans(1)],
      [600, 1, 'c2s', req('C')],
      [900, 1, 'close', { by: 'client' }],
    ]);
    assert.equal(p.summary.findings.mismatch, 0);
  });

  test("several requests in one write: a pipelining client, whose view is the server's; no timeout, no mismatch", () => {
    const p = pair([
      [1, 1, 'c2s', req('A') + req('B') + req('C')],
      [500, 1, 's2c', ans(1)],
      [501, 1, 's2c', ans(2) + ans(3)],
    ]);
    assert.deepEqual(p.findings, []);
    assert.equal(p.summary.clientModels.pipelined, 1);
    assert.equal(verdict(p), 'clean');
  });

  test('requests back to back before any answer are a burst: pipelined, even in separate writes', () => {
    const p = pair([
      [1, 1, 'c2s', req('A')],
      [1.2, 1, 'c2s', req('B')],
      [5000, 1, 's2c', ans(1)],
      [5001, 1, 's2c', ans(2)],
    ]);
    assert.deepEqual(p.findings, []);
  });

  test('a connection lent to a sequential user after a pipelined stretch is judged afresh', () => {
    const p = pair([
      [1, 1, 'c2s', req('A') + req('B')],
      [100, 1, 's2c', ans(1) + ans(2)],
      [10_000, 1, 'c2s', req('C')],
      [400_000, 1, 'c2s', req('D')],
      [700_000, 1, 's2c', ans(3)],
      [700_100, 1, 'c2s', req('E')],
      [700_200, 1, 's2c', ans(4) + ans(5)],
    ]);
    // D took C's late answer and the client asked for E at once: one answer late from then on
    assert.deepEqual(
      p.findings.filter((f) => f.kind === 'mismatch').map((f) => [f.request?.key, f.answers?.key]),
      [
        ['D', 'C'],
        ['E', 'D'],
      ],
    );
    assert.equal(p.summary.clientModels.sequential, 1);
    assert.equal(p.summary.clientModels.pipelined, 1);
  });
});

describe('the closing line', () => {
  const run = (closingLine: boolean, end?: Record<string, unknown>) => {
    const p = new Pairing(mogilefs, { closingLine });
    const steps: TranscriptEvent[] = [
      { t: 1, c: 1, k: 'c2s', d: req('a') } as TranscriptEvent,
      { t: 2, c: 1, k: 's2c', d: ans(1) } as TranscriptEvent,
      { t: 3, c: 1, k: 'close', by: 'client' } as TranscriptEvent,
    ];
    if (end) steps.push({ t: 4, c: 0, k: 'end', ...end } as TranscriptEvent);
    steps.forEach((ev, i) => p.push(ev, i + 2));
    p.finish();
    return verdictOf(p.summary);
  };

  test('a recording that promised a closing line and has it is judged whole', () => {
    assert.equal(run(true, { events: 3, bytes: { c2s: 30, s2c: 30 } }).verdict, 'clean');
  });

  test('one that promised it and lacks it was cut: inconclusive', () => {
    const v = run(true);
    assert.equal(v.verdict, 'inconclusive');
    assert.match(v.notJudged.join(), /no closing line/);
  });

  test('a closing line that reports lost bytes is inconclusive; a transcript that promised nothing is judged as it is', () => {
    assert.match(run(true, { lost: 4096 }).notJudged.join(), /relayed 4096 bytes it could not write/);
    assert.equal(run(false).verdict, 'clean');
  });
});
