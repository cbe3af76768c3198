// HTTP/1.x framing and pairing: Content-Length, chunked bodies with trailers, 100 Continue (never paired), HEAD,
// 204 and 304 without bodies, a body that runs to the connection's close, keep-alive and pipelining, Connection:
// close; the same messages however the bytes are split, at every byte of a small exchange and a byte at a time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pairing } from '../../extension/core/pairing';
import { http } from '../../extension/core/protocols/http';
import type { WireMessage } from '../../extension/core/protocols/types';
import type { Direction, TranscriptEvent } from '../../extension/core/transcript/format';
import type { Chunk } from '../helpers/capture';
import { prng, splitAt, totalBytes } from '../helpers/wire';

const c = (dir: Direction, text: string, tUs = 0): Chunk => ({ conn: 1, dir, tUs, bytes: Buffer.from(text, 'latin1') });

/** One keep-alive connection with every framing case, in the order the bytes went; the server closes at the end. */
const EXCHANGE: Chunk[] = [
  c('c2s', 'GET /a?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t0k3n\r\nCookie: sid=s3cr3t; theme=dark\r\n\r\n', 10),
  c('s2c', 'HTTP/1.1 200 OK\r\nSet-Cookie: sid=n3w; Path=/\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 9\r\n\r\n', 20),
  c('c2s', 'HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n', 30),
  c('s2c', 'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n', 40),
  c('c2s', 'POST /c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n', 50),
  c('s2c', 'HTTP/1.1 100 Continue\r\n\r\n', 60),
  c('c2s', 'hello', 70),
  c('s2c', 'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok', 80),
  // pipelined: two requests in one write, two answers in one write
  c('c2s', 'GET /d HTTP/1.1\r\nHost: h\r\n\r\nGET /e HTTP/1.1\r\nHost: h\r\nIf-None-Match: "v"\r\n\r\n', 90),
  c('s2c', 'HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nETag: "v"\r\n\r\n', 100),
  c('c2s', 'PUT /f HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', 110),
  c('s2c', 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbye, until the close', 120),
];

const EXPECTED = [
  'c2s GET /a?x=1',
  's2c 200 OK (11 bytes)',
  'c2s HEAD /b',
  's2c 200 OK',
  's2c 100 Continue (unsolicited)',
  'c2s POST /c (5 bytes)',
  's2c 201 Created (2 bytes)',
  'c2s GET /d',
  'c2s GET /e',
  's2c 204 No Content',
  's2c 304 Not Modified',
  'c2s PUT /f (3 bytes)',
  's2c 200 OK (20 bytes)',
];

/** Each chunk into one session, then the server's close. */
function frame(chunks: Chunk[], close = true): WireMessage[] {
  const s = http.session();
  const out = chunks.flatMap((ch) => s.push(ch.dir, ch.bytes, ch.tUs));
  if (close) out.push(...(s.close?.(1000) ?? []));
  return out;
}

const line = (m: WireMessage) => `${m.dir} ${m.decoded.summary}${m.unsolicited ? ' (unsolicited)' : ''}${m.decoded.error ? ` error: ${m.decoded.error}` : ''}`;
const shape = (ms: WireMessage[]) => ms.map((m) => `${line(m)} ${m.bytes.toString('base64')}`);

/** Through the real Pairing, as transcript events, with the closing event given. */
function pair(chunks: Chunk[], end: TranscriptEvent | null = { t: 1000, c: 1, k: 'close', by: 'server' }) {
  const pairs: string[] = [];
  const seen = new Map<number, string>();
  const pairing = new Pairing(http, {
    onMessage: (_c, msg, ref, pairedWith) => {
      if (msg.dir === 'c2s') seen.set(ref.seq, msg.decoded.summary);
      else if (pairedWith) pairs.push(`${seen.get(pairedWith.seq)} <- ${msg.decoded.summary}`);
    },
  });
  chunks.forEach((ch, i) => pairing.push({ t: ch.tUs, c: 1, k: ch.dir, d: ch.bytes.toString('base64'), e: 'base64' } as TranscriptEvent, i + 2));
  if (end) pairing.push(end, chunks.length + 2);
  pairing.finish();
  return { pairs, summary: pairing.summary, findings: pairing.findings };
}

describe('HTTP/1.x framing', () => {
  test('every case of the exchange frames as one message each, interim answers marked unsolicited', () => {
    const msgs = frame(EXCHANGE);
    assert.deepEqual(msgs.map(line), EXPECTED);
    // a message's bytes are all of it: the last answer, up to the close
    assert.equal(msgs.at(-1)?.bytes.toString(), 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbye, until the close');
    assert.equal(Buffer.concat(msgs.filter((m) => m.dir === 'c2s').map((m) => m.bytes)).length, totalBytes(EXCHANGE.filter((x) => x.dir === 'c2s')));
  });

  test('the same messages and bytes however the stream is split: at every byte, and a byte at a time', () => {
    const whole = shape(frame(EXCHANGE));
    const n = totalBytes(EXCHANGE);
    for (let at = 1; at < n; at++) assert.deepEqual(shape(frame(splitAt(EXCHANGE, at))), whole, `split at byte ${at}`);
    const bytewise = EXCHANGE.flatMap((ch) => [...ch.bytes].map((b) => ({ ...ch, bytes: Buffer.from([b]) })));
    assert.deepEqual(shape(frame(bytewise)), whole);
    const rand = prng(16);
    for (let k = 0; k < 50; k++) {
      const pieces = EXCHANGE.flatMap((ch) => {
        const out: Chunk[] = [];
        for (let i = 0; i < ch.bytes.length;) {
          const len = 1 + Math.floor(rand() * 9);
          out.push({ ...ch, bytes: ch.bytes.subarray(i, i + len) });
          i += len;
        }
        return out;
      });
      assert.deepEqual(shape(frame(pieces)), whole, `random split ${k}`);
    }
  });

  test('a message is timed from the chunk of its first byte to the chunk of its last', () => {
    const msgs = frame(EXCHANGE);
    const post = msgs.find((m) => m.decoded.summary.startsWith('POST')) as WireMessage;
    assert.deepEqual([post.tUs, post.tEndUs], [50, 70]);
    const last = msgs.at(-1) as WireMessage;
    assert.deepEqual([last.tUs, last.tEndUs], [120, 1000], 'a body that runs to the close is whole at the close');
  });

  test('pairs in order: every request its own answer, the 100 Continue none, nothing left over', () => {
    const r = pair(EXCHANGE);
    assert.deepEqual(r.pairs, [
      'GET /a?x=1 <- 200 OK (11 bytes)',
      'HEAD /b <- 200 OK',
      'POST /c (5 bytes) <- 201 Created (2 bytes)',
      'GET /d <- 204 No Content',
      'GET /e <- 304 Not Modified',
      'PUT /f (3 bytes) <- 200 OK (20 bytes)',
    ]);
    assert.deepEqual(r.summary.findings, { mismatch: 0, timeout: 0, late: 0, unanswered: 0, orphan: 0 });
    assert.equal(r.summary.protocols.http, 1);
  });

  test('a body that runs to the close is whole only at a clean close: a reset leaves its request unanswered', () => {
    const chunks = [c('c2s', 'GET / HTTP/1.0\r\n\r\n', 1), c('s2c', 'HTTP/1.0 200 OK\r\n\r\npartial', 2)];
    assert.deepEqual(pair(chunks).pairs, ['GET / <- 200 OK (7 bytes)']);
    const reset = pair(chunks, { t: 3, c: 1, k: 'reset', by: 'server' });
    assert.deepEqual(reset.pairs, []);
    assert.equal(reset.summary.findings.unanswered, 1);
    assert.equal(frame(chunks, false).length, 1, 'without the close only the request is whole');
  });

  test('Connection: close with a Content-Length is whole at its length, before the close', () => {
    const s = http.session();
    s.push('c2s', Buffer.from('GET /x HTTP/1.1\r\nConnection: close\r\n\r\n'), 1);
    const got = s.push('s2c', Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc'), 2);
    assert.deepEqual(got.map(line), ['s2c 200 OK (3 bytes)']);
    assert.equal(s.pendingBytes('s2c'), 0);
  });

  test('an answer that comes before its upload is whole waits for it, so pairing never sees it first', () => {
    const head = c('c2s', 'POST /up HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345', 1);
    const early = c('s2c', 'HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n', 2);
    const s = http.session();
    assert.equal(s.push(head.dir, head.bytes, 1).length, 0);
    assert.equal(s.push(early.dir, early.bytes, 2).length, 0, 'held');
    assert.deepEqual(s.push('c2s', Buffer.from('67890'), 3).map(line), ['c2s POST /up (10 bytes)', 's2c 413 Payload Too Large (0 bytes)']);
    // the server closes before the upload is whole: the request as far as it came, then its answer
    const r = pair([head, early]);
    assert.deepEqual(r.pairs, ['POST /up (5 bytes) <- 413 Payload Too Large (0 bytes)']);
    assert.equal(r.summary.findings.orphan + r.summary.findings.unanswered, 0);
    assert.equal(r.summary.undecoded, 1, 'the request cut short is counted as not whole');
  });

  test('a body past what is kept is counted, not held: its head and first 64 KiB are the message', () => {
    const s = http.session();
    s.push('c2s', Buffer.from('GET /big HTTP/1.1\r\n\r\n'), 0);
    const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${4 * 1024 * 1024}\r\n\r\n`);
    const out: WireMessage[] = [...s.push('s2c', head, 1)];
    const piece = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 64; i++) out.push(...s.push('s2c', piece, 2 + i));
    assert.equal(out.length, 1);
    assert.equal(out[0].decoded.summary, `200 OK (${4 * 1024 * 1024} bytes)`);
    assert.equal(out[0].bytes.length, 64 * 1024);
    assert.equal(out[0].tEndUs, 65);
  });

  test('a server that closes an idle connection with 408 answers no request', () => {
    const s = http.session();
    const [m] = s.push('s2c', Buffer.from('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'), 1);
    assert.equal(m.unsolicited, true);
    assert.equal(m.decoded.failed, true);
  });
});

describe('HTTP/1.x bytes that cannot be framed', () => {
  const lost = (dir: Direction, text: string, lead = 'GET / HTTP/1.1\r\n\r\n') => {
    const s = http.session();
    if (dir === 's2c') s.push('c2s', Buffer.from(lead), 0);
    const out = s.push(dir, Buffer.from(text, 'latin1'), 1);
    out.push(...s.push(dir, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 2));
    return { out, pending: s.pendingBytes(dir) };
  };

  test('a chunk-size line that is not hex: the answer as far as it came, then the rest unframed, and nothing after', () => {
    const { out, pending } = lost('s2c', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n');
    assert.deepEqual(
      out.map((m) => [m.decoded.summary, m.lostFraming ?? false]),
      [
        ['200 OK (5 bytes)', false],
        ['unframable bytes (4)', true],
      ],
    );
    assert.match(out[0].decoded.error ?? '', /chunk-size line/);
    assert.equal(pending, 0);
  });

  test('Content-Length values that differ, a head past 64 KiB, HTTP/2, or not HTTP at all lose the framing', () => {
    assert.match(lost('c2s', 'POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd').out[0].decoded.error ?? '', /differ/);
    assert.match(lost('c2s', `GET / HTTP/1.1\r\nX: ${'a'.repeat(70 * 1024)}`).out[0].decoded.error ?? '', /longer than 65536/);
    assert.match(lost('c2s', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n').out[0].decoded.error ?? '', /not HTTP\/1/);
    assert.match(lost('s2c', 'SSH-2.0-OpenSSH\r\n\r\n').out[0].decoded.error ?? '', /not an HTTP status line/);
    assert.match(lost('c2s', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n').out[0].decoded.error ?? '', /no length/);
  });

  test('after 101 Switching Protocols the bytes each way are one unframed message, not HTTP', () => {
    const s = http.session();
    s.push('c2s', Buffer.from('GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'), 1);
    const up = s.push('s2c', Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x02hi', 'latin1'), 2);
    assert.deepEqual(
      up.map((m) => m.decoded.summary),
      ['101 Switching Protocols', 'unframable bytes (4)'],
    );
    assert.match(up[1].decoded.error ?? '', /speaks websocket/);
    const client = s.push('c2s', Buffer.from('\x81\x82abcdGET / HTTP/1.1\r\n\r\n', 'latin1'), 3);
    assert.equal(client.length, 1);
    assert.equal(client[0].lostFraming, true);
    assert.equal(s.push('c2s', Buffer.from('more'), 4).length, 0);
  });

  test("hostile bytes never throw, and nothing is held past a head's cap", () => {
    const rand = prng(2016);
    const seed = Buffer.concat(EXCHANGE.map((x) => x.bytes));
    // bytes that framing reads: line ends, hex digits, separators; and any byte
    const ALPHABET = Buffer.from('\r\n\r\n:; 0123456789abcdefxzHTTP/1.1 ');
    for (let i = 0; i < 2000; i++) {
      const s = http.session();
      const b = Buffer.from(seed.subarray(0, Math.floor(rand() * seed.length) + 1));
      for (let k = 0; k < 1 + Math.floor(rand() * 8); k++)
        b[Math.floor(rand() * b.length)] = rand() < 0.7 ? ALPHABET[Math.floor(rand() * ALPHABET.length)] : Math.floor(rand() * 256);
      for (let at = 0; at < b.length;) {
        const n = 1 + Math.floor(rand() * 200);
        const dir: Direction = rand() < 0.5 ? 'c2s' : 's2c';
        s.push(dir, b.subarray(at, at + n), at);
        at += n;
      }
      s.close?.(1);
      assert.ok(s.pendingBytes('c2s') <= b.length && s.pendingBytes('s2c') <= b.length);
    }
  });
});
