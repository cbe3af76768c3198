// `analyze --jsonl`: one JSON line per finding, written as pairing settles it (before the transcript's end is read),
// then the summary and verdict; the same findings as --json.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cli } from '../helpers/cli';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'extension', 'cli', 'main.ts');
const REPLAYS = [
  join(ROOT, 'replays', 'mogilefs-2008', 'mogilefs-2008.transcript.jsonl'),
  join(ROOT, 'replays', 'redis-2023', 'redis-py-4.5.2.transcript.jsonl'),
  join(ROOT, 'replays', 'pgbench-pipeline', 'pgbench-pipeline.transcript.jsonl'),
];

type Line = { type: string; file: string; [k: string]: unknown };

const parseLines = (stdout: string): Line[] =>
  stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
const sortKey = (f: unknown) => JSON.stringify(f);
const without = (o: object, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe('analyze --jsonl', () => {
  for (const file of REPLAYS) {
    test(`${file.split('/').pop()}: the finding lines are --json's findings, the last line its summary and verdict`, async () => {
      const [jsonl, json] = await Promise.all([cli(['analyze', '--jsonl', file]), cli(['analyze', '--json', file])]);
      assert.equal(jsonl.code, json.code, jsonl.stderr);
      const lines = parseLines(jsonl.stdout);
      const doc = JSON.parse(json.stdout);
      const last = lines[lines.length - 1];
      assert.equal(last.type, 'summary');
      assert.deepEqual(without(last, 'type'), without(doc, 'findings'));
      const found = lines.slice(0, -1);
      assert.ok(found.every((l) => l.type === 'finding' && l.file === file));
      const bare = found.map((l) => without(l, 'type', 'file'));
      assert.equal(
        bare.length,
        Object.values(doc.summary.findings as Record<string, number>).reduce((a, b) => a + b, 0),
      );
      assert.deepEqual(bare.map(sortKey).sort(), (doc.findings as unknown[]).map(sortKey).sort());
    });
  }

  test('findings come out while the transcript is still being read', async () => {
    const file = REPLAYS[0];
    const doc = JSON.parse((await cli(['analyze', '--json', file])).stdout);
    const text = readFileSync(file, 'utf8').split('\n');
    // a finding is settled once the transcript reaches its time: the lines up to the first finding's time (and a few
    // more) go in, and the rest is held back until a finding line is out
    const firstUs = Math.min(...(doc.findings as Array<{ tUs: number }>).map((f) => f.tUs));
    const split = text.findIndex((l, i) => i > 0 && l !== '' && JSON.parse(l).t > firstUs) + 5;
    assert.ok(split > 5 && split < text.length - 100, `the first finding (at ${firstUs} µs) is near the end`);
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'analyze', '-', '--jsonl'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const firstLine = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
      child.on('exit', () => reject(new Error(`exited before any line: ${out}`)));
    });
    child.stdin.write(text.slice(0, split).join('\n') + '\n');
    const line = JSON.parse(await firstLine);
    assert.equal(line.type, 'finding');
    assert.equal(line.file, '<stdin>');
    assert.equal(child.exitCode, null);
    child.stdin.end(text.slice(split).join('\n'));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 1);
    assert.equal(parseLines(out).pop()?.verdict, 'mismatch');
  });

  test('among several files, one that cannot be read is an error line; --json and --jsonl together are refused', async () => {
    const r = await cli(['analyze', '--jsonl', REPLAYS[2], join(ROOT, 'no-such.transcript.jsonl')]);
    assert.equal(r.code, 2);
    const lines = parseLines(r.stdout);
    assert.deepEqual(lines.map((l) => l.type).slice(-2), ['summary', 'error']);
    assert.match(String(lines[lines.length - 1].error), /no-such\.transcript\.jsonl: cannot read: ENOENT/);
    const both = await cli(['analyze', '--json', '--jsonl', REPLAYS[2]]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give --json or --jsonl, not both/);
  });

  test('--help documents --jsonl', async () => {
    const r = await cli(['analyze', '--help']);
    assert.match(r.stdout, /--jsonl\s+JSON Lines, streamed/);
  });
});
