// Pairing skips server messages that answer no request (a RESP3 push between two replies, a MySQL greeting): they
// are shown through onMessage with no request, are never an orphan, and do not shift later answers.
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import { redis } from '../../extension/core/protocols/redis';
import type { Protocol } from '../../extension/core/protocols/types';
import type { Chunk } from '../helpers/capture';
import { pairAll } from '../helpers/wire';

const traffic: Chunk[] = [
  { conn: 1, dir: 'c2s', tUs: 0, bytes: Buffer.from('*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n') },
  { conn: 1, dir: 's2c', tUs: 5, bytes: Buffer.from('$1\r\n1\r\n>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nx\r\n$1\r\n2\r\n') },
];

it('pairs around an unsolicited push: each GET gets its own value and nothing is an orphan', () => {
  const run = pairAll(redis, traffic);
  assert.deepEqual(run.findings, []);
  assert.deepEqual(
    run.pairs.map((p) => [p.request.decoded.summary, p.response?.decoded.summary]),
    [
      ['GET a', '"1"'],
      ['GET b', '"2"'],
    ],
  );
  assert.equal(run.responses, 2);
  assert.deepEqual(
    run.unsolicited.map((m) => m.decoded.summary),
    ['(push) 1) "message" 2) "ch" 3) "x"'],
  );
});

it('without the mark the same push would be taken as the answer to GET b, and the real answer an orphan', () => {
  const unmarked: Protocol = {
    ...redis,
    session: () => {
      const s = redis.session();
      return { push: (d, b, t) => s.push(d, b, t).map((m) => ({ ...m, unsolicited: false })), pendingBytes: (d) => s.pendingBytes(d) };
    },
  };
  const run = pairAll(unmarked, traffic);
  assert.deepEqual(
    run.findings.map((f) => f.kind),
    ['orphan'],
  );
  assert.match(run.pairs[1].response?.decoded.summary ?? '', /^\(push\)/);
});
