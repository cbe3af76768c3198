// What the timeline and details show of HTTP messages (the start line, the header fields, a short printable body
// preview, `GET /path` and `200 OK (N bytes)`), the request's key, and telling HTTP from its first bytes or its port.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectProtocol, protocolByName, tellConnection } from '../../extension/core/protocols';
import { describeHttp, http } from '../../extension/core/protocols/http';
import { LazyDecoded, type WireMessage } from '../../extension/core/protocols/types';

function exchange(req: string, resp: string | Buffer): WireMessage[] {
  const s = http.session();
  return [...s.push('c2s', Buffer.from(req), 1), ...s.push('s2c', typeof resp === 'string' ? Buffer.from(resp) : resp, 2), ...(s.close?.(3) ?? [])];
}

describe('HTTP decoding', () => {
  test('a request reads as its method and target, with its fields and its target as the key', () => {
    const [m] = exchange('POST /items/7?x=1 HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"a":"b"}', '');
    assert.equal(m.decoded.summary, 'POST /items/7?x=1 (9 bytes)');
    assert.equal(m.decoded.key, '/items/7?x=1');
    assert.deepEqual(m.decoded.fields, {
      method: 'POST',
      target: '/items/7?x=1',
      version: 'HTTP/1.1',
      headers: ['Host: h', 'Content-Type: application/json', 'Content-Length: 9'],
      bodyBytes: 9,
      body: '{"a":"b"}',
    });
  });

  test('an answer reads as its status and body length, fails from 400 on, and names no key', () => {
    const [, ok] = exchange('GET / HTTP/1.1\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n' + 'x'.repeat(1234));
    assert.equal(ok.decoded.summary, '200 OK (1234 bytes)');
    assert.equal(ok.decoded.key, undefined);
    assert.equal(ok.decoded.failed, undefined);
    assert.equal((ok.decoded.fields as Record<string, unknown>).body, `${'x'.repeat(200)}… (1234 bytes)`);
    const [, missing] = exchange('GET /nope HTTP/1.1\r\n\r\n', 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    assert.equal(missing.decoded.summary, '404 Not Found (0 bytes)');
    assert.equal(missing.decoded.failed, true);
  });

  test('a binary or compressed body is shown in hex, with its coding', () => {
    const body = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    const [, m] = exchange(
      'GET / HTTP/1.1\r\n\r\n',
      Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\n'), body]),
    );
    assert.equal((m.decoded.fields as Record<string, unknown>).body, '0x1f8b0800000000000003 (gzip)');
  });

  test('from its bytes alone (the timeline keeps them), a whole message decodes as the session decoded it', () => {
    const msgs = exchange(
      'GET /a HTTP/1.1\r\n\r\nHEAD /b HTTP/1.1\r\n\r\nPUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
    );
    assert.equal(msgs.length, 6);
    for (const m of msgs) {
      assert.ok(m.decoded instanceof LazyDecoded && m.decoded.alone === 'http', m.decoded.summary);
      const alone = describeHttp(m.dir, m.bytes);
      assert.deepEqual(alone, JSON.parse(JSON.stringify(m.decoded)), m.decoded.summary);
      assert.deepEqual(protocolByName('http')?.describe?.(m.dir, m.bytes), alone);
    }
    assert.deepEqual(
      msgs.map((m) => m.decoded.summary),
      ['GET /a', 'HEAD /b', 'PUT /c (2 bytes)', '200 OK (3 bytes)', '200 OK', '204 No Content'],
    );
    assert.deepEqual((msgs[2].decoded.fields as Record<string, unknown>).trailers, ['X-T: 1']);
  });

  test('a message past what is kept is not decoded from its bytes alone: its length comes from the session', () => {
    const big = 100 * 1024;
    const [, m] = exchange('GET / HTTP/1.1\r\n\r\n', `HTTP/1.1 200 OK\r\nContent-Length: ${big}\r\n\r\n${'y'.repeat(big)}`);
    assert.equal(m.decoded instanceof LazyDecoded ? m.decoded.alone : 'eager', undefined);
    assert.equal(m.decoded.summary, `200 OK (${big} bytes)`);
  });

  test('a header line that is not `name: value` is decoded around and reported', () => {
    const [m] = exchange('GET / HTTP/1.1\r\nHost: h\r\nnot a header\r\n\r\n', '');
    assert.equal(m.decoded.summary, 'GET /');
    assert.match(m.decoded.error ?? '', /not "name: value"/);
  });
});

describe("telling HTTP from a connection's first bytes or its port", () => {
  const b = (s: string) => Buffer.from(s);
  test('a request line or a status line is HTTP, whatever the port', () => {
    assert.equal(detectProtocol({ firstC2S: b('GET /x?a=b HTTP/1.1\r\nHost: h\r\n\r\n'), port: 7001 }), 'http');
    assert.equal(detectProtocol({ firstC2S: b('OPTIONS * HTTP/1.1\r\n') }), 'http');
    assert.equal(detectProtocol({ firstC2S: b('PROPFIND /dav HTTP/1.1\r\n') }), 'http');
    assert.equal(detectProtocol({ firstC2S: b('POST /upload') }), 'http', 'a request line still arriving');
    assert.equal(detectProtocol({ firstS2C: b('HTTP/1.1 200 OK\r\n') }), 'http');
  });

  test('what only looks like it is not: a tracker line, a Redis inline command, HTTP/2', () => {
    assert.equal(detectProtocol({ firstC2S: b('get_paths domain=d&key=k\r\n') }), 'mogilefs');
    assert.equal(detectProtocol({ firstC2S: b('GET user:1\r\n') }), null);
    assert.equal(detectProtocol({ firstC2S: b('GET /key\r\n') }), null);
    assert.equal(detectProtocol({ firstC2S: b('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n') }), null);
  });

  test('the well-known ports tell HTTP when the bytes do not, and a TLS hello on one stays TLS', () => {
    for (const port of [80, 8000, 8080, 8888]) assert.equal(detectProtocol({ firstC2S: b('GE'), port }), 'http', `port ${port}`);
    assert.equal(tellConnection({ firstC2S: Buffer.from([0x16, 3, 1, 0, 5]), port: 8080 }, true), 'tls');
  });
});
