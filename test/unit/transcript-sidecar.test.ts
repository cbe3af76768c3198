// The binary sidecar is a cache of a reading: every transcript read through it must give the same header, events,
// line numbers, report and analysis as reading its JSON Lines, over every recorded fixture and bundled replay (real
// clients, real captures); a sidecar that does not belong to the file as it is now (changed, cut, unreadable) is
// never read; a reading that did not reach the end, or skipped a line, leaves none behind.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyzeTranscript } from '../../extension/core/pairing';
import { openTranscript, sidecarPath, type ReadOptions } from '../../extension/core/transcript';
import { filesUnder } from '../helpers/files';

const ROOT = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'ir-sidecar-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function reading(file: string, opts: ReadOptions) {
  const t = await openTranscript(file, opts);
  const events: string[] = [];
  const lines: number[] = [];
  for await (const b of t.batches) {
    for (const ev of b.events) events.push(JSON.stringify(ev));
    lines.push(...b.lines);
  }
  return { header: t.header, events, lines, report: t.report };
}

test('every fixture and replay reads the same from its sidecar as from its JSON Lines, and analyses the same', async () => {
  const files = [...filesUnder(join(ROOT, 'test', 'fixtures'), '.jsonl'), ...filesUnder(join(ROOT, 'replays'), '.jsonl')];
  assert.ok(files.length >= 20, `fixtures found: ${files.length}`);
  const cache = join(work, 'all');
  let read = 0;
  let events = 0;
  for (const file of files) {
    for (const lenient of [false, true]) {
      let plain;
      try {
        plain = await reading(file, { lenient });
      } catch (err) {
        // a fixture that is bad input must stay bad input when a cache is at hand, and leave no sidecar
        await assert.rejects(reading(file, { lenient, sidecar: { dir: cache, minBytes: 0 } }), { message: (err as Error).message });
        assert.equal(existsSync(sidecarPath(cache, file)), false, file);
        continue;
      }
      const building = await reading(file, { lenient, sidecar: { dir: cache, minBytes: 0 } });
      assert.deepEqual(building, plain, `${file}: building the sidecar changed the reading`);
      const built = existsSync(sidecarPath(cache, file));
      assert.equal(built, plain.report.skipped === 0, `${file}: a sidecar is kept exactly when nothing was skipped`);
      if (!built) continue;
      const side = await reading(file, { lenient, sidecar: { dir: cache, minBytes: 0 } });
      assert.deepEqual(side, plain, `${file} (lenient ${lenient}): the sidecar's reading differs`);
      const a = await analyzeTranscript(file, { lenient });
      const b = await analyzeTranscript(file, { lenient, sidecar: { dir: cache, minBytes: 0 } });
      assert.deepEqual(JSON.parse(JSON.stringify(b)), JSON.parse(JSON.stringify(a)), `${file}: the analysis differs`);
      read++;
      events += plain.events.length;
    }
  }
  assert.ok(read >= 30 && events > 10_000, `read through a sidecar: ${read} readings, ${events} events`);
});

const HEADER = '{"type":"header","format":"incident-replay/transcript","version":1,"protocol":"redis","startedAt":"2026-01-01T00:00:00Z","clock":"us"}';
function transcript(name: string, body: string): string {
  const f = join(work, name);
  writeFileSync(f, `${HEADER}\n${body}`);
  return f;
}

test('a transcript changed since its sidecar was built is read from its JSON Lines, and its sidecar built again', async () => {
  const cache = join(work, 'changed');
  const f = transcript('changed.jsonl', '{"t":1,"c":1,"k":"c2s","d":"PING\\r\\n"}\n');
  const opts = { sidecar: { dir: cache, minBytes: 0 } };
  assert.equal((await reading(f, opts)).events.length, 1);
  appendFileSync(f, '{"t":2,"c":1,"k":"s2c","d":"+PONG\\r\\n"}\n');
  assert.equal((await reading(f, opts)).events.length, 2, 'a longer file');
  // the same size, another time: an edit that kept the length
  writeFileSync(f, `${HEADER}\n{"t":1,"c":1,"k":"c2s","d":"PONG\\r\\n"}\n{"t":2,"c":1,"k":"s2c","d":"+PING\\r\\n"}\n`);
  utimesSync(f, new Date(), new Date(Date.now() + 5000));
  const r = await reading(f, opts);
  assert.match(r.events[0], /PONG/);
  assert.deepEqual(await reading(f, opts), r);
});

test('a sidecar cut short, or not a sidecar, is not read: the transcript is', async () => {
  const cache = join(work, 'cut');
  const f = transcript('cut.jsonl', Array.from({ length: 200 }, (_, i) => `{"t":${i},"c":1,"k":"c2s","d":"SET k${i} v\\r\\n"}\n`).join(''));
  const opts = { sidecar: { dir: cache, minBytes: 0 } };
  const plain = await reading(f, {});
  await reading(f, opts);
  const p = sidecarPath(cache, f);
  truncateSync(p, statSync(p).size - 100);
  assert.deepEqual(await reading(f, opts), plain);
  writeFileSync(p, 'hello');
  assert.deepEqual(await reading(f, opts), plain);
  assert.ok(statSync(p).size > 1000, 'built again after the bad one');
});

