import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Reassembler, type Segment } from '../../extension/core/capture';

function run(segments: Partial<Segment>[]) {
  const events: { t: number; c: number; k: string; f: Record<string, unknown> }[] = [];
  const r = new Reassembler((t, c, k, f) => events.push({ t, c, k, f }), new Set([7001]));
  segments.forEach((s, i) =>
    r.push(i, {
      src: '10.0.0.1',
      dst: '10.0.0.2',
      sport: 40000,
      dport: 7001,
      seq: 0,
      ackNo: 0,
      syn: false,
      ack: true,
      fin: false,
      rst: false,
      payload: Buffer.alloc(0),
      ...s,
    }),
  );
  r.finish(segments.length);
  const text = (dir: string) =>
    events
      .filter((e) => e.k === dir)
      .map((e) => String(e.f.d))
      .join('');
  return { events, stats: r.stats, text };
}
const c2s = (seq: number, data: string, more: Partial<Segment> = {}): Partial<Segment> => ({ seq, payload: Buffer.from(data), ...more });
const s2c = (seq: number, data: string, more: Partial<Segment> = {}): Partial<Segment> => ({
  src: '10.0.0.2',
  dst: '10.0.0.1',
  sport: 7001,
  dport: 40000,
  seq,
  payload: Buffer.from(data),
  ...more,
});

describe('TCP reassembly of a capture', () => {
  test('segments out of order come out in sequence order; the SYN sender is the client', () => {
    const r = run([c2s(99, '', { syn: true, ack: false }), s2c(499, '', { syn: true }), c2s(106, 'lo\r\n'), c2s(100, 'noop\r\n'), s2c(500, 'OK \r\n')]);
    assert.equal(r.text('c2s'), 'noop\r\nlo\r\n');
    assert.equal(r.text('s2c'), 'OK \r\n');
    assert.equal(r.events[0].k, 'open');
    assert.equal(r.events[0].f.peer, '10.0.0.1:40000');
  });

  test('a retransmission is dropped and an overlapping one trimmed', () => {
    const r = run([c2s(1000, 'get_'), c2s(1000, 'get_'), c2s(1002, 't_paths\r\n')]);
    assert.equal(r.text('c2s'), 'get_paths\r\n');
    assert.equal(r.stats.retransmittedBytes, 6);
  });

  test('bytes the capture missed become a gap event, and the stream goes on after it', () => {
    const r = run([c2s(1000, 'noop\r\n'), c2s(1010, 'noop\r\n')]);
    assert.equal(r.text('c2s'), 'noop\r\nnoop\r\n');
    const gap = r.events.find((e) => e.k === 'gap');
    assert.deepEqual(gap?.f, { dir: 'c2s', bytes: 4 });
  });

  test('sequence numbers that wrap past 2^32 stay in order', () => {
    const r = run([c2s(0xfffffffe, 'ab'), c2s(0, 'cd')]);
    assert.equal(r.text('c2s'), 'abcd');
  });

  test('without the handshake, the server port decides who is the client; FIN both ways closes, RST resets', () => {
    const r = run([s2c(1, 'OK \r\n'), c2s(1, 'noop\r\n', { fin: true }), s2c(6, '', { fin: true })]);
    assert.equal(r.events[0].f.peer, '10.0.0.1:40000');
    assert.equal(r.stats.guessedRoles, 1);
    assert.deepEqual(r.events.at(-1)?.k, 'close');
    assert.equal(r.events.at(-1)?.f.by, 'client');
    const reset = run([c2s(1, 'noop\r\n'), s2c(1, '', { rst: true })]);
    assert.equal(reset.events.at(-1)?.k, 'reset');
    assert.equal(reset.events.at(-1)?.f.by, 'server');
  });
});
