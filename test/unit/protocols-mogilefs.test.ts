import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRequest, decodeResponse, lazyRequest, lazyResponse, mogilefs, parseRequest } from '../../extension/core/protocols/mogilefs';
import type { Decoded, WireMessage } from '../../extension/core/protocols/types';
import { eventBytes, type DataEvent } from '../../extension/core/transcript/format';

function frame(dir: 'c2s' | 's2c', chunks: Buffer[]): WireMessage[] {
  const s = mogilefs.session();
  return chunks.flatMap((c, i) => s.push(dir, c, i));
}

describe('the MogileFS tracker protocol', () => {
  const requests = 'get_paths domain=mail&key=msg%3A1\r\nGET_PATHS key=a+b&domain=d\nnoop\r\n';
  test('requests frame the same however the bytes are split, at every split point', () => {
    const bytes = Buffer.from(requests);
    const whole = frame('c2s', [bytes]).map((m) => m.decoded.summary);
    assert.deepEqual(whole, ['get_paths domain=mail key=msg:1', 'get_paths key=a b domain=d', 'noop']);
    for (let i = 1; i < bytes.length; i++) {
      for (let j = i + 1; j < bytes.length; j += 7) {
        const got = frame('c2s', [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]).map((m) => m.decoded.summary);
        assert.deepEqual(got, whole, `split at ${i} and ${j}`);
      }
    }
  });

  test('a byte at a time still yields whole lines, timed from first to last byte', () => {
    const msgs = frame(
      'c2s',
      [...Buffer.from('noop\r\n')].map((b) => Buffer.from([b])),
    );
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0].tUs, 0);
    assert.equal(msgs[0].tEndUs, 5);
  });

  test('command names in any case, arguments in any order, URL-decoded', () => {
    const a = parseRequest('GET_PATHS domain=d&key=k%20x');
    const b = parseRequest('get_paths key=k+x&domain=d');
    assert.equal(a.command, 'get_paths');
    assert.deepEqual(a.args, b.args);
    assert.deepEqual(a.args, { domain: 'd', key: 'k x' });
  });

  test('OK and ERR responses decode; ERR is a failure with its code', () => {
    const [ok, err] = frame('s2c', [Buffer.from('OK paths=1&path1=http%3A%2F%2Fh%2F1.fid\r\nERR unknown_key unknown%20key\r\n')]);
    assert.equal(ok.decoded.summary, 'OK paths=1 path1=http://h/1.fid');
    assert.equal(err.decoded.failed, true);
    assert.deepEqual(err.decoded.fields, { status: 'ERR', code: 'unknown_key', description: 'unknown key' });
  });

  test('admin answers are several lines ended by a lone dot, even split mid-block', () => {
    const bytes = Buffer.from('uptime 12\r\nfiles 40\r\n.\r\nOK \r\n');
    for (let i = 1; i < bytes.length; i++) {
      const s = mogilefs.session();
      s.push('c2s', Buffer.from('!stats\r\nnoop\r\n'), 0);
      const msgs = [...s.push('s2c', bytes.subarray(0, i), 1), ...s.push('s2c', bytes.subarray(i), 2)];
      assert.equal(msgs.length, 2, `split at ${i}`);
      assert.deepEqual(msgs[0].decoded.fields, { lines: ['uptime 12', 'files 40'] });
      assert.equal(msgs[1].decoded.summary, 'OK');
    }
  });

  test('garbage never throws: it decodes to a message with an error', () => {
    const [m] = frame('s2c', [Buffer.from([0xff, 0xfe, 0x00, 0x0a])]);
    assert.match(String(m.decoded.error), /not an OK or ERR response/);
  });
});

describe('decoding on demand', () => {
  /** What pairing and the timeline read of a message, as a plain object. */
  const seen = (d: Decoded) => ({ summary: d.summary, key: d.key, error: d.error, failed: d.failed, fields: d.fields });

  test("a lazily decoded message reads the same as one decoded at once: the replays' lines and odd ones", () => {
    const lines: Array<['c2s' | 's2c', Buffer]> = [];
    for (const f of [
      'mogilefs-2008/mogilefs-2008.transcript.jsonl',
      'driver-check/tracker-buggy.transcript.jsonl',
      'driver-check/tracker-safe.transcript.jsonl',
    ]) {
      for (const l of readFileSync(join(__dirname, '..', '..', 'replays', f), 'utf8')
        .split('\n')
        .slice(1)) {
        if (!l) continue;
        const ev = JSON.parse(l) as DataEvent;
        if (ev.k === 'c2s' || ev.k === 's2c') lines.push([ev.k, eventBytes(ev)]);
      }
    }
    const odd = [
      'get_paths\tkey=tab\r\n',
      'get key=\u00e9t\u00e9\r\n',
      ' get  key=sp  \r\n',
      'get a b=1&key=z\r\n',
      'get_paths key=a&key=b&from_key=c\r\n',
      'list_keys from_key=x%41&k%65y\r\n',
      'noop\r\n',
      '   \r\n',
      'get key=%zz+y\r\n',
      'cmd a=1&&=&key=\r\n',
    ];
    for (const o of odd) lines.push(['c2s', Buffer.from(o)]);
    for (const o of ['OK\r\n', 'ok paths=0\r\n', 'OK\tx=1\r\n', 'OKAY\r\n', 'ERR unknown_key key%20gone\r\n', 'ERR\r\n', 'junk\r\n'])
      lines.push(['s2c', Buffer.from(o)]);
    assert.ok(lines.length > 100, `lines: ${lines.length}`);
    for (const [dir, b] of lines) {
      const now = dir === 'c2s' ? decodeRequest(b) : decodeResponse(b);
      const later = dir === 'c2s' ? lazyRequest(b) : lazyResponse(b);
      // the key, error and failure are read first, before the summary is made
      assert.deepEqual([later.key, later.error, later.failed], [now.key, now.error, now.failed], b.toString());
      assert.deepEqual(seen(later), seen(now), b.toString());
    }
  });
});