test('a reading stopped before the end, or that skipped a line, leaves no sidecar; a cache that cannot be written is no error', async () => {
  const cache = join(work, 'partial');
  const body = Array.from({ length: 100_000 }, (_, i) => `{"t":${i},"c":1,"k":"c2s","d":"GET k${i}\\r\\n"}\n`).join('');
  const f = transcript('partial.jsonl', body);
  const t = await openTranscript(f, { sidecar: { dir: cache, minBytes: 0 } });
  for await (const b of t.batches) if (b.events.length > 0) break;
  assert.equal(existsSync(sidecarPath(cache, f)), false);
  assert.deepEqual(readdirSync(cache), [], 'no temporary file left');

  const bad = transcript('bad.jsonl', '{"t":1,"c":1,"k":"c2s","d":"PING\\r\\n"}\nnot json\n');
  const r = await reading(bad, { lenient: true, sidecar: { dir: cache, minBytes: 0 } });
  assert.equal(r.report.skipped, 1);
  assert.equal(existsSync(sidecarPath(cache, bad)), false);
  await assert.rejects(reading(bad, { sidecar: { dir: cache, minBytes: 0 } }), /bad\.jsonl:3: not JSON/);

  const file = join(work, 'a-file');
  writeFileSync(file, '');
  const small = transcript('small.jsonl', '{"t":1,"c":1,"k":"c2s","d":"PING\\r\\n"}\n');
  assert.equal((await reading(small, { sidecar: { dir: join(file, 'cache'), minBytes: 0 } })).events.length, 1);
});

test('a transcript below minBytes is read as it is, with no sidecar', async () => {
  const cache = join(work, 'small');
  const f = transcript('below.jsonl', '{"t":1,"c":1,"k":"c2s","d":"PING\\r\\n"}\n');
  await reading(f, { sidecar: { dir: cache, minBytes: 1 << 20 } });
  assert.equal(existsSync(sidecarPath(cache, f)), false);
  assert.equal(readFileSync(f, 'utf8').split('\n').length, 3);
});

test("the CLI keeps a large transcript's sidecar in its cache and gives the same analysis through it; --cache off keeps none", () => {
  const cache = join(work, 'cli-cache');
  const lines: string[] = [];
  // past the CLI's 32 MiB threshold, with a mismatch to report: the tracker answers one request with another key
  for (let i = 0; i < 120_000; i++) {
    const key = i === 777 ? 'msg:778' : `msg:${i}`;
    lines.push(`{"t":${i * 10},"c":${(i % 50) + 1},"k":"c2s","d":"get_paths domain=mail&key=msg:${i}${' '.repeat(100)}\\r\\n"}`);
    lines.push(
      `{"t":${i * 10 + 5},"c":${(i % 50) + 1},"k":"s2c","d":"OK paths=1&key=${key}&path1=http://127.0.0.1:7500/dev1/${'0'.repeat(60)}${i}.fid\\r\\n"}`,
    );
  }
  const f = join(work, 'cli.transcript.jsonl');
  writeFileSync(f, `${HEADER.replace('redis', 'mogilefs')}\n${lines.join('\n')}\n`);
  assert.ok(statSync(f).size > 32 << 20);
  const cli = join(ROOT, 'dist', 'cli.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'analyze', f, '--json', ...args], { encoding: 'utf8' });
  const off = run('--cache', 'off');
  assert.equal(existsSync(join(cache, 'sidecars')), false);
  const first = run('--cache', cache);
  assert.equal(readdirSync(join(cache, 'sidecars')).length, 1, 'the sidecar is kept');
  const second = run('--cache', cache);
  for (const r of [off, first, second]) assert.equal(r.stderr, '');
  assert.equal(first.status, off.status);
  assert.equal(second.status, off.status);
  assert.equal(second.stdout, off.stdout);
  assert.equal(first.stdout, off.stdout);
  const env = { ...process.env, INCIDENT_REPLAY_CACHE: join(work, 'env-cache') };
  spawnSync(process.execPath, [cli, 'analyze', f], { env });
  assert.equal(readdirSync(join(work, 'env-cache', 'sidecars')).length, 1, 'INCIDENT_REPLAY_CACHE names the cache');
});

test('past its size, the sidecar cache drops the least recently read sidecars, never the one just written', async () => {
  const cache = join(work, 'evict');
  const body = Array.from({ length: 2000 }, (_, i) => `{"t":${i},"c":1,"k":"c2s","d":"SET key${i} value${i}\\r\\n"}\n`).join('');
  const a = transcript('evict-a.jsonl', body);
  const b = transcript('evict-b.jsonl', body);
  const c = transcript('evict-c.jsonl', body);
  const small = { dir: cache, minBytes: 0 };
  await reading(a, { sidecar: small });
  await reading(b, { sidecar: small });
  const one = statSync(sidecarPath(cache, a)).size;
  // a read last: b is the least recently read when c comes, and only two fit
  utimesSync(sidecarPath(cache, b), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  await reading(a, { sidecar: small });
  await reading(c, { sidecar: { ...small, maxBytes: one * 2 + 10 } });
  assert.deepEqual(
    [a, b, c].map((f) => existsSync(sidecarPath(cache, f))),
    [true, false, true],
  );
  await reading(a, { sidecar: { ...small, maxBytes: 1 } });
  assert.equal(existsSync(sidecarPath(cache, c)), true, 'reading does not trim: only a new sidecar does');
});
