import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mogilefs, parseRequest } from '../../extension/core/protocols/mogilefs';
import type { WireMessage } from '../../extension/core/protocols/types';

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
    const msgs = frame('c2s', [...Buffer.from('noop\r\n')].map((b) => Buffer.from([b])));
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
