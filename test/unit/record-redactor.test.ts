// The recorder's masking on a framing-only session (Protocol.maskSession) against masking on the decoding session:
// chunk for chunk the same bytes out, on every recorded PostgreSQL transcript (psql, psycopg2, COPY, NOTIFY, TLS, pg,
// pg-pool, pgbench pipelining), as recorded and cut again,
// and on hand-made password messages of each kind, cut at every byte (one after a query that holds its bytes).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { postgres } from '../../extension/core/protocols/postgres';
import type { Direction } from '../../extension/core/transcript/format';
import { bothMasks, connections, inTwo, recut, released } from '../helpers/mask-compare';

const both = (chunks: Array<[Direction, Buffer]>) => bothMasks(postgres, chunks);

test('every recorded PostgreSQL connection: the framing-only mask releases the same bytes as the decoding one, as recorded and cut again', () => {
  const root = join(__dirname, '..', '..');
  const files = [
    ...readdirSync(join(root, 'test/fixtures/real/postgres'))
      .filter((x) => x.endsWith('.transcript.jsonl'))
      .map((x) => join(root, 'test/fixtures/real/postgres', x)),
    join(root, 'replays/driver-check/pg.transcript.jsonl'),
    join(root, 'replays/driver-check/pg-pool.transcript.jsonl'),
    join(root, 'replays/pgbench-pipeline/pgbench-pipeline.transcript.jsonl'),
  ];
  let chunks = 0;
  for (const f of files) {
    for (const [c, cs] of connections(f)) {
      for (const cut of [cs, recut(cs)]) {
        const [framing, decodingOut] = both(cut);
        assert.deepEqual(framing, decodingOut, `${f} connection ${c}`);
        chunks += cut.length;
      }
    }
  }
  assert.ok(chunks > 1000, `chunks: ${chunks}`);
});

test('password, md5 and SASL messages after a startup, cut at every byte: the same bytes, the secret masked', () => {
  const startup = Buffer.alloc(8 + 'user\0ir\0\0'.length);
  startup.writeInt32BE(startup.length, 0);
  startup.writeInt32BE(196608, 4);
  startup.write('user\0ir\0\0', 8, 'latin1');
  const typed = (type: string, body: Buffer) => {
    const h = Buffer.alloc(5);
    h.write(type, 0, 'latin1');
    h.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([h, body]);
  };
  const secret = 'ir-secret-password';
  const stream = Buffer.concat([
    startup,
    typed('p', Buffer.from(`${secret}\0`)),
    typed('p', Buffer.from(`md5${'a'.repeat(32)}\0`)),
    typed('p', Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), Buffer.from([0, 0, 0, secret.length]), Buffer.from(secret)])),
    typed('Q', Buffer.from('select 1\0')),
    // a query whose text holds a password message's bytes, then that message: the one masked is the message
    typed('Q', Buffer.concat([Buffer.from("select '"), typed('p', Buffer.from(`${secret}\0`)), Buffer.from("'\0")])),
    typed('p', Buffer.from(`${secret}\0`)),
  ]);
  for (let cut = 1; cut < stream.length; cut++) {
    const [framing, decodingOut] = both(inTwo('c2s', stream, cut));
    assert.deepEqual(framing, decodingOut, `cut at ${cut}`);
    const out = released(framing, 'c2s');
    assert.ok(out.length > stream.length - 20, `cut at ${cut}: what was released (${out.length} bytes)`);
    assert.equal(out.toString('latin1').split(secret).length - 1, 1, `cut at ${cut}: only the query's text holds the password`);
  }
});
