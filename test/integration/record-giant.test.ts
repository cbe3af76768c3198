// A legal message past the decoding cap (a 70 MB PostgreSQL query, an 80 MB MySQL query) is shown by its head and
// skipped by its own declared lengths: the recording keeps every byte, and decoding and pairing go on after it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { analyzeTranscript } from '../../extension/core/pairing';
import { startRecorder } from '../../extension/core/record';
import { eventBytes, type DataEvent } from '../../extension/core/transcript';
import { bytesOf, readAll } from '../helpers/transcripts';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();

async function judged(file: string) {
  const keys: string[] = [];
  let longestUs = 0;
  const a = await analyzeTranscript(file, {
    onMessage: (_c, msg) => {
      if (msg.dir !== 'c2s') return;
      keys.push(msg.decoded.summary);
      longestUs = Math.max(longestUs, msg.tEndUs - msg.tUs);
    },
  });
  return { a, summaries: keys, longestUs };
}

describe('messages past the decoding cap', { timeout: 180_000 }, () => {
  test('PostgreSQL: a 70 MB query, then the next one: both paired, the next decoded, the stats count every byte', async () => {
    const out = join(dir, 'pg-giant.transcript.jsonl');
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: '127.0.0.1:5432', out, protocol: 'postgres' });
    const c = new pg.Client({ host: '127.0.0.1', port: rec.address.port, user: 'postgres', database: 'test' });
    await c.connect();
    const size = 70 * 1024 * 1024;
    const r = await c.query(`select length('${'x'.repeat(size)}') as n`);
    assert.equal(Number(r.rows[0].n), size);
    const r2 = await c.query('select $1::text as k', ['user:42']);
    assert.equal(r2.rows[0].k, 'user:42');
    await c.end();
    await rec.close();
    assert.ok(rec.stats.c2sBytes > size);
    const { a, summaries, longestUs } = await judged(out);
    assert.equal(a.verdict, 'clean', a.notJudged.join('; '));
    assert.ok(longestUs > 0, 'the giant query is timed from its first byte to its last, not by its head alone');
    assert.ok(
      summaries.some((s) => /^\(\d+ bytes, past the decoding cap: shown by its first \d+\) select length\('x+/.test(s)),
      'the giant query shown by its head',
    );
    assert.ok(summaries.includes('select $1::text as k ["user:42"]'), 'the next query decoded');
  });

  test('MySQL: an 80 MB query, then the next one: both paired, the next decoded', async () => {
    const admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
    const [[was]] = (await admin.query('select @@global.max_allowed_packet as v')) as unknown as [[{ v: number }]];
    await admin.query('set global max_allowed_packet = 134217728'); // the server's own limit, for new connections
    try {
      const out = join(dir, 'mysql-giant.transcript.jsonl');
      const rec = await startRecorder({ listen: '127.0.0.1:0', target: '127.0.0.1:3306', out, protocol: 'mysql' });
      const c = await mysql.createConnection({ host: '127.0.0.1', port: rec.address.port, user: 'root', database: 'test' });
      const size = 80 * 1024 * 1024;
      const [r] = (await c.query(`select length('${'x'.repeat(size)}') as n`)) as unknown as [[{ n: number }]];
      assert.equal(Number(r[0].n), size);
      const [r2] = (await c.query('select ? as k', ['user:42'])) as unknown as [[{ k: string }]];
      assert.equal(r2[0].k, 'user:42');
      await c.end();
      await rec.close();
      const { a, summaries, longestUs } = await judged(out);
      assert.equal(a.verdict, 'clean', a.notJudged.join('; '));
      assert.ok(longestUs > 0, 'the giant query is timed from its first byte to its last, not by its head alone');
      assert.ok(
        summaries.some((s) => s.includes("select 'user:42' as k")),
        `the next query decoded: ${summaries.join(' | ').slice(0, 300)}`,
      );
    } finally {
      await admin.query(`set global max_allowed_packet = ${Number(was.v)}`);
      await admin.end();
    }
  });
});

/** The client's data events of connection 1, their sizes in bytes. */
async function c2sSizes(file: string): Promise<number[]> {
  return (await readAll(file)).filter((e) => e.c === 1 && e.k === 'c2s').map((e) => eventBytes(e as DataEvent).length);
}

