// The spill index holds each record's offset in 4 bytes (a base per 1024 entries and a distance from it): every
// offset read back is the one pushed, across blocks and through a save and restore; one past what an entry holds is
// refused rather than read back wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Offsets } from '../../extension/core/timeline/offsets';

test('offsets read back as pushed, across blocks, past 4 GiB in total, and through save and restore', () => {
  const o = new Offsets();
  const pushed: number[] = [];
  let at = 0;
  for (let i = 0; i < 7000; i++) {
    pushed.push(at);
    o.push(at);
    // records of up to 1.5 MB: the file passes 4 GiB, each block stays within what an entry holds
    at += (i * 7919) % 1_500_000;
  }
  assert.ok(at > 2 ** 32, `the file reached ${at} bytes`);
  assert.equal(o.length, 7000);
  for (let i = 0; i < 7000; i++) assert.equal(o.get(i), pushed[i], `entry ${i}`);
  const back = Offsets.restore(structuredClone(o.save()));
  for (let i = 0; i < 7000; i++) assert.equal(back.get(i), pushed[i], `restored entry ${i}`);
  back.push(at);
  assert.equal(back.get(7000), at);
});

test("an offset more than 4 GiB past its block's start is refused", () => {
  const o = new Offsets();
  o.push(0);
  assert.throws(() => o.push(2 ** 32 + 1), /past what an entry holds/);
});
