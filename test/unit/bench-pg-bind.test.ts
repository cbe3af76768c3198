// The lean PostgreSQL run writes Bind, Execute and Sync as one buffer of its own making: byte for byte what pg's own
// serializer (pg-protocol) writes for the same statement and values, so the server sees the same messages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serialize } from 'pg-protocol';
import { bindExecuteSync } from '../../extension/core/bench/pg-statement';

function pgBytes(name: string, values: (string | null)[]): Buffer {
  // each call of pg's serializer hands back a buffer it may reuse on the next call: copied before the next
  const bind = Buffer.from(serialize.bind({ statement: name, values }));
  const execute = Buffer.from(serialize.execute({ portal: '', rows: 0 }));
  return Buffer.concat([bind, execute, Buffer.from(serialize.sync())]);
}

describe('Bind, Execute and Sync in one buffer', () => {
  const cases: Array<[string, (string | null)[]]> = [
    ['ir_select_data', ['42']],
    ['ir_insert_data', ['1000001', '0 in 1000001']],
    ['s', []],
    ['ir_select_data', ['']],
    ['ir_select_data', [null]],
    ['ir_insert_data', [null, 'x']],
    ['statement_ünïcode', ['välue ✓ 😀', 'a\u0000b']],
    ['ir_select_data', ['x'.repeat(70_000)]],
  ];
  for (const [name, values] of cases) {
    test(`${name} with ${JSON.stringify(values).slice(0, 60)}`, () => {
      assert.deepEqual(bindExecuteSync(name, values), pgBytes(name, values));
    });
  }
});
