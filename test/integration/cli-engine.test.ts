import assert from 'node:assert/strict';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const REPLAY = join(__dirname, '..', '..', 'replays', 'mogilefs-2008', 'mogilefs-2008.transcript.jsonl');
const dir = tempDir();
const HEADER = '{"type":"header","format":"incident-replay/transcript","version":1,"protocol":"mogilefs","startedAt":"2026-01-01T00:00:00Z","clock":"us"}';

describe('incident-replay analyze', () => {
  test('names the first mismatch of the bundled 2008 replay: the request, the answer it got, whose answer it was; exit 1', async () => {
    const r = await cli(['analyze', REPLAY]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /FIRST MISMATCH at [\d.]+ ms on connection 2/);
    assert.match(r.stdout, /request\s+#\d+ get_paths domain=mail key=msg:\d+/);
    assert.match(r.stdout, /received\s+OK paths=2 path1=\S+\.fid/);
    assert.match(r.stdout, /which answers request #\d+ get_paths domain=mail key=msg:\d+/);
    assert.match(r.stdout, /evidence: asked for key "msg:\d+", got the answer for key "msg:\d+"/);
  });

  test('--json gives the findings with both requests, and the counts', async () => {
    const r = await cli(['analyze', '--json', REPLAY]);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.clean, false);
    assert.ok(doc.summary.findings.mismatch > 0);
    const m = doc.findings.find((f: { kind: string }) => f.kind === 'mismatch');
    assert.notEqual(m.request.key, m.answers.key);
    assert.equal(typeof m.tUs, 'number');
  });

  test("inferring the client view from the wire alone finds the same mismatches as the client's own events", async () => {
    const noClient = join(dir, 'wire-only.transcript.jsonl');
    writeFileSync(
      noClient,
      readFileSync(REPLAY, 'utf8')
        .split('\n')
        .filter((l) => !l.includes('"k":"client"'))
        .join('\n'),
    );
    const withEvents = JSON.parse((await cli(['analyze', '--json', REPLAY])).stdout);
    const inferred = JSON.parse((await cli(['analyze', '--json', noClient])).stdout);
    const pairs = (d: { findings: { kind: string; request: { seq: number; conn: number }; answers: { seq: number } }[] }) =>
      d.findings.filter((f) => f.kind === 'mismatch').map((f) => `${f.request.conn}:${f.request.seq}<-${f.answers.seq}`);
    assert.ok(pairs(withEvents).length > 0);
    assert.deepEqual(pairs(inferred), pairs(withEvents));
    assert.ok(inferred.findings.every((f: { basis: string }) => f.basis !== 'client'));
  });

  test('a header that names no known protocol: the protocol is guessed from the first bytes', async () => {
    for (const name of ['mysql2', 'pg', 'ioredis']) {
      const src = join(__dirname, '..', '..', 'replays', 'driver-check', `${name}.transcript.jsonl`);
      const f = join(dir, `unknown-${name}.transcript.jsonl`);
      writeFileSync(f, readFileSync(src, 'utf8').replace(/"protocol":"[a-z]+"/, '"protocol":"unknown"'));
      const r = await cli(['analyze', '--json', f]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).protocol, { mysql2: 'mysql', pg: 'postgres', ioredis: 'redis' }[name]);
    }
  });

  test('a transcript where every response reached its request says so and exits 0', async () => {
    const f = join(dir, 'clean.transcript.jsonl');
    writeFileSync(
      f,
      `${HEADER}\n{"t":0,"c":1,"k":"open"}\n{"t":1,"c":1,"k":"c2s","d":"noop\\r\\n"}\n{"t":2,"c":1,"k":"s2c","d":"OK \\r\\n"}\n{"t":3,"c":1,"k":"close","by":"client"}\n`,
    );
    const r = await cli(['analyze', f]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /clean: 1 requests on 1 connections, every response reached its request/);
  });

  test('bad input is one line naming the file and line, exit 2, no stack trace', async () => {
    const f = join(dir, 'bad.transcript.jsonl');
    writeFileSync(f, `${HEADER}\n{"t":0,"c":1,"k":"open"}\n{oops\n`);
    const r = await cli(['analyze', f]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /bad\.transcript\.jsonl:3: not JSON/);
    const lenient = await cli(['analyze', '--lenient', f]);
    // read past the bad line, there is nothing left to judge: inconclusive, never clean
    assert.equal(lenient.code, 3);
    assert.match(lenient.stdout, /1 bad lines skipped/);
    assert.match(lenient.stdout, /inconclusive: no mismatch in what could be judged, but no request or response could be decoded; 1 bad line skipped/);
  });

  test('usage errors are one line and exit 2; --help documents each verb', async () => {
    for (const args of [
      ['analyze'],
      ['analyze', '--nope', 'x'],
      ['frobnicate'],
      ['record', '--listen', '127.0.0.1:0'],
      ['reproduce', 'other-incident'],
      ['tracker', '--slow', 'soon'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')} printed: ${r.stderr}`);
    }
    for (const verb of ['analyze', 'record', 'tracker', 'reproduce']) {
      const r = await cli([verb, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`usage: incident-replay ${verb}`));
    }
  });

  test('a 200 MB transcript is analysed in bounded memory', async () => {
    const f = join(dir, 'big.transcript.jsonl');
    const out = createWriteStream(f);
    out.write(`${HEADER}\n`);
    let bytes = 0;
    let t = 0;
    const pad = 'x'.repeat(900);
    for (let i = 0; bytes < 200 * 1024 * 1024; i++) {
      const c = (i % 50) + 1;
      const lines = `{"t":${++t},"c":${c},"k":"c2s","d":"get_paths domain=d&key=k${i}&pad=${pad}\\r\\n"}\n{"t":${++t},"c":${c},"k":"s2c","d":"OK paths=1&path1=http://h/${i}.fid\\r\\n"}\n`;
      bytes += lines.length;
      if (!out.write(lines)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    // a 96 MB heap cannot hold a 200 MB file: the analysis must stream
    const r = await cli(['analyze', '--json', f], { heapMb: 96 });
    assert.equal(r.code, 0, r.stderr.slice(0, 500));
    const doc = JSON.parse(r.stdout);
    assert.ok(doc.summary.requests > 150000, `requests: ${doc.summary.requests}`);
    assert.equal(doc.summary.requests, doc.summary.responses);
    assert.equal(doc.clean, true);
  });
});

describe('incident-replay reproduce mogilefs-2008', () => {
  test('run twice: the buggy client shows mismatches both times, the safe client none, with counts', async () => {
    for (const run of [1, 2]) {
      const out = join(dir, `repro-${run}.transcript.jsonl`);
      const r = await cli(['reproduce', 'mogilefs-2008', '--out', out, '--requests', '40']);
      assert.equal(r.code, 0, `run ${run}: ${r.stdout}\n${r.stderr}`);
      const buggy = /buggy client[^:]*: (\d+) requests, (\d+) right answers, (\d+) answers for another key.*transcript: (\d+) mismatches/.exec(r.stdout);
      const safe = /safe client[^:]*: (\d+) requests, (\d+) right answers, (\d+) answers for another key.*transcript: (\d+) mismatches/.exec(r.stdout);
      assert.ok(buggy && safe, r.stdout);
      assert.ok(Number(buggy[3]) > 0, `run ${run}: the buggy client took other keys' answers`);
      assert.equal(buggy[4], buggy[3], `run ${run}: the transcript finds what the client took`);
      assert.equal(safe[3], '0');
      assert.equal(safe[4], '0');
      const again = await cli(['reproduce', 'mogilefs-2008', '--out', out]);
      assert.equal(again.code, 2, 'never overwrites a transcript');
    }
  });
});
