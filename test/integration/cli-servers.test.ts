import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeTranscript } from '../../extension/core/pairing';
import { connectTo } from '../helpers/net';
import { tempDir } from '../helpers/tmp';

const MAIN = join(__dirname, '..', '..', 'extension', 'cli', 'main.ts');
const dir = tempDir();

/** Starts a long-running verb and resolves with the address it announces on stderr. */
async function start(args: string[], announce: RegExp): Promise<{ child: ChildProcess; port: number; stdout: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no announcement within 30 s: ${err}`)), 30000);
    child.stderr?.on('data', (d) => {
      err += d;
      const m = announce.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { child, port, stdout: () => out };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  return exited;
}

async function ask(port: number, line: string): Promise<string> {
  const s = await connectTo(port);
  s.write(line);
  const got = await new Promise<string>((r) => s.once('data', (d: Buffer) => r(d.toString())));
  s.destroy();
  return got;
}

describe('the long-running verbs, as a user runs them', () => {
  test('tracker and record: a request through the recorder reaches the tracker; Ctrl-C ends both cleanly', async () => {
    const tracker = await start(['tracker', '--port', '0'], /tracker listening on 127\.0\.0\.1:(\d+)/);
    const out = join(dir, 'cli.transcript.jsonl');
    const rec = await start(
      ['record', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${tracker.port}`, '--out', out, '--protocol', 'mogilefs', '--fault', 'latency:20ms'],
      /recording 127\.0\.0\.1:(\d+) ->/,
    );
    assert.equal(await ask(rec.port, 'noop\r\n'), 'OK \r\n');
    assert.equal(await ask(rec.port, 'get_domains\r\n'), 'OK domains=0\r\n');
    assert.equal(await stop(rec.child), 0);
    assert.match(rec.stdout(), /2 connections, 19 bytes client→server, 19 bytes server→client, 2 faults injected/);
    assert.equal(await stop(tracker.child), 0);
    assert.match(tracker.stdout(), /after 2 connections and 2 requests/);
    const a = await analyzeTranscript(out);
    assert.equal(a.summary.requests, 2);
    assert.equal(a.summary.responses, 2);
    assert.equal(a.summary.findings.mismatch, 0);
    assert.equal(a.verdict, 'clean', 'stopped normally, the recording ends with its closing line');
  });

  test('a recorder killed with SIGKILL leaves a transcript without its closing line: read as cut, inconclusive, never clean', async () => {
    const tracker = await start(['tracker', '--port', '0'], /tracker listening on 127\.0\.0\.1:(\d+)/);
    const out = join(dir, 'killed.transcript.jsonl');
    const rec = await start(
      ['record', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${tracker.port}`, '--out', out, '--protocol', 'mogilefs'],
      /recording 127\.0\.0\.1:(\d+) ->/,
    );
    assert.equal(await ask(rec.port, 'noop\r\n'), 'OK \r\n');
    await new Promise((r) => setTimeout(r, 100)); // past the writer's 5 ms batching: the exchange is on disk
    const killed = new Promise((r) => rec.child.once('exit', r));
    rec.child.kill('SIGKILL');
    await killed;
    await stop(tracker.child);
    const a = await analyzeTranscript(out);
    assert.equal(a.summary.requests, 1);
    assert.equal(a.summary.findings.mismatch, 0);
    assert.equal(a.verdict, 'inconclusive');
    assert.match(a.notJudged.join('; '), /the recording has no closing line: the recorder was killed or crashed/);
  });

  test('record refuses what it must: an existing --out, a remote listen address, a bad fault', async () => {
    const { cli } = await import('../helpers/cli');
    const existing = join(dir, 'cli.transcript.jsonl');
    assert.ok(existsSync(existing));
    for (const [args, why] of [
      [['--listen', '127.0.0.1:0', '--target', '127.0.0.1:1', '--out', existing], /already exists; refusing to overwrite/],
      [['--listen', '0.0.0.0:0', '--target', '127.0.0.1:1', '--out', join(dir, 'x.transcript.jsonl')], /not a loopback address/],
      [
        ['--listen', '127.0.0.1:0', '--target', '127.0.0.1:1', '--out', join(dir, 'y.transcript.jsonl'), '--fault', 'latency:soon'],
        /--fault "latency:soon": "soon" is not a duration/,
      ],
    ] as const) {
      const r = await cli(['record', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, why);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
    assert.equal(existsSync(join(dir, 'x.transcript.jsonl')), false);
  });
});
