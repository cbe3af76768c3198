// The reader's fast path for data lines against JSON.parse, the format's definition: over every line of every
// recorded fixture and bundled replay (real clients, real captures), and over hand-made lines at each edge of JSON
// strings and numbers. The fast path must give the same event and the same bytes, or decline (null) and leave the
// line to JSON.parse; it must never read a line differently.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fastDataEvent } from '../../extension/core/transcript/fast-line';
import { eventBytes, eventProblem, type DataEvent } from '../../extension/core/transcript/format';
import { filesUnder } from '../helpers/files';

const ROOT = join(__dirname, '..', '..');

/** What JSON.parse makes of a line, as the reader would take it: a data event's fields and bytes, or null. */
function slow(line: string): { t: number; c: number; k: string; e: unknown; bytes: Buffer } | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (eventProblem(v)) return null;
  const ev = v as DataEvent;
  if (ev.k !== 'c2s' && ev.k !== 's2c') return null;
  return { t: ev.t, c: ev.c, k: ev.k, e: ev.e, bytes: eventBytes(ev) };
}

function fast(line: string) {
  const b = Buffer.from(line);
  const ev = fastDataEvent(b, 0, b.length);
  return ev && { t: ev.t, c: ev.c, k: ev.k, e: ev.e, bytes: eventBytes(ev) };
}

test('every data line of every recorded fixture and replay: read the same as JSON.parse reads it, nearly all on the fast path', () => {
  const files = [...filesUnder(join(ROOT, 'test', 'fixtures'), '.jsonl'), ...filesUnder(join(ROOT, 'replays'), '.jsonl')];
  assert.ok(files.length >= 20, `fixtures found: ${files.length}`);
  let data = 0;
  let quick = 0;
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const s = slow(line);
      const f = fast(line);
      if (f) {
        assert.ok(s, `${file}:${i + 1}: the fast path read a line JSON.parse does not take as a data event`);
        assert.deepEqual(f, s, `${file}:${i + 1}`);
        quick++;
      }
      if (s) data++;
    });
  }
  assert.ok(data > 5_000, `data lines: ${data}`);
  assert.ok(quick / data > 0.99, `on the fast path: ${quick} of ${data}`);
});

test('lines at the edges: the same event as JSON.parse, or left to it', () => {
  const lines = [
    '{"t":0,"c":0,"k":"c2s","d":""}',
    '{"t":12,"c":3,"k":"s2c","d":"+OK\\r\\n"}',
    '{"t":1,"c":1,"k":"c2s","d":"quote \\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t"}',
    '{"t":1,"c":1,"k":"c2s","d":"\\u0000\\u001f\\u007f\\u00e9\\u20ac\\ud83d\\ude00 é € 😀"}',
    '{"t":1,"c":1,"k":"c2s","d":"AAEC/w==","e":"base64"}',
    '{"t":1,"c":1,"k":"c2s","d":"plain","e":"utf8"}',
    '{"t":999999999999999,"c":1,"k":"c2s","d":"15 digits"}',
  ];
  for (const line of lines) {
    assert.ok(fast(line), `fast path takes ${line}`);
    assert.deepEqual(fast(line), slow(line), line);
  }
  const declined = [
    '{"t":01,"c":1,"k":"c2s","d":"x"}', // leading zero: not JSON
    '{"t":9007199254740991,"c":1,"k":"c2s","d":"16 digits"}', // past what the fast path reads exactly
    '{"t":1.5,"c":1,"k":"c2s","d":"x"}',
    '{"t":1e3,"c":1,"k":"c2s","d":"x"}',
    '{"t":-1,"c":1,"k":"c2s","d":"x"}',
    '{ "t":1,"c":1,"k":"c2s","d":"x"}',
    '{"t":1,"c":1,"k":"c2s","d":"x","extra":1}',
    '{"c":1,"t":1,"k":"c2s","d":"x"}',
    '{"t":1,"c":1,"k":"open"}',
    '{"t":1,"c":1,"k":"c2s","d":"raw \t tab"}', // a raw control character: JSON.parse rejects it
    '{"t":1,"c":1,"k":"c2s","d":"bad \\x escape"}',
    '{"t":1,"c":1,"k":"c2s","d":"lone \\ud83d half"}',
    '{"t":1,"c":1,"k":"c2s","d":"not base64!","e":"base64"}',
    '{"t":1,"c":1,"k":"c2s","d":"x"} ',
    '{"t":1,"c":1,"k":"c2s","d":"unterminated}',
    '{"t":1,"c":1,"k":"c2s","d":"x","e":"hex"}',
  ];
  for (const line of declined) assert.equal(fast(line), null, line);
  // bytes that are not UTF-8: JSON.parse reads them as U+FFFD, so the fast path leaves them to it
  const invalid = Buffer.concat([Buffer.from('{"t":1,"c":1,"k":"c2s","d":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  assert.equal(fastDataEvent(invalid, 0, invalid.length), null);
});

test('an escape, a quote or a control character at every place and alignment: found as JSON.parse finds it', () => {
  const specials = ['\\"', '\\\\', '\\n', '\\u00e9', '\t', 'é'];
  let taken = 0;
  for (let pad = 0; pad < 8; pad++) {
    for (let pos = 0; pos < 12; pos++) {
      for (const sp of specials) {
        const d = `${'a'.repeat(pos)}${sp}${'b'.repeat(11 - pos)}`;
        const line = `{"t":${'1'.repeat(pad + 1)},"c":1,"k":"c2s","d":"${d}"}`;
        // the same line at each offset of a bigger buffer, as lines sit in a read chunk
        const chunk = Buffer.concat([Buffer.alloc(pad, 0x20), Buffer.from(line), Buffer.from('\n')]);
        const ev = fastDataEvent(chunk, pad, chunk.length - 1);
        const s = slow(line);
        if (ev) {
          taken++;
          assert.deepEqual({ t: ev.t, c: ev.c, k: ev.k, e: ev.e, bytes: eventBytes(ev) }, s, line);
        } else assert.equal(s, null, `declined a line JSON.parse takes: ${line}`);
      }
    }
  }
  assert.ok(taken > 400, `taken: ${taken}`);
});
