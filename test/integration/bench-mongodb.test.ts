// The benchmark against a real MongoDB, when MONGODB_URL names one (none can be installed on these machines; see
// docs/protocols/mongodb.md, "Testing without a server"). Without it the test skips and says why; it never fakes a
// server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeSpec, runBench } from '../../extension/core/bench';
import { UserError } from '../../extension/core/errors';
import { refusingPort, testTable } from '../helpers/bench-db';

const url = process.env.MONGODB_URL;
const skip = url ? false : 'MONGODB_URL is not set: no MongoDB server to run against (set it, e.g. MONGODB_URL=mongodb://127.0.0.1:27017/test)';

test('selects find every seeded document and inserts are all counted, against MONGODB_URL', { skip }, async () => {
  const sel = await runBench(
    makeSpec({ url: url as string, workload: 'select', concurrency: [1, 4], count: 100, rows: 300, table: testTable('mgsel'), workers: 0 }),
  );
  assert.match(sel.server, /^MongoDB \d/);
  for (const r of sel.runs) {
    assert.equal(r.ops, 100 * r.concurrency);
    assert.deepEqual(r.errors, {});
  }
  const ins = await runBench(makeSpec({ url: url as string, workload: 'insert', concurrency: [2], count: 100, table: testTable('mgins'), workers: 0 }));
  const r = ins.runs[0];
  assert.deepEqual(r.verify, { kind: 'rows', expected: r.ops + r.warmup.ops, found: r.ops + r.warmup.ops });
});

test('a refused MongoDB connection is one line naming host:port', async () => {
  // no server needed: nothing listens on this port, and the driver's refusal is all that is tested
  const port = await refusingPort();
  await assert.rejects(
    runBench(makeSpec({ url: `mongodb://127.0.0.1:${port}/test?serverSelectionTimeoutMS=1500`, concurrency: [1], count: 1 })),
    (e: Error) => e instanceof UserError && e.message.startsWith(`127.0.0.1:${port}: `) && !e.message.includes('\n'),
  );
});
