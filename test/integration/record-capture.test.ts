// `record --capture`: tcpdump on the target's port, no proxy, the capture imported on stop with secrets masked.
// Real clients talk straight to the machine's servers (redis-cli, psql) while the CLI runs as a user runs it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { analyzeTranscript } from '../../extension/core/pairing';
import { requireService } from '../helpers/capture';
import { cli, startVerb } from '../helpers/cli';
import { bytesOf, readAll } from '../helpers/transcripts';
import { tempDir } from '../helpers/tmp';

const run = promisify(execFile);
const dir = tempDir();

/** Starts `record --capture` and resolves once tcpdump listens; `stop` ends it as Ctrl-C does and gives its output. */
async function capture(target: string, out: string, extra: string[] = []) {
  const v = await startVerb(['record', '--capture', '--target', target, '--out', out, ...extra], /capturing [\d.]+:(\d+) on /);
  return {
    stop: async () => {
      await new Promise((r) => setTimeout(r, 300)); // the last packets reach tcpdump's file
      const exited = new Promise<number | null>((r) => v.child.once('exit', (code) => r(code)));
      v.child.kill('SIGINT');
      return { code: await exited, stdout: v.stdout(), stderr: v.stderr() };
    },
  };
}

describe('record --capture', { timeout: 180_000 }, () => {
  test('redis-cli straight to Redis: every command paired, clean, the AUTH password not in the transcript', async () => {
    await requireService('Redis', 6379, 'redis-server --daemonize yes --port 6379');
    const out = join(dir, 'redis.transcript.jsonl');
    const secret = `ir-capture-${Date.now().toString(36)}`;
    const c = await capture('127.0.0.1:6379', out);
    await run('redis-cli', ['-p', '6379', 'SET', 'ir:capture', 'v1']);
    await run('redis-cli', ['-p', '6379', 'GET', 'ir:capture']);
    await run('redis-cli', ['-p', '6379', 'AUTH', 'ir-nobody', secret]).catch(() => undefined); // refused: no such user
    await run('redis-cli', ['-p', '6379', 'DEL', 'ir:capture']);
    const r = await c.stop();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /4 connections from \d+ packets, 0 gaps/);
    const text = readFileSync(out, 'latin1');
    assert.equal(text.includes(secret), false, 'the password is not in the file');
    assert.equal(text.includes(Buffer.from(secret).toString('base64').slice(0, 16)), false, 'nor its base64');
    const a = await analyzeTranscript(out);
    assert.equal(a.verdict, 'clean', a.notJudged.join('; '));
    assert.ok(a.summary.requests >= 4, `requests: ${a.summary.requests}`);
    assert.deepEqual(Object.keys(a.summary.protocols), ['redis']);
    const summaries: string[] = [];
    await analyzeTranscript(out, { onMessage: (_c, m) => void (m.dir === 'c2s' && summaries.push(m.decoded.summary)) });
    assert.ok(
      summaries.some((s) => /^AUTH ir-nobody \*+$/.test(s)),
      `the AUTH is there, masked: ${summaries.join(' | ')}`,
    );
    assert.ok(summaries.includes('SET ir:capture v1'), summaries.join(' | '));
  });

  test('psql straight to PostgreSQL: the queries paired, clean', async () => {
    await requireService('PostgreSQL', 5432, 'see SERVICES.md');
    const out = join(dir, 'pg.transcript.jsonl');
    const c = await capture('127.0.0.1:5432', out);
    await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-c', 'select 1 as one', '-c', "select 'ir-capture' as k"]);
    const r = await c.stop();
    assert.equal(r.code, 0, r.stderr);
    const a = await analyzeTranscript(out);
    assert.equal(a.verdict, 'clean', a.notJudged.join('; '));
    assert.deepEqual(Object.keys(a.summary.protocols), ['postgres']);
    assert.ok(a.summary.requests >= 3, `requests: ${a.summary.requests}`);
  });

  test('a connection already open when the capture starts is recorded masked whole, and said so', async () => {
    const out = join(dir, 'midstream.transcript.jsonl');
    const s = connect({ host: '127.0.0.1', port: 6379 });
    await new Promise((r) => s.once('connect', r));
    s.write('*1\r\n$4\r\nPING\r\n');
    await new Promise((r) => s.once('data', r));
    const c = await capture('127.0.0.1:6379', out);
    const secret = `ir-midstream-${Date.now().toString(36)}`;
    s.write(`*3\r\n$4\r\nAUTH\r\n$9\r\nir-nobody\r\n$${secret.length}\r\n${secret}\r\n`);
    await new Promise((r) => s.once('data', r));
    s.end();
    await new Promise((r) => s.once('close', r));
    const r = await c.stop();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 connections already open when the capture began \(recorded masked whole\)/);
    assert.equal(readFileSync(out, 'latin1').includes(secret), false, 'the password is not in the file');
    const data = (await readAll(out)).filter((e) => e.k === 'c2s' || e.k === 's2c');
    assert.ok(data.length > 0 && bytesOf(data, 1, 'c2s').every((b) => b === 0x2a), 'every byte of it masked');
  });

  test('no tcpdump on the PATH, --listen or --fault with --capture: one line each, exit 2, nothing written', async () => {
    const out = join(dir, 'none.transcript.jsonl');
    const env = { PATH: '/nonexistent' };
    const missing = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(__dirname, '..', '..', 'extension', 'cli', 'main.ts'), 'record', '--capture', '--target', '127.0.0.1:6379', '--out', out],
        { env: { ...process.env, ...env } },
        (err, _o, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr.trim(), /^incident-replay record: tcpdump is not installed \(apt-get install tcpdump\)/);
    for (const args of [
      ['--listen', '127.0.0.1:0'],
      ['--fault', 'latency:10ms'],
    ]) {
      const r = await cli(['record', '--capture', '--target', '127.0.0.1:6379', '--out', out, ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.throws(() => readFileSync(out), 'nothing written');
  });
});
