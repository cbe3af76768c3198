// Masking HTTP credentials for recording: Authorization and Proxy-Authorization values (their scheme kept), Cookie
// and Set-Cookie values (names and attributes kept), same length, in the head only. Through the recorder's Redactor
// on the framing-only session, cut at every byte: the same bytes out as masking whole messages, no secret in them,
// and bodies released as they arrive rather than held.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { http, redactHttp } from '../../extension/core/protocols/http';
import { connectionMask } from '../../extension/core/record/connection-mask';
import { Redactor } from '../../extension/core/record/redactor';
import type { Direction } from '../../extension/core/transcript/format';

const SECRETS = ['t0k3n-abc', 'pr0xy-pw', 's3ss10n', 'pr3fs', 'n3w-s3ss10n'];
const REQUESTS = Buffer.from(
  'GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t0k3n-abc\r\nProxy-Authorization: Basic pr0xy-pw\r\nCookie: sid=s3ss10n; prefs=pr3fs\r\n\r\n' +
    // a body that carries a head with a cookie, byte for byte: it is data, and stays as sent
    'POST /echo HTTP/1.1\r\nContent-Length: 40\r\n\r\nGET / HTTP/1.1\r\nCookie: sid=s3ss10n\r\n\r\n' +
    'GET / HTTP/1.1\r\nCookie: sid=s3ss10n\r\n\r\n',
);
const RESPONSES = Buffer.from(
  'HTTP/1.1 200 OK\r\nSet-Cookie: sid=n3w-s3ss10n; Path=/; HttpOnly\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
);

describe('HTTP masking', () => {
  test('credential and cookie values are masked, same length; schemes, cookie names and attributes kept', () => {
    const head = REQUESTS.subarray(0, REQUESTS.indexOf('POST'));
    const masked = redactHttp('c2s', head)?.toString();
    assert.equal(
      masked,
      'GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer *********\r\nProxy-Authorization: Basic ********\r\nCookie: sid=*******; prefs=*****\r\n\r\n',
    );
    const answer = RESPONSES.subarray(0, RESPONSES.indexOf('okHTTP') + 2);
    assert.equal(redactHttp('s2c', answer)?.toString(), 'HTTP/1.1 200 OK\r\nSet-Cookie: sid=***********; Path=/; HttpOnly\r\nContent-Length: 2\r\n\r\nok');
    assert.equal(redactHttp('c2s', Buffer.from('GET / HTTP/1.1\r\nHost: h\r\n\r\n')), null);
    // a value with no scheme, and one folded over two lines: every value byte masked, the line ends kept
    assert.equal(
      redactHttp('c2s', Buffer.from('GET / HTTP/1.1\r\nAuthorization: abc\r\nCookie: a=1;\r\n b=22\r\n\r\n'))?.toString(),
      'GET / HTTP/1.1\r\nAuthorization: ***\r\nCookie: a=*;\r\n b=**\r\n\r\n',
    );
  });

  /** What the recorder writes of one direction's stream in two chunks cut at `at`, with this protocol's sessions. */
  function recorded(protocol: typeof http, dir: Direction, stream: Buffer, at: number): Buffer {
    const r = Redactor.for(protocol) as Redactor;
    const other: Direction = dir === 'c2s' ? 's2c' : 'c2s';
    // the answers need their requests' methods; the requests come first, whole
    if (dir === 's2c') r.take(other, REQUESTS);
    const out = [r.take(dir, stream.subarray(0, at)), r.take(dir, stream.subarray(at)), r.flush(dir)];
    return Buffer.concat(out.filter((b): b is Buffer => b !== null));
  }

  test('cut at every byte, the framing-only mask writes what masking each whole message writes, and no secret', () => {
    const decoding = { ...http, maskSession: undefined };
    for (const [dir, stream] of [
      ['c2s', REQUESTS],
      ['s2c', RESPONSES],
    ] as const) {
      const expected = recorded(decoding, dir, stream, stream.length);
      assert.equal(expected.length, stream.length);
      for (let at = 1; at < stream.length; at++) {
        const got = recorded(http, dir, stream, at);
        assert.deepEqual(got.toString(), expected.toString(), `${dir} cut at ${at}`);
        assert.deepEqual(recorded(decoding, dir, stream, at).toString(), expected.toString(), `${dir} cut at ${at}, decoding session`);
      }
      // the only secret's bytes left are in the echoed body (below), none in a head
      const left = SECRETS.map((s) => expected.toString().split(s).length - 1);
      assert.deepEqual(left, dir === 'c2s' ? [0, 0, 1, 0, 0] : [0, 0, 0, 0, 0], dir);
    }
    assert.match(
      recorded(http, 'c2s', REQUESTS, 7).toString(),
      /Content-Length: 40\r\n\r\nGET \/ HTTP\/1.1\r\nCookie: sid=s3ss10n\r\n\r\nGET \/ HTTP\/1.1\r\nCookie: sid=\*{7}\r\n/,
    );
  });

  test('an upload goes to the file as it arrives, not held until it is whole', () => {
    const r = Redactor.for(http) as Redactor;
    const head = Buffer.from(`PUT /big HTTP/1.1\r\nAuthorization: Bearer t0k3n-abc\r\nContent-Length: ${1024 * 1024}\r\n\r\n`);
    assert.equal(r.take('c2s', head.subarray(0, 30)), null, 'a head still arriving is held');
    assert.equal(r.take('c2s', head.subarray(30))?.toString(), head.toString().replace('t0k3n-abc', '*********'));
    const piece = Buffer.alloc(16 * 1024, 0x7a);
    for (let i = 0; i < 64; i++) assert.equal(r.take('c2s', piece)?.length, piece.length, `piece ${i}`);
  });

  test('told from its first bytes on any port, an HTTP connection is masked as HTTP, not masked whole', () => {
    let unknown = 0;
    const mask = connectionMask({ port: 41234, onUnknown: () => unknown++ });
    assert.ok(mask);
    const out = [...mask.take('c2s', REQUESTS.subarray(0, 100)), ...mask.take('c2s', REQUESTS.subarray(100)), ...mask.flush()];
    const text = Buffer.concat(out.map(([, b]) => b)).toString();
    assert.equal(unknown, 0);
    assert.ok(text.startsWith('GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer *********'), text);
    assert.ok(!text.includes('t0k3n-abc') && !text.includes('pr0xy-pw'));
  });
});
