// A legal message past the decoding cap (a 70 MB PostgreSQL query, an 80 MB MySQL query) is shown by its head and
// skipped by its own declared lengths: the recording keeps every byte, and decoding and pairing go on after it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { analyzeTranscript } from '../../extension/core/pairing';
import { startRecorder } from '../../extension/core/record';
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
    assert.ok(summaries.some((s) => /^\(\d+ bytes, past the decoding cap: shown by its first \d+\) select length\('x+/.test(s)), 'the giant query shown by its head');
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
      assert.ok(summaries.some((s) => s.includes("select 'user:42' as k")), `the next query decoded: ${summaries.join(' | ').slice(0, 300)}`);
    } finally {
      await admin.query(`set global max_allowed_packet = ${Number(was.v)}`);
      await admin.end();
    }
  });
});
