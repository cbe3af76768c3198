import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openTranscript, TranscriptError, TranscriptWriter, eventBytes, type DataEvent } from '../../extension/core/transcript';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();
let n = 0;
const HEADER = '{"type":"header","format":"incident-replay/transcript","version":1,"protocol":"mogilefs","startedAt":"2026-01-01T00:00:00Z","clock":"us"}';
function file(text: string): string {
  const f = join(dir, `f${++n}.transcript.jsonl`);
  writeFileSync(f, text);
  return f;
}
async function readErr(f: string, lenient = false): Promise<TranscriptError> {
  try {
    const t = await openTranscript(f, { lenient });
    for await (const _ of t.events) void _;
  } catch (err) {
    assert.ok(err instanceof TranscriptError, `expected a TranscriptError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the read to fail');
}

describe('reading transcripts', () => {
  test('an empty file is an error naming the file', async () => {
    const f = file('');
    const e = await readErr(f);
    assert.equal(e.file, f);
    assert.match(e.message, /is empty/);
  });

  test('a header of another format is refused on line 1', async () => {
    const e = await readErr(file('{"type":"header","format":"pcap-json","version":1}\n'));
    assert.equal(e.line, 1);
    assert.match(e.problem, /not an Incident Replay transcript.*"pcap-json"/);
  });

  test('a future version asks for an update', async () => {
    const e = await readErr(file(HEADER.replace('"version":1', '"version":7') + '\n'));
    assert.equal(e.line, 1);
    assert.match(e.problem, /version 7 is newer than this tool reads/);
  });

  test('a line that is not JSON names its line number', async () => {
    const e = await readErr(file(`${HEADER}\n{"t":1,"c":1,"k":"open"}\nthis is not json\n{"t":2,"c":1,"k":"close"}\n`));
    assert.equal(e.line, 3);
    assert.equal(e.message.endsWith(':3: not JSON'), true, e.message);
  });

  test('--lenient reads past bad lines and counts them', async () => {
    const t = await openTranscript(file(`${HEADER}\n{"t":1,"c":1,"k":"open"}\ngarbage\n{"t":"x"}\n{"t":2,"c":1,"k":"close"}\n`), { lenient: true });
    const kinds: string[] = [];
    for await (const ev of t.events) kinds.push(ev.k);
    assert.deepEqual(kinds, ['open', 'close']);
    assert.equal(t.report.skipped, 2);
    assert.deepEqual(
      t.report.firstSkipped.map((s) => s.line),
      [3, 4],
    );
  });

  test('a truncated last line is reported as such, not thrown', async () => {
    const cut = '{"t":2,"c":1,"k":"c2s","d":"get_pa';
    const t = await openTranscript(file(`${HEADER}\n{"t":1,"c":1,"k":"open"}\n${cut}`));
    const kinds: string[] = [];
    for await (const ev of t.events) kinds.push(ev.k);
    assert.deepEqual(kinds, ['open']);
    assert.deepEqual(t.report.truncatedLastLine, { line: 3, bytes: Buffer.byteLength(cut) });
  });

  test('base64 that does not decode is an error on its line', async () => {
    const e = await readErr(file(`${HEADER}\n{"t":1,"c":1,"k":"s2c","d":"@@not base64@@","e":"base64"}\n`));
    assert.equal(e.line, 2);
    assert.match(e.problem, /not valid base64/);
  });

  test('time going backwards is an error', async () => {
    const e = await readErr(file(`${HEADER}\n{"t":5,"c":1,"k":"open"}\n{"t":4,"c":1,"k":"close"}\n`));
    assert.equal(e.line, 3);
    assert.match(e.problem, /time goes backwards/);
  });

  test('unknown kinds and fields are kept', async () => {
    const t = await openTranscript(file(`${HEADER}\n{"t":1,"c":1,"k":"tls-handshake","cipher":"x"}\n`));
    const evs = [];
    for await (const ev of t.events) evs.push(ev);
    assert.deepEqual(evs, [{ t: 1, c: 1, k: 'tls-handshake', cipher: 'x' }]);
  });

  test('a line longer than the limit is an error, not a memory blow-up', async () => {
    const e = await readErr(file(`${HEADER}\n{"t":1,"c":1,"k":"c2s","d":"${'x'.repeat(5000)}"}\n`), false).catch(() => null);
    assert.equal(e, null, 'a 5 KB line is fine by default');
    const f = file(`${HEADER}\n${'y'.repeat(3 << 20)}`);
    await assert.rejects(
      async () => {
        const t = await openTranscript(f, { maxLineBytes: 1 << 20 });
        for await (const _ of t.events) void _;
      },
      (err: Error) => err instanceof TranscriptError && err.line === 2 && /longer than 1 MiB/.test(err.message),
    );
  });

  test('with --lenient, a line past the limit is skipped, counted, and reading goes on after it', async () => {
    const f = file(`${HEADER}\n{"t":1,"c":1,"k":"open"}\n${'y'.repeat(3 << 20)}\n{"t":2,"c":1,"k":"close"}\n`);
    const t = await openTranscript(f, { maxLineBytes: 1 << 20, lenient: true });
    const kinds: string[] = [];
    for await (const ev of t.events) kinds.push(ev.k);
    assert.deepEqual(kinds, ['open', 'close']);
    assert.equal(t.report.skipped, 1);
    assert.deepEqual(t.report.firstSkipped[0], { line: 3, problem: 'the line is longer than 1 MiB' });
  });

  test("a UTF-8 byte-order mark before the header (an editor's save) is no error", async () => {
    const t = await openTranscript(file(`\ufeff${HEADER}\n{"t":1,"c":1,"k":"open"}\n`));
    assert.equal(t.header.protocol, 'mogilefs');
  });

  test('the writer refuses to overwrite, and what it writes reads back byte for byte', async () => {
    const f = join(dir, 'w.transcript.jsonl');
    const w = await TranscriptWriter.create(f, { protocol: 'mogilefs' });
    const binary = Buffer.from([0, 255, 10, 13, 0xc3]);
    w.event(1, 'open', { peer: '127.0.0.1:1' });
    w.data(1, 'c2s', Buffer.from('noop\r\n'));
    w.data(1, 's2c', binary);
    await w.close();
    await assert.rejects(TranscriptWriter.create(f, { protocol: 'mogilefs' }), /already exists/);
    const t = await openTranscript(f);
    const data: Buffer[] = [];
    for await (const ev of t.events) if (ev.k === 's2c' || ev.k === 'c2s') data.push(eventBytes(ev as DataEvent));
    assert.deepEqual(
      data.map((b) => b.toString('hex')),
      [Buffer.from('noop\r\n').toString('hex'), binary.toString('hex')],
    );
  });

  test('deferred chunks are written in the order relayed, events wait their turn, and no line goes back in time', async () => {
    const f = join(dir, 'deferred.transcript.jsonl');
    const w = await TranscriptWriter.create(f, { protocol: 'redis' });
    w.event(1, 'open', { peer: '127.0.0.1:1' });
    // as the recorder does: a chunk stamped when relayed, its line written after the turn's other chunks
    const t1 = w.now();
    w.defer(() => w.data(1, 'c2s', Buffer.from('PING\r\n'), t1));
    // an event while something is deferred: written after it, not before
    w.event(1, 'fault', { fault: 'latency', dir: 's2c', latencyMs: 1 });
    const t2 = w.now();
    // a deferred write stamped earlier than a line already written (a flush of held bytes) is written at that line's time
    w.defer(() => w.data(1, 's2c', Buffer.from('+PONG\r\n'), Math.max(0, t1 - 1000)));
    await new Promise((r) => setImmediate(r));
    w.defer(() => w.data(1, 'c2s', Buffer.from('QUIT\r\n'), t2));
    await w.close(); // runs what is still deferred first
    const t = await openTranscript(f);
    const seen: Array<{ k: string; t: number }> = [];
    for await (const ev of t.events) seen.push({ k: ev.k, t: ev.t });
    assert.deepEqual(
      seen.map((e) => e.k),
      ['open', 'c2s', 'fault', 's2c', 'c2s', 'end'],
    );
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].t >= seen[i - 1].t, `line ${i}: ${seen[i].t} after ${seen[i - 1].t}`);
    assert.equal(seen[1].t, t1);
  });

  test('deferred chunks count as unwritten until written, and a wait on them ends when they are taken, written or not', async () => {
    const f = join(dir, 'deferred-bytes.transcript.jsonl');
    const w = await TranscriptWriter.create(f, { protocol: 'redis' });
    const turn = () => new Promise((r) => setImmediate(r));
    const small = Buffer.from('GET k\r\n');
    w.defer(() => w.data(1, 'c2s', small, w.now()), small.length);
    assert.ok(w.unwritten >= small.length, `unwritten ${w.unwritten} counts the deferred chunk`);
    await w.synced();
    assert.equal(w.unwritten, 0);
    // past the writer's bound while deferred: the relay waits; a mask that holds the bytes writes nothing, and the
    // wait must end all the same once they are taken
    const held = TranscriptWriter.AHEAD_LIMIT + 1;
    w.defer(() => undefined, held);
    assert.equal(w.congested, true);
    const ended = await Promise.race([w.drained().then(() => 'drained'), new Promise((r) => setTimeout(() => r('still waiting'), 2_000))]);
    assert.equal(ended, 'drained');
    await turn();
    assert.equal(w.congested, false);
    await w.close();
    const kinds: string[] = [];
    for await (const ev of (await openTranscript(f)).events) kinds.push(ev.k);
    assert.deepEqual(kinds, ['c2s', 'end']);
  });
});
