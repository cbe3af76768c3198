// How the writer puts a chunk's bytes into a line: text where the bytes read as text, base64 where they are a binary
// protocol's (even when valid UTF-8), and the same bytes back either way. Checked on every chunk of real clients'
// recordings (PostgreSQL, MariaDB, Redis) and on the edges of the rule.
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { encodeBytes, eventBytes, type DataEvent } from '../../extension/core/transcript/format';
import { readAll } from '../helpers/transcripts';

const REAL = join(__dirname, '..', 'fixtures', 'real');
const decode = (x: { d: string; e?: 'base64' }) => eventBytes({ k: 'c2s', t: 0, c: 1, ...x } as DataEvent);

async function chunksOf(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const f of readdirSync(join(REAL, dir)).filter((n) => n.endsWith('.transcript.jsonl'))) {
    for (const ev of await readAll(join(REAL, dir, f))) if (ev.k === 'c2s' || ev.k === 's2c') out.push(eventBytes(ev as DataEvent));
  }
  return out;
}

describe('a chunk’s bytes in a transcript line', () => {
  test('real PostgreSQL and MariaDB traffic goes as base64 where it is mostly binary, and every chunk comes back exact', async () => {
    for (const dir of ['postgres', 'mysql']) {
      const chunks = await chunksOf(dir);
      let b64 = 0;
      let utf8Binary = 0;
      for (const bytes of chunks) {
        const enc = encodeBytes(bytes);
        assert.ok(decode(enc).equals(bytes), `${dir}: a chunk of ${bytes.length} bytes comes back as it was`);
        if (enc.e === 'base64') b64++;
        if (enc.e === 'base64' && isUtf8(bytes)) utf8Binary++;
      }
      assert.ok(b64 > chunks.length / 2, `${dir}: ${b64} of ${chunks.length} chunks as base64`);
      assert.ok(utf8Binary > chunks.length / 10, `${dir}: ${utf8Binary} chunks valid UTF-8 and yet binary`);
    }
  });

  test('real Redis traffic that is UTF-8 stays text, as a person would read it', async () => {
    const chunks = await chunksOf('redis');
    let text = 0;
    for (const bytes of chunks) {
      const enc = encodeBytes(bytes);
      assert.ok(decode(enc).equals(bytes));
      if (isUtf8(bytes)) assert.equal(enc.e, undefined, `text: ${JSON.stringify(bytes.subarray(0, 60).toString())}`);
      if (enc.e === undefined) text++;
    }
    assert.ok(text > chunks.length * 0.9, `${text} of ${chunks.length} chunks as text`);
  });

  test('the rule’s edges: CR, LF and tab are text’s own; one control byte in sixteen of the head is still text; past the head nothing counts', () => {
    const text = Buffer.from('*1\r\n$4\r\nPING\r\n\tindented\n'.repeat(20));
    assert.equal(encodeBytes(text).e, undefined);
    const sixteenth = Buffer.from('abcdefghijklmno\u0001'.repeat(16));
    assert.equal(encodeBytes(sixteenth).e, undefined, 'one in sixteen');
    const more = Buffer.from('abcdefghijklmn\u0001\u0001'.repeat(16));
    assert.equal(encodeBytes(more).e, 'base64', 'two in sixteen');
    const tail = Buffer.concat([Buffer.alloc(256, 0x61), Buffer.alloc(1000, 0)]);
    assert.equal(encodeBytes(tail).e, undefined, 'the head decides');
    assert.ok(decode(encodeBytes(tail)).equals(tail));
    const invalid = Buffer.from([0x61, 0xff, 0x62]);
    assert.equal(encodeBytes(invalid).e, 'base64', 'not UTF-8');
    assert.deepEqual(encodeBytes(Buffer.alloc(0)), { d: '' });
  });
});
