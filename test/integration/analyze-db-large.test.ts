import assert from 'node:assert/strict';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();
const ROOT = join(__dirname, '..', '..');

/** Repeats a recorded transcript's connections, renumbered and shifted in time, until the file holds `bytes`. */
async function grow(src: string, out: string, bytes: number): Promise<number> {
  const [header, ...lines] = readFileSync(src, 'utf8').trim().split('\n');
  const events = lines.map((l) => JSON.parse(l) as { t: number; c: number });
  const span = events[events.length - 1].t + 1000;
  const conns = Math.max(...events.map((e) => e.c));
  const w = createWriteStream(out);
  w.write(`${header}\n`);
  let written = 0;
  let copies = 0;
  while (written < bytes) {
    for (const e of events) {
      const s = `${JSON.stringify({ ...e, t: e.t + copies * span, c: e.c + copies * conns })}\n`;
      written += s.length;
      if (!w.write(s)) await new Promise<void>((r) => w.once('drain', () => r()));
    }
    copies++;
  }
  await new Promise<void>((r) => w.end(() => r()));
  return copies;
}

describe('database transcripts at scale', () => {
  for (const name of ['mysql2', 'pg']) {
    test(`a 100 MB ${name} transcript decodes and pairs in bounded memory`, async () => {
      const f = join(dir, `${name}-100mb.transcript.jsonl`);
      const copies = await grow(join(ROOT, 'replays', 'driver-check', `${name}.transcript.jsonl`), f, 100 * 1024 * 1024);
      // a 64 MB heap cannot hold a 100 MB file: decoding must stream
      const r = await cli(['analyze', '--json', f], { heapMb: 64 });
      assert.equal(r.code, 0, r.stderr.slice(0, 500));
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.summary.connections, copies * 4);
      assert.equal(doc.summary.undecoded, 0);
      assert.equal(doc.summary.findings.mismatch, 0);
      assert.equal(doc.summary.findings.unanswered, 0);
      assert.equal(doc.summary.findings.orphan, 0);
    });
  }
});
