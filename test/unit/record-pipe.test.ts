// The pipe's fast path (a direction with no fault goes on without the fault machinery) is taken only where nothing
// else must see the bytes: with a framer following the connection's messages (nth faults count the answers, and a
// MySQL answer is framed by the command before it), every chunk still goes through it, in order.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { Pipe, type PipeHooks } from '../../extension/core/record/pipe';
import { seeded } from '../../extension/core/random';

function fakeSocket(written: Buffer[]): Socket {
  return { write: (b: Buffer) => (written.push(b), true), pause: () => undefined, resume: () => undefined, destroyed: false } as unknown as Socket;
}

function hooks(recorded: Buffer[], split?: PipeHooks['split']): PipeHooks {
  return {
    record: (b) => void recorded.push(b),
    fault: () => undefined,
    dropped: () => undefined,
    reset: () => undefined,
    close: () => undefined,
    congested: () => null,
    ...(split ? { split } : {}),
  };
}

test('with a framer, every chunk is split by it before it goes on; without one, chunks go on as they came', () => {
  const chunks = ['*1\r\n$4\r\nPI', 'NG\r\n', '*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n'].map((s) => Buffer.from(s));
  for (const framed of [true, false]) {
    const split: Buffer[] = [];
    const written: Buffer[] = [];
    const recorded: Buffer[] = [];
    const pipe = new Pipe(
      'c2s',
      fakeSocket([]),
      seeded(1),
      hooks(recorded, framed ? (_dir, chunk) => (split.push(chunk), [{ bytes: chunk, nth: split.length }]) : undefined),
    );
    pipe.setDest(fakeSocket(written));
    for (const c of chunks) pipe.push(c);
    assert.deepEqual(split.map(String), framed ? chunks.map(String) : [], framed ? 'the framer saw every chunk' : 'no framer');
    assert.deepEqual(written.map(String), chunks.map(String));
    assert.deepEqual(recorded.map(String), chunks.map(String));
    assert.equal(pipe.readBytes, Buffer.concat(chunks).length);
    assert.equal(pipe.deliveredBytes, Buffer.concat(chunks).length);
  }
});
