// What a recording keeps when the recorder dies or its disk fills: the relay never runs more than the writer's bound
// (TranscriptWriter.AHEAD_LIMIT) ahead of the file, so a kill -9 under full load loses at most that; a write that
// fails stops the recording loudly, exit 1, its connections closed rather than relayed unrecorded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { TranscriptWriter } from '../../extension/core/transcript/writer';
import { startVerb } from '../helpers/cli';
import { bytesOf, readAll } from '../helpers/transcripts';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();

/** An echo server that counts what it received. */
async function countingEcho(): Promise<{ port: number; received: () => number; close: () => void }> {
  let received = 0;
  const socks = new Set<Socket>();
  const server = createServer((s) => {
    socks.add(s);
    s.on('data', (d: Buffer) => {
      received += d.length;
      if (!s.write(d)) {
        s.pause();
        s.once('drain', () => s.resume());
      }
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as { port: number }).port, received: () => received, close: () => (socks.forEach((s) => s.destroy()), server.close()) };
}

/** Streams bytes through `port` as fast as the far side takes them, reading the echo; counts what came back. */
function blast(port: number): { received: () => number; closed: Promise<void>; stop: () => void } {
  const s = connect({ host: '127.0.0.1', port });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let received = 0;
  let stopped = false;
  s.on('data', (d: Buffer) => (received += d.length));
  s.on('error', () => {});
  const pump = () => {
    while (!stopped && s.write(chunk));
    if (!stopped) s.once('drain', pump);
  };
  s.once('connect', pump);
  const closed = new Promise<void>((r) => s.once('close', () => r()));
  return { received: () => received, closed, stop: () => ((stopped = true), s.destroy()) };
}

describe('what the recorder keeps when it dies or its disk fills', { timeout: 120_000 }, () => {
  test("kill -9 under full load: the transcript holds all it relayed but at most the writer's bound", async () => {
    const echo = await countingEcho();
    const out = join(dir, 'killed.transcript.jsonl');
    const rec = await startVerb(
      ['record', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${echo.port}`, '--out', out, '--keep-auth'],
      /recording 127\.0\.0\.1:(\d+) ->/,
    );
    const flows = [blast(rec.port), blast(rec.port)];
    await new Promise((r) => setTimeout(r, 2000));
    const exited = new Promise((r) => rec.child.once('exit', r));
    rec.child.kill('SIGKILL');
    await exited;
    const relayedUp = echo.received();
    const relayedDown = flows.reduce((n, f) => n + f.received(), 0);
    flows.forEach((f) => f.stop());
    echo.close();
    const events = await readAll(out).catch(async () => {
      // the file may end in a line cut mid-write: read what is whole
      const { openTranscript } = await import('../../extension/core/transcript');
      const t = await openTranscript(out, { lenient: true });
      const evs = [];
      for await (const e of t.events) evs.push(e);
      return evs;
    });
    const conns = [...new Set(events.filter((e) => e.k === 'c2s').map((e) => e.c))];
    const up = conns.reduce((n, c) => n + bytesOf(events, c, 'c2s').length, 0);
    const down = conns.reduce((n, c) => n + bytesOf(events, c, 's2c').length, 0);
    assert.ok(relayedDown > 20 * 1024 * 1024, `a real load: ${relayedDown} bytes relayed back in 2 s`);
    const bound = TranscriptWriter.AHEAD_LIMIT + 1024 * 1024; // plus one chunk in flight per direction
    assert.ok(relayedUp - up <= bound, `client→server: ${relayedUp} relayed, ${up} in the transcript`);
    assert.ok(relayedDown - down <= bound, `server→client: ${relayedDown} relayed, ${down} in the transcript`);
    // (the other way round needs no test here: bytes handed to a socket the peer has not read yet are relayed and
    // recorded, but not yet counted as received)
  });

  const tmpfs = join(dir, 'full');
  after(() => {
    try {
      execFileSync('umount', [tmpfs]);
    } catch {
      // not mounted
    }
  });

  test('a full disk stops the recording loudly: one line naming the file and ENOSPC, exit 1, the connection closed', async () => {
    mkdirSync(tmpfs);
    // a 1 MB file system of the test's own (root, as CI runs); without it this test cannot run and fails
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', tmpfs]);
    const echo = await countingEcho();
    const out = join(tmpfs, 'full.transcript.jsonl');
    const rec = await startVerb(
      ['record', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${echo.port}`, '--out', out, '--keep-auth'],
      /recording 127\.0\.0\.1:(\d+) ->/,
    );
    const flow = blast(rec.port);
    const code = await new Promise<number | null>((r) => rec.child.once('exit', (c) => r(c)));
    await Promise.race([flow.closed, new Promise((r) => setTimeout(r, 5000))]);
    const relayed = flow.received();
    flow.stop();
    echo.close();
    assert.equal(code, 1);
    assert.match(rec.stderr(), new RegExp(`${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: write failed \\(ENOSPC`));
    assert.ok(relayed < 4 * 1024 * 1024, `the relay stopped with the recording (${relayed} bytes relayed back)`);
  });
});