// While secrets are masked, a message still arriving used to be held whole until its last byte: a recorder killed
// during a 40 MB query lost all of it, past the 4 MiB the relay may run ahead of the file. A message whose head shows
// it holds no secret is now written as it arrives; one that may hold a secret is still held whole, then masked.
describe('a big message under the cap is written as it arrives, secrets still masked', { timeout: 180_000 }, () => {
  const size = 40 * 1024 * 1024;

  test('PostgreSQL (pg): a 40 MB query goes to the file in pieces, and the analysis is clean', async () => {
    const out = join(dir, 'pg-stream.transcript.jsonl');
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: '127.0.0.1:5432', out });
    const c = new pg.Client({ host: '127.0.0.1', port: rec.address.port, user: 'postgres', database: 'test' });
    await c.connect();
    const r = await c.query(`select length('${'x'.repeat(size)}') as n`);
    assert.equal(Number(r.rows[0].n), size);
    await c.end();
    await rec.close();
    const sizes = await c2sSizes(out);
    assert.ok(sizes.reduce((a, b) => a + b, 0) > size, 'every byte recorded');
    assert.ok(Math.max(...sizes) < 8 * 1024 * 1024, `the query was written as it arrived, not held whole: largest event ${Math.max(...sizes)} bytes`);
    const { a } = await judged(out);
    assert.equal(a.verdict, 'clean', a.notJudged.join('; '));
  });

  test('Redis (ioredis): a 40 MB SET goes to the file in pieces; an AUTH after it, and a big AUTH, are held and masked', async () => {
    const out = join(dir, 'redis-stream.transcript.jsonl');
    const rec = await startRecorder({ listen: '127.0.0.1:0', target: '127.0.0.1:6379', out });
    const r = new Redis({ host: '127.0.0.1', port: rec.address.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await r.connect();
    const password = `ir-stream-${randomBytes(6).toString('hex')}`;
    const bigPassword = `${password}-${'p'.repeat(200 * 1024)}`;
    try {
      assert.equal(await r.set('ir:stream:big', Buffer.alloc(size, 0x79)), 'OK');
      await assert.rejects(r.auth('ir-nobody', password));
      await assert.rejects(r.auth('ir-nobody', bigPassword));
      await r.del('ir:stream:big');
    } finally {
      r.disconnect();
      await new Promise((res) => setTimeout(res, 100));
      await rec.close();
    }
    const sizes = await c2sSizes(out);
    assert.ok(Math.max(...sizes) < 8 * 1024 * 1024, `the SET was written as it arrived: largest event ${Math.max(...sizes)} bytes`);
    assert.ok(
      sizes.some((n) => n > bigPassword.length),
      'the big AUTH was held whole, then masked',
    );
    const text = readFileSync(out, 'latin1');
    const bytes = bytesOf(await readAll(out), 1, 'c2s').toString('latin1');
    for (const [where, s] of [
      ['text', text],
      ['bytes', bytes],
    ]) {
      assert.ok(!s.includes(password), `the password is not in the file's ${where}`);
      assert.ok(!s.includes(Buffer.from(password).toString('base64').slice(0, 12)), `nor its base64, in the ${where}`);
    }
    const { a, summaries } = await judged(out);
    assert.equal(a.verdict, 'clean', a.notJudged.join('; '));
    assert.ok(summaries.filter((s) => /^AUTH ir-nobody "?\*+/.test(s)).length === 2, `both AUTHs decode, masked: ${summaries.join(' | ').slice(0, 300)}`);
  });

  test('MySQL (mysql2): a 40 MB query goes to the file in pieces, and the analysis is clean', async () => {
    const admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
    const [[was]] = (await admin.query('select @@global.max_allowed_packet as v')) as unknown as [[{ v: number }]];
    await admin.query('set global max_allowed_packet = 134217728');
    try {
      const out = join(dir, 'mysql-stream.transcript.jsonl');
      const rec = await startRecorder({ listen: '127.0.0.1:0', target: '127.0.0.1:3306', out });
      const c = await mysql.createConnection({ host: '127.0.0.1', port: rec.address.port, user: 'root', database: 'test' });
      const [r] = (await c.query(`select length('${'x'.repeat(size)}') as n`)) as unknown as [[{ n: number }]];
      assert.equal(Number(r[0].n), size);
      await c.end();
      await rec.close();
      const sizes = await c2sSizes(out);
      assert.ok(Math.max(...sizes) < 8 * 1024 * 1024, `the query was written as it arrived: largest event ${Math.max(...sizes)} bytes`);
      const { a } = await judged(out);
      assert.equal(a.verdict, 'clean', a.notJudged.join('; '));
    } finally {
      await admin.query(`set global max_allowed_packet = ${Number(was.v)}`);
      await admin.end();
    }
  });
});
