// `-` as tcpdump's -r - and -w -: a capture read from standard input, a transcript written to standard output, and
// `analyze -` reading one from a pipe; bad input there is named <stdin> and its line. Also `--version`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'extension', 'cli', 'main.ts');
const CAPTURES = join(ROOT, 'test', 'fixtures', 'real', 'captures');
const dir = tempDir();

/** Event lines of a transcript's text, without the header (whose `source.capture` names where it came from). */
function eventLines(text: string): string[] {
  const lines = text.split('\n').filter((l) => l !== '');
  assert.equal(JSON.parse(lines[0]).type, 'header');
  return lines.slice(1);
}

describe('import - and --out -', () => {
  test('a capture on standard input imports as the same file would, named <stdin>', async () => {
    const fromFile = join(dir, 'file.transcript.jsonl');
    const fromStdin = join(dir, 'stdin.transcript.jsonl');
    const capture = join(CAPTURES, 'mixed.pcap');
    assert.equal((await cli(['import', capture, '--out', fromFile])).code, 0);
    const r = await cli(['import', '-', '--out', fromStdin], { input: readFileSync(capture) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 connections from 45 packets/);
    assert.deepEqual(eventLines(readFileSync(fromStdin, 'utf8')), eventLines(readFileSync(fromFile, 'utf8')));
    assert.equal(JSON.parse(readFileSync(fromStdin, 'utf8').split('\n')[0]).source.capture, '<stdin>');
  });

  test('--out - writes the transcript to standard output and the report to standard error', async () => {
    const file = join(dir, 'out-file.transcript.jsonl');
    const capture = join(CAPTURES, 'mariadb-50.pcap');
    await cli(['import', capture, '--out', file]);
    const r = await cli(['import', capture, '--out', '-']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(eventLines(r.stdout), eventLines(readFileSync(file, 'utf8')));
    assert.match(r.stderr, /<stdout>: mysql, 1 connections from 116 packets/);
    assert.equal(existsSync('-'), false);
  });

  test('import CAPTURE --out - | analyze - judges the capture as analyze of the imported file does', async () => {
    for (const name of ['mariadb-50.drop1.pcap', 'mixed.pcap']) {
      const file = join(dir, `${name}.transcript.jsonl`);
      await cli(['import', join(CAPTURES, name), '--out', file]);
      const direct = await cli(['analyze', '--json', file]);
      const importer = spawn(process.execPath, ['--import', 'tsx', MAIN, 'import', join(CAPTURES, name), '--out', '-'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const piped = await cli(['analyze', '-', '--json'], { input: importer.stdout });
      assert.equal(piped.code, direct.code, piped.stderr);
      const a = JSON.parse(piped.stdout);
      const b = JSON.parse(direct.stdout);
      assert.equal(a.file, '<stdin>');
      assert.equal(a.verdict, b.verdict);
      assert.deepEqual(a.summary, b.summary);
      assert.deepEqual(a.findings, b.findings);
      assert.deepEqual(a.notJudged, b.notJudged);
    }
  });

  test('cat CAPTURE | import - --out - | analyze -: a capture piped in and its transcript piped on', async () => {
    const importer = spawn(process.execPath, ['--import', 'tsx', MAIN, 'import', '-', '--out', '-'], { stdio: ['pipe', 'pipe', 'ignore'] });
    importer.stdin.end(readFileSync(join(CAPTURES, 'psql-50.drop1.pcap')));
    const r = await cli(['analyze', '-'], { input: importer.stdout });
    // the lost answer of the 25th select: inconclusive, the gap named
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^<stdin> \(postgres/);
    assert.match(r.stdout, /1 gap in the capture \(109 bytes lost\)/);
  });

  test('bad input on standard input names <stdin> and the line', async () => {
    const header = readFileSync(join(ROOT, 'replays', 'mogilefs-2008', 'mogilefs-2008.transcript.jsonl'), 'utf8')
      .split('\n')
      .slice(0, 4)
      .join('\n');
    const r = await cli(['analyze', '-'], { input: `${header}\n{"t":1,"c":1,"k":"c2s"}\n` });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^incident-replay analyze: <stdin>:5: /);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    const notCapture = await cli(['import', '-', '--out', join(dir, 'never.transcript.jsonl')], { input: 'hello, not a capture\n' });
    assert.equal(notCapture.code, 2);
    assert.match(notCapture.stderr, /^incident-replay import: <stdin>: not a pcap or pcapng capture/);
    assert.equal(existsSync(join(dir, 'never.transcript.jsonl')), false);
    const empty = await cli(['analyze', '-'], { input: '' });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /<stdin>: .*empty/);
  });

  test('standard input is read once: analyze - - is a usage error; a file beside - is read as a file', async () => {
    assert.equal((await cli(['analyze', '-', '-'], { input: '' })).code, 2);
    const file = join(dir, 'beside.transcript.jsonl');
    await cli(['import', join(CAPTURES, 'mariadb-50.pcap'), '--out', file]);
    const piped = readFileSync(file);
    const r = await cli(['analyze', '--json', '-', file], { input: piped });
    assert.equal(r.code, 0, r.stderr);
    const docs = JSON.parse(r.stdout) as Array<{ file: string; verdict: string }>;
    assert.deepEqual(
      docs.map((d) => d.file),
      ['<stdin>', file],
    );
    assert.deepEqual(
      docs.map((d) => d.verdict),
      ['clean', 'clean'],
    );
  });
});

describe('--version', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

  test("--version and the version verb print package.json's version, whatever the environment says", async () => {
    for (const args of [['--version'], ['version']]) {
      const r = await cli(args, { env: { ...process.env, INCIDENT_REPLAY_VERSION: '9.9.9-not-ours' } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), pkg.version);
    }
  });

  test('the built CLI carries the same version, bundled from package.json', async (t) => {
    const bundle = join(ROOT, 'dist', 'cli.js');
    if (!existsSync(bundle)) return t.skip('dist/cli.js not built (npm run build)');
    for (const arg of ['--version', 'version']) {
      const out = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [bundle, arg], { stdio: ['ignore', 'pipe', 'ignore'] });
        let s = '';
        child.stdout.on('data', (d) => (s += d));
        child.on('error', reject);
        child.on('close', () => resolve(s));
      });
      assert.equal(out.trim(), pkg.version, arg);
    }
    // the bundle holds the version, not the whole manifest
    assert.equal(readFileSync(bundle, 'utf8').includes('"contributes"'), false);
  });
});
