// The recorder's masking on a framing-only session (Protocol.maskSession) against masking on the decoding session:
// chunk for chunk the same bytes out, on every recorded PostgreSQL transcript (psql, psycopg2, COPY, NOTIFY, TLS)
// and on hand-made password messages of each kind, cut at every byte (one after a query that holds its bytes).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { postgres } from '../../extension/core/protocols/postgres';
import { Redactor } from '../../extension/core/record/redactor';
import { eventBytes, type DataEvent, type Direction } from '../../extension/core/transcript/format';

const decoding = { ...postgres, maskSession: undefined };

/** Both redactors over the same chunks: what each releases, chunk by chunk, and at the end. */
function both(chunks: Array<[Direction, Buffer]>): [string[], string[]] {
  const run = (r: Redactor) => {
    const out = chunks.map(([dir, b]) => `${dir} ${r.take(dir, b)?.toString('hex') ?? '-'}`);
    return [...out, `${r.flush('c2s')?.toString('hex')}`, `${r.flush('s2c')?.toString('hex')}`];
  };
  return [run(Redactor.for(postgres) as Redactor), run(Redactor.for(decoding) as Redactor)];
}

test('every recorded PostgreSQL connection: the framing-only mask releases the same bytes as the decoding one', () => {
  const dir = join(__dirname, '..', 'fixtures', 'real', 'postgres');
  let chunks = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.transcript.jsonl'))) {
    const byConn = new Map<number, Array<[Direction, Buffer]>>();
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n').slice(1)) {
      if (!line) continue;
      const ev = JSON.parse(line) as DataEvent;
      if (ev.k !== 'c2s' && ev.k !== 's2c') continue;
      if (!byConn.has(ev.c)) byConn.set(ev.c, []);
      byConn.get(ev.c)?.push([ev.k, eventBytes(ev)]);
    }
    for (const [c, cs] of byConn) {
      const [framing, decodingOut] = both(cs);
      assert.deepEqual(framing, decodingOut, `${f} connection ${c}`);
      chunks += cs.length;
    }
  }
  assert.ok(chunks > 100, `chunks: ${chunks}`);
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
    const [framing, decodingOut] = both([
      ['c2s', stream.subarray(0, cut)],
      ['c2s', stream.subarray(cut)],
    ]);
    assert.deepEqual(framing, decodingOut, `cut at ${cut}`);
    const released = Buffer.concat(framing.filter((x) => /^c2s [0-9a-f]+$/.test(x)).map((x) => Buffer.from(x.slice(4), 'hex')));
    assert.ok(released.length > stream.length - 20, `cut at ${cut}: what was released (${released.length} bytes)`);
    assert.equal(released.toString('latin1').split(secret).length - 1, 1, `cut at ${cut}: only the query's text holds the password`);
  }
});
